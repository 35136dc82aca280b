"""The widget alone in headless Chromium, with a fake Socket.IO (no servers): colours and
contrast, the emergency/crisis banner, replay after reload, the minimise toggle, data-attribute
configuration and the 320 px layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.helpers import (
    PageServer,
    active,
    bot_texts,
    contrast,
    emulate_width,
    fake_page,
    no_horizontal_scroll,
    start_from_top,
    tab_until,
    wait_for_widget,
)

EMERGENCY = "Call 911 now, or go to the nearest emergency department."
CRISIS = ("Please reach out for support right now: call or text 988 (Suicide & Crisis "
          "Lifeline) — it's free and open 24/7. If you or someone else is in immediate danger, "
          "call 911.")
STOPPED = ("OK, I've stopped the symptom check. If anything gets worse or you're worried, call "
           "911 (or call or text 988 if you're thinking about harming yourself).")


def fire(driver, data: dict) -> None:
    driver.execute_script("window.__fake.fire('bot_uttered', arguments[0]);", data)


def open_fake(driver, server: PageServer, path: str = "/") -> None:
    driver.get(f"http://127.0.0.1:{server.port}{path}")
    wait_for_widget(driver)
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return !!window.__fake && window.__sent.length > 0"))


def banner_links(driver) -> list[str]:
    return [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR,
                                                                  ".tc-banner a")]


@pytest.mark.parametrize("color", ["#0b5cad", "#ffd700", "yellow", "#7fdbff", "#e91e63",
                                   "hsl(120 60% 45%)", "not a colour"])
def test_text_on_any_primary_colour_meets_wcag_aa(browser, color: str) -> None:
    cfg = json.dumps({"primaryColor": color, "title": "Contrast"})
    with PageServer({"/": fake_page(f"window.TRIAGE_CHAT_CONFIG = {cfg};")}) as server:
        open_fake(browser, server)
        box = browser.find_element(By.ID, "tc-input")
        box.send_keys("my message", Keys.ENTER)
        fire(browser, {"text": "Pick one", "quick_replies": [{"title": "Yes", "payload": "/y"}]})
        bubble = browser.find_element(By.CSS_SELECTOR, ".tc-user")
        head = browser.find_element(By.CSS_SELECTOR, ".tc-head")
        send = browser.find_element(By.CSS_SELECTOR, ".tc-form button")
        quick = browser.find_element(By.CSS_SELECTOR, ".tc-buttons button")
        ratios = {
            "user bubble": contrast(browser, bubble),
            "header": contrast(browser, browser.find_element(By.ID, "tc-title"), head),
            "send button": contrast(browser, send),
            "quick reply": contrast(browser, quick),
            "bot bubble": contrast(browser, browser.find_element(By.CSS_SELECTOR, ".tc-bot")),
        }
        assert all(r >= 4.5 for r in ratios.values()), ratios
        if color in ("#ffd700", "yellow", "#7fdbff"):  # light colours get black text
            assert bubble.value_of_css_property("color") in ("rgba(0, 0, 0, 1)", "rgb(0, 0, 0)")


def test_emergency_and_crisis_banners_with_tap_to_call_links(browser) -> None:
    with PageServer({"/": fake_page()}) as server:
        open_fake(browser, server)
        assert browser.find_element(By.CSS_SELECTOR, ".tc-banner").text == ""
        fire(browser, {"text": STOPPED})  # mentions 988 in passing: no banner
        fire(browser, {"text": "Hello! I'm the clinic's assistant."})
        assert banner_links(browser) == []

        fire(browser, {"text": EMERGENCY})
        banner = browser.find_element(By.CSS_SELECTOR, ".tc-banner")
        assert banner.get_attribute("role") == "alert"
        assert banner.is_displayed()
        assert banner_links(browser) == ["tel:911"]
        assert "call 911" in banner.text.lower()

        # Crisis outranks emergency: 988 call and text, plus 911.
        fire(browser, {"text": CRISIS})
        assert banner_links(browser) == ["tel:988", "sms:988", "tel:911"]
        # ...and an emergency after it does not take the 988 links away.
        fire(browser, {"text": EMERGENCY})
        assert banner_links(browser) == ["tel:988", "sms:988", "tel:911"]

        # The banner sits at the top of the panel, right under the header, above the transcript.
        order = browser.execute_script(
            "var p = document.querySelector('.tc-panel');"
            "return Array.prototype.map.call(p.children, function (c) { return c.className; });")
        assert order[:3] == ["tc-head", "tc-banner tc-on tc-crisis", "tc-log"]
        for link in browser.find_elements(By.CSS_SELECTOR, ".tc-banner a"):
            assert contrast(browser, link) >= 4.5
            assert link.size["height"] >= 44  # touch target

        # After a reload the transcript and the banner come back.
        browser.refresh()
        wait_for_widget(browser)
        assert banner_links(browser) == ["tel:988", "sms:988", "tel:911"]
        assert any(CRISIS[:40] in t for t in bot_texts(browser))


def test_custom_payload_raises_the_banner_without_an_empty_bubble(browser) -> None:
    with PageServer({"/": fake_page()}) as server:
        open_fake(browser, server)
        fire(browser, {"custom": {"banner": "emergency"}})
        assert banner_links(browser) == ["tel:911"]
        assert browser.find_elements(By.CSS_SELECTOR, ".tc-msg") == []
        fire(browser, {"text": "Please get help.", "custom": {"banner": "crisis"}})
        assert banner_links(browser) == ["tel:988", "sms:988", "tel:911"]
        texts = bot_texts(browser)
        assert len(texts) == 1 and texts[0].endswith("Please get help."), texts
        browser.refresh()
        wait_for_widget(browser)
        assert banner_links(browser) == ["tel:988", "sms:988", "tel:911"]


def test_minimise_and_reopen_with_the_keyboard_and_remember_it(browser) -> None:
    with PageServer({"/": fake_page(body="<p><a href='#x'>A link on the page</a></p>")}) as server:
        open_fake(browser, server)
        start_from_top(browser)
        button = tab_until(browser, lambda e: e.get_attribute("class") == "tc-min")
        assert button.get_attribute("aria-label") == "Minimise chat"
        assert button.get_attribute("aria-expanded") == "true"
        button.send_keys(Keys.ENTER)
        panel = browser.find_element(By.ID, "tc-panel")
        assert not panel.is_displayed()
        launcher = active(browser)
        assert launcher.get_attribute("class") == "tc-launcher"
        assert launcher.get_attribute("aria-expanded") == "false"

        browser.refresh()
        wait_for_widget(browser)
        assert not browser.find_element(By.ID, "tc-panel").is_displayed()
        start_from_top(browser)
        launcher = tab_until(browser, lambda e: e.get_attribute("class") == "tc-launcher")
        launcher.send_keys(Keys.SPACE)
        assert browser.find_element(By.ID, "tc-panel").is_displayed()
        assert active(browser).get_attribute("id") == "tc-input"


def test_emergency_reopens_a_minimised_panel(browser) -> None:
    page = fake_page("window.TRIAGE_CHAT_CONFIG = {startOpen: false};")
    with PageServer({"/": page}) as server:
        open_fake(browser, server)
        assert not browser.find_element(By.ID, "tc-panel").is_displayed()
        fire(browser, {"text": EMERGENCY})
        assert browser.find_element(By.ID, "tc-panel").is_displayed()
        assert banner_links(browser) == ["tel:911"]


def test_single_script_tag_with_data_attributes(browser) -> None:
    attrs = ("data-title='Ask Riverside' data-primary-color='#ffd700' data-language='es' "
             "data-server-url='http://127.0.0.1:9/'")
    with PageServer({"/": fake_page(script_attrs=attrs)}) as server:
        open_fake(browser, server)
        assert browser.find_element(By.ID, "tc-title").text == "Ask Riverside"
        root = browser.find_element(By.CSS_SELECTOR, ".tc-root")
        assert root.get_attribute("lang") == "es"
        assert root.get_attribute("aria-labelledby") == "tc-title"
        stored = browser.execute_script("return Object.keys(sessionStorage);")
        assert stored == ["triageChat:http://127.0.0.1:9"]
        # Health information never outlives the tab (shared computers).
        assert browser.execute_script("return Object.keys(localStorage);") == []
        head = browser.find_element(By.CSS_SELECTOR, ".tc-head")
        assert head.value_of_css_property("background-color") == "rgba(255, 215, 0, 1)"


def test_typing_indicator_shows_until_the_reply(browser) -> None:
    with PageServer({"/": fake_page()}) as server:
        open_fake(browser, server)
        browser.find_element(By.ID, "tc-input").send_keys("hello", Keys.ENTER)
        typing = browser.find_element(By.CSS_SELECTOR, ".tc-typing")
        assert "typing" in typing.text
        assert typing.get_attribute("aria-live") == "polite"
        assert browser.execute_script("return window.__sent.slice(-1)[0];") == [
            "user_uttered", {"message": "hello", "session_id": "fake-session-token"}]
        fire(browser, {"text": "Hi"})
        assert typing.text == ""


def test_320px_no_horizontal_scroll_with_long_content(browser, output_dir: Path) -> None:
    with PageServer({"/": fake_page()}) as server:
        emulate_width(browser, 320)
        open_fake(browser, server)
        long_word = "https://example.org/" + "a" * 120
        browser.find_element(By.ID, "tc-input").send_keys(long_word, Keys.ENTER)
        fire(browser, {"text": EMERGENCY})
        fire(browser, {"text": "Which one? " + long_word, "quick_replies": [
            {"title": "A rather long quick reply title that has to wrap", "payload": "/a"},
            {"title": "No", "payload": "/b"}]})
        metrics = no_horizontal_scroll(browser, 320)
        assert metrics["innerWidth"] == 320, metrics
        assert metrics["scrollWidth"] <= 320, metrics
        box = metrics["input"]
        assert 0 <= box["left"] and box["right"] <= 320 and box["width"] >= 120, metrics
        assert 0 <= box["top"] and box["bottom"] <= metrics["innerHeight"], metrics
        browser.save_screenshot(str(output_dir / "widget-offline-320px.png"))
