"""The console page in headless chromium (fake Rasa): live queue, claim, reply, notes, hand back.

The cross-system flows (widget/SMS patient ↔ real Rasa ↔ console) are the e2e tests; this one
checks the page itself: no reload needed, keyboard use, live-region announcements, layout at
1366x768.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from actions.core.escalation.model import Reason, Summary
from tests.browser.conftest import browser  # noqa: F401  (the shared chromium fixture)
from tests.browser.helpers import start_from_top
from tests.console.conftest import PASSWORDS, Console

pytestmark = pytest.mark.browser


def wait(driver, predicate, message: str, timeout: float = 10):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: predicate(d), message=message)


def text_of(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def sign_in(driver, console: Console, name: str) -> None:
    driver.get(console.base_url + "/")
    wait(driver, lambda d: d.current_url.endswith("/login"), "redirected to the login page")
    driver.find_element(By.ID, "username").send_keys(name)
    password = driver.find_element(By.ID, "password")
    password.send_keys(PASSWORDS[name])
    password.send_keys(Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.ID, "queue-list"), "console page loaded")
    wait(driver, lambda d: "connected" in text_of(d, "connection"), "live queue connected")


def test_agent_takes_over_a_conversation_in_the_browser(browser, console: Console) -> None:  # noqa: F811
    driver = browser
    driver.set_window_size(1366, 768)
    sign_in(driver, console, "ann")
    driver.execute_script("window.__noReload = true;")
    start_from_top(driver)
    assert driver.switch_to.active_element.text == "Skip to the queue"

    console.rasa.patient_says("web-1", "I want to talk to a real person")
    console.queue.enqueue("web-1", Summary(
        Reason.EMERGENCY, chief_complaint="chest pain", red_flags=["chest pain radiating"],
        disposition="emergency", channel="webchat"))
    entry = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="web-1"]'),
                 "the new entry appears without a reload")[0]
    assert driver.execute_script("return window.__noReload === true;")
    assert "TOP PRIORITY" in entry.text and "chest pain" in entry.text
    assert "Waiting" in entry.text
    wait(driver, lambda d: "New in the queue" in d.find_element(
        By.ID, "announce-urgent").get_attribute("textContent"),
        "top-priority entries are announced assertively")

    # Keyboard: focus the entry and press Enter to open it.
    driver.execute_script("arguments[0].focus();", entry)
    entry.send_keys(Keys.ENTER)
    wait(driver, lambda d: "Emergency" in text_of(d, "conv-heading"), "conversation opened")
    assert driver.switch_to.active_element.get_attribute("id") == "conv-heading"
    assert not driver.find_element(By.ID, "reassign-box").is_displayed()   # supervisors only
    summary = text_of(driver, "summary")
    assert "chest pain radiating" in summary and "webchat" in summary
    wait(driver, lambda d: "I want to talk to a real person" in text_of(d, "transcript"),
         "transcript shown")
    assert driver.find_element(By.ID, "btn-send").get_attribute("disabled") is not None

    driver.find_element(By.ID, "btn-claim").click()
    wait(driver, lambda d: "Claimed by you" in text_of(d, "summary"), "claimed")
    assert console.rasa.calls_for("web-1")[0][0] == {"event": "pause"}

    box = driver.find_element(By.ID, "reply-text")
    wait(driver, lambda d: box.is_enabled(), "reply box enabled after claiming")
    box.send_keys("Hello, this is Ann from the clinic.")
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(driver, lambda d: any(ev[-1].get("text") == "Hello, this is Ann from the clinic."
                               for ev in console.rasa.calls_for("web-1")), "reply sent")
    wait(driver, lambda d: box.get_attribute("value") == "", "reply box cleared")

    # The patient writes again: the open transcript updates by itself and is announced.
    console.rasa.patient_says("web-1", "Thank you, it still hurts")
    wait(driver, lambda d: "it still hurts" in text_of(d, "transcript"), "transcript refresh")
    wait(driver, lambda d: "New message from the patient" in d.find_element(
        By.ID, "announce-polite").get_attribute("textContent"), "new message announced")

    note = driver.find_element(By.ID, "note-text")
    note.send_keys("Advised 911; patient alone at home")
    driver.find_element(By.ID, "btn-note").click()
    wait(driver, lambda d: "patient alone at home" in text_of(d, "notes"), "note listed")

    # The chart and stats render as an accessible image with a text equivalent.
    svg = driver.find_element(By.CSS_SELECTOR, "#chart svg")
    assert svg.get_attribute("role") == "img"
    assert "Waiting now" in text_of(driver, "stats-text")

    # The page fits a 1366x768 laptop without sideways scrolling.
    width = driver.execute_script("return document.documentElement.scrollWidth;")
    assert width <= driver.execute_script("return window.innerWidth;")

    driver.find_element(By.ID, "btn-handback").click()
    driver.switch_to.alert.accept()
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-id="web-1"]'),
         "handed-back entry leaves the queue")
    assert console.rasa.calls_for("web-1")[-1][0] == {"event": "resume"}
    assert console.queue.get("web-1").status == "handed_back"
    assert driver.execute_script("return window.__noReload === true;")


def test_reply_text_survives_a_rasa_outage(browser, console: Console) -> None:  # noqa: F811
    driver = browser
    driver.set_window_size(1366, 768)
    console.queue.enqueue("web-2", Summary(Reason.PATIENT_REQUEST))
    console.queue.claim("web-2", "ann")
    sign_in(driver, console, "ann")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="web-2"]'),
         "entry listed")[0].click()
    box = driver.find_element(By.ID, "reply-text")
    wait(driver, lambda d: box.is_enabled(), "reply enabled")
    console.rasa.down = True
    box.send_keys("Are you still there?")
    driver.find_element(By.ID, "btn-send").click()
    wait(driver, lambda d: "NOT sent" in text_of(d, "conv-error"), "error shown")
    assert box.get_attribute("value") == "Are you still there?"
