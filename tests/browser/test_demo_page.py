"""Acceptance: the demo page chats over socket.io in real headless Chromium, keyboard only."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from scripts.stack import StaticSite, free_port
from tests.browser.helpers import bot_texts, wait_for_bot_text


def test_demo_page_chats_over_socketio_keyboard_only(stack, browser, output_dir: Path) -> None:
    browser.get(f"{stack.web_url}/")
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "tc-input"))
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    # Keyboard only: Tab until the message box has focus, type, press Enter.
    for _ in range(10):
        if browser.switch_to.active_element.get_attribute("id") == "tc-input":
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "tc-input"
    browser.switch_to.active_element.send_keys("hello", Keys.ENTER)
    wait_for_bot_text(browser, "not a clinician")

    # The log is a live region so screen readers announce replies.
    log = browser.find_element(By.CSS_SELECTOR, ".tc-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"

    # Quick replies are real buttons: reach one with Shift+Tab and press Enter.
    buttons = browser.find_elements(By.CSS_SELECTOR, ".tc-buttons button")
    assert [b.text for b in buttons] == ["Questions about the clinic", "Appointments",
                                         "Check my symptoms"]
    active = browser.switch_to.active_element
    for _ in range(10):
        active.send_keys(Keys.SHIFT, Keys.TAB)
        active = browser.switch_to.active_element
        if active.text == "Check my symptoms":
            break
    assert active.text == "Check my symptoms"
    active.send_keys(Keys.ENTER)
    wait_for_bot_text(browser, "what's the main problem")
    browser.save_screenshot(str(output_dir / "demo-page-chat.png"))

    # A reload keeps the same conversation: transcript shown, and the server remembers that
    # we are in the middle of a symptom check (the next message is taken as the complaint).
    browser.refresh()
    wait_for_bot_text(browser, "what's the main problem", timeout=15)
    box = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "tc-input"))
    box.send_keys("I have had a sore throat for two days", Keys.ENTER)
    wait_for_bot_text(browser, "How old is the person")


def test_page_from_a_disallowed_origin_cannot_connect(stack, browser) -> None:
    # Same widget, served from an origin that is not in WEBCHAT_ALLOWED_ORIGINS.
    other = StaticSite(free_port(), stack.rasa_url).start()
    try:
        browser.get(f"http://127.0.0.1:{other.port}/")
        WebDriverWait(browser, 20).until(
            lambda d: "Can't reach the assistant" in d.find_element(By.CSS_SELECTOR,
                                                                    ".tc-status").text
        )
        browser.find_element(By.ID, "tc-input").send_keys("hello", Keys.ENTER)
        browser.implicitly_wait(0)
        import time

        time.sleep(3)
        assert bot_texts(browser) == []
    finally:
        other.stop()
