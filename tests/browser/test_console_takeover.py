"""Escalation to staff, end to end: in real headless Chromium, a patient on the web widget asks for
a person, the entry appears in a signed-in agent's console without a reload, the agent claims and
replies, the patient sees the reply, the agent hands back, and the assistant answers the next
message."""

from __future__ import annotations

from pathlib import Path

import httpx
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from actions.escalation.store import EscalationQueue
from tests.browser.helpers import wait_for_bot_text
from tests.e2e.console_client import new_staff


def staff_texts(driver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".tc-staff")]


def queue_ids(driver) -> set[str]:
    return {b.get_attribute("data-id")
            for b in driver.find_elements(By.CSS_SELECTOR, "#queue-list [data-id]")}


def sign_in(driver, url: str, username: str, password: str) -> None:
    driver.get(f"{url}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password, Keys.ENTER)
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.ID, "queue-list"))
    WebDriverWait(driver, 15).until(
        lambda d: "ok" in d.find_element(By.ID, "connection").get_attribute("class"))


def click(driver, css: str) -> None:
    """Scroll the element into view and click it once it is enabled; the live page re-renders
    under us (queue updates, permissions), so retry briefly."""
    def clicked(d) -> bool:
        try:
            element = d.find_element(By.CSS_SELECTOR, css)
            if not element.is_enabled():
                return False
            d.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
            element.click()
            return True
        except WebDriverException:
            return False
    WebDriverWait(driver, 10).until(clicked, message=f"could not click {css}")


def open_entry(driver, conversation: str) -> None:
    click(driver, f'#queue-list [data-id="{conversation}"]')


def patient_says(driver, text: str) -> None:
    box = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "tc-input"))
    box.send_keys(text, Keys.ENTER)


def test_web_patient_to_agent_and_back(stack, browser, second_browser, output_dir: Path) -> None:
    patient, agent = browser, second_browser
    username, password = new_staff(stack)
    sign_in(agent, stack.console_url, username, password)
    before = queue_ids(agent)

    patient.get(f"{stack.web_url}/")
    patient_says(patient, "I'd like to talk to a real person")
    wait_for_bot_text(patient, "asked a person from the clinic team")

    # The entry appears in the open console by itself (server-sent events, no reload).
    WebDriverWait(agent, 10).until(lambda d: queue_ids(d) - before,
                                   message="the new entry never appeared in the console")
    (conversation,) = queue_ids(agent) - before
    open_entry(agent, conversation)
    click(agent, "#btn-claim")
    WebDriverWait(agent, 10).until(lambda d: d.find_element(By.ID, "btn-send").is_enabled())
    WebDriverWait(patient, 15).until(lambda d: any("clinic team" in t for t in staff_texts(d)))

    agent.find_element(By.ID, "reply-text").send_keys("Hello, this is Sam from the front desk.")
    click(agent, "#btn-send")
    WebDriverWait(patient, 15).until(
        lambda d: any("Sam from the front desk" in t for t in staff_texts(d)),
        message=f"reply never reached the widget; saw {staff_texts(patient)}")

    # The patient answers; the bot stays quiet and the agent sees it live in the transcript.
    bot_count = len(patient.find_elements(By.CSS_SELECTOR, ".tc-bot"))
    patient_says(patient, "Thanks Sam, it's about my bill")
    WebDriverWait(agent, 15).until(
        lambda d: "it's about my bill" in d.find_element(By.ID, "transcript").text)
    assert len(patient.find_elements(By.CSS_SELECTOR, ".tc-bot")) == bot_count
    patient.save_screenshot(str(output_dir / "takeover-patient.png"))
    agent.save_screenshot(str(output_dir / "takeover-console.png"))

    click(agent, "#btn-handback")
    WebDriverWait(agent, 5).until(expected_conditions.alert_is_present())
    agent.switch_to.alert.accept()  # "Hand this conversation back …?"
    wait_for_bot_text(patient, "automated assistant")
    bot_count = len(patient.find_elements(By.CSS_SELECTOR, ".tc-bot"))
    patient_says(patient, "what are your opening hours on saturday?")
    wait_for_bot_text(patient, "Source:")
    assert len(patient.find_elements(By.CSS_SELECTOR, ".tc-bot")) > bot_count


def test_staff_messages_reach_the_browser_whichever_rasa_worker_sends_them(stack, browser) -> None:
    """Rasa runs 2 Sanic workers; the browser's socket lives in one of them, while a staff reply
    (Rasa HTTP API) may land in either. Each of several posts must arrive."""
    queue = EscalationQueue.from_url(stack.redis_settings.url)
    before = {e.conversation_id for e in queue.open_entries()}
    browser.get(f"{stack.web_url}/")
    patient_says(browser, "can I speak to a human please")
    wait_for_bot_text(browser, "asked a person from the clinic team")
    (conversation,) = {e.conversation_id for e in queue.open_entries()} - before
    for i in range(6):  # separate connections: Sanic spreads them over its workers
        r = httpx.post(f"{stack.rasa_url}/conversations/{conversation}/tracker/events",
                       params={"token": stack.auth_token, "output_channel": "latest",
                               "execute_side_effects": "true"},
                       json=[{"event": "bot", "text": f"staff note {i}",
                              "metadata": {"agent": "t", "agent_name": "Tess"}}], timeout=10)
        assert r.status_code == 200, r.text
    WebDriverWait(browser, 15).until(
        lambda d: sum(t.endswith(tuple(f"staff note {i}" for i in range(6)))
                      for t in staff_texts(d)) == 6,
        message=f"not every staff message arrived: {staff_texts(browser)}")
