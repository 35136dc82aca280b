"""The widget embedded in a clinic's page from another allowed origin, against the real servers.

The clinic page is bot/static/embed-example.html, served from its own origin
(http://localhost:<port>, a different host name *and* port from the demo site), loading
widget.js from the demo site and talking to a Rasa server whose WEBCHAT_ALLOWED_ORIGINS names
that origin. So that the session stack (which allows only the demo site) needs no change, that
Rasa server is a second one sharing the session's Redis and action server (about 10 s to start).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from scripts.stack import STATIC, Proc, Stack, free_port, http_get
from tests.browser.helpers import (
    PageServer,
    active,
    bot_texts,
    contrast,
    emulate_width,
    no_horizontal_scroll,
    start_from_top,
    tab_until,
    wait_for_bot_text,
    wait_for_widget,
)

EXAMPLE = STATIC / "embed-example.html"
CHEST_PAIN = "crushing chest pain down my left arm and I'm sweating"


@dataclass
class Clinic:
    url: str  # the clinic page, on its own origin
    rasa_url: str
    auth_token: str


def session_token(browser, clinic: Clinic) -> str:
    return browser.execute_script(
        "return JSON.parse(sessionStorage.getItem('triageChat:' + arguments[0])).sessionId;",
        clinic.rasa_url)


@pytest.fixture(scope="module")
def clinic(stack: Stack, output_dir: Path) -> Iterator[Clinic]:
    port = free_port()
    origin = f"http://localhost:{port}"
    # A second Rasa server: the session stack's command and environment (same Redis, action
    # server, secrets), another port, this page's origin allowed, one worker.
    rasa_port = free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    cmd = stack.rasa_cmd()
    cmd[cmd.index("--port") + 1] = str(rasa_port)
    env = {**stack.base_env(), "WEBCHAT_ALLOWED_ORIGINS": origin, "SANIC_WORKERS": "1"}
    sidecar = Proc("rasa-embed", cmd, env, output_dir / "logs" / "rasa-embed.log").start()

    def ready() -> bool:
        status, body = http_get(f"{rasa_url}/status?token={stack.auth_token}")
        return status == 200 and bool(json.loads(body).get("model_file"))

    try:
        sidecar.wait_ready(ready, timeout=300)
    except BaseException:
        sidecar.stop()
        raise
    # The example page exactly as published, with `make run`'s addresses replaced by ours.
    html = EXAMPLE.read_text()
    assert html.count('"http://127.0.0.1:5005"') == 1
    assert html.count('"http://127.0.0.1:8080/widget.js"') == 1
    html = html.replace('"http://127.0.0.1:5005"', f'"{rasa_url}"')
    html = html.replace('"http://127.0.0.1:8080/widget.js"', f'"{stack.web_url}/widget.js"')
    server = PageServer({"/": html}, port=port)
    try:
        with server:
            yield Clinic(url=f"{origin}/", rasa_url=rasa_url,
                         auth_token=stack.auth_token)
    finally:
        sidecar.stop()


def test_embedded_on_another_origin_keyboard_only_and_history_after_reload(
    clinic: Clinic, stack: Stack, browser, output_dir: Path
) -> None:
    browser.get(clinic.url)
    wait_for_widget(browser)
    # Three different origins: the clinic page, the widget's host, the Rasa server.
    widget_src = browser.execute_script(
        "return document.querySelector('script[src$=\"widget.js\"]').src;")
    assert widget_src.startswith(stack.web_url)
    assert browser.execute_script("return location.origin;").startswith("http://localhost:")
    assert browser.find_element(By.ID, "tc-title").text == "Ask Riverside Clinic"

    # Keyboard only: Tab to the message box, type, Enter.
    start_from_top(browser)
    tab_until(browser, lambda e: e.get_attribute("id") == "tc-input")
    # The typing indicator is shown while the turn runs (recorded by a MutationObserver).
    browser.execute_script(
        "window.__typingSeen = false; var t = document.querySelector('.tc-typing');"
        "new MutationObserver(function () { if (t.textContent.indexOf('typing') >= 0)"
        " window.__typingSeen = true; }).observe(t, {childList: true, subtree: true});")
    active(browser).send_keys("hello", Keys.ENTER)
    wait_for_bot_text(browser, "not a clinician")
    assert browser.execute_script("return window.__typingSeen;")
    WebDriverWait(browser, 5).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".tc-typing").text == "")

    # A quick reply, reached with Shift+Tab and pressed with Enter.
    button = tab_until(browser, lambda e: e.text == "Check my symptoms", backwards=True)
    assert button.tag_name == "button"
    button.send_keys(Keys.ENTER)
    wait_for_bot_text(browser, "what's the main problem")
    assert active(browser).get_attribute("id") == "tc-input"  # focus returns to the box

    # The user bubble meets WCAG AA with this page's primaryColor (#00796b).
    bubble = browser.find_elements(By.CSS_SELECTOR, ".tc-user")[-1]
    assert bubble.value_of_css_property("background-color") == "rgba(0, 121, 107, 1)"
    assert contrast(browser, bubble) >= 4.5
    browser.save_screenshot(str(output_dir / "embed-desktop.png"))

    # Reload: the transcript comes back...
    before = bot_texts(browser)
    users_before = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".tc-user")]
    token = session_token(browser, clinic)
    browser.refresh()
    wait_for_widget(browser)
    WebDriverWait(browser, 10).until(lambda d: bot_texts(d) == before)
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".tc-user")] == users_before
    # ...and the server continues the same conversation: we are still in the symptom check, so
    # the next message is taken as the main complaint.
    start_from_top(browser)
    box = tab_until(browser, lambda e: e.get_attribute("id") == "tc-input")
    box.send_keys("I have had a sore throat for two days", Keys.ENTER)
    wait_for_bot_text(browser, "How old is the person")
    assert session_token(browser, clinic) == token
    conversation_id = token.split(".")[0]
    status, body = http_get(
        f"{clinic.rasa_url}/conversations/{conversation_id}/tracker?token={clinic.auth_token}")
    assert status == 200
    said = [e.get("text") for e in json.loads(body)["events"] if e["event"] == "user"]
    assert said[0] == "hello" and said[-1] == "I have had a sore throat for two days", said
    browser.save_screenshot(str(output_dir / "embed-desktop-after-reload.png"))


def test_emergency_banner_with_tap_to_call(clinic: Clinic, browser, output_dir: Path) -> None:
    browser.get(clinic.url)
    wait_for_widget(browser)
    box = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "tc-input"))
    box.send_keys(CHEST_PAIN, Keys.ENTER)
    wait_for_bot_text(browser, "Call 911 now")
    banner = WebDriverWait(browser, 5).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".tc-banner.tc-on"))
    assert banner.get_attribute("role") == "alert"
    link = banner.find_element(By.CSS_SELECTOR, "a[href='tel:911']")
    assert link.text == "Call 911" and link.is_displayed()
    # Prominent: at the top of the panel, directly under the header.
    head = browser.find_element(By.CSS_SELECTOR, ".tc-head")
    assert abs(banner.rect["y"] - (head.rect["y"] + head.rect["height"])) <= 1
    assert contrast(browser, link) >= 4.5
    # Keyboard users reach the call link.
    start_from_top(browser)
    tab_until(browser, lambda e: e.get_attribute("href") == "tel:911")
    WebDriverWait(browser, 30).until(lambda d: any("not a clinician" in t for t in bot_texts(d)))
    browser.save_screenshot(str(output_dir / "embed-emergency-desktop.png"))


def test_320px_wide_no_horizontal_scroll_and_input_visible(
    clinic: Clinic, browser, output_dir: Path
) -> None:
    emulate_width(browser, 320, 640)
    browser.get(clinic.url)
    wait_for_widget(browser)
    box = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "tc-input"))
    box.send_keys("hello", Keys.ENTER)
    wait_for_bot_text(browser, "not a clinician")
    box.send_keys(CHEST_PAIN, Keys.ENTER)
    wait_for_bot_text(browser, "Call 911 now")
    WebDriverWait(browser, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tc-banner a"))
    metrics = no_horizontal_scroll(browser, 320)
    assert metrics["innerWidth"] == 320, metrics
    assert metrics["scrollWidth"] <= 320, metrics
    assert metrics["bodyScrollWidth"] <= 320, metrics
    rect = metrics["input"]
    assert rect["left"] >= 0 and rect["right"] <= 320 and rect["width"] >= 120, metrics
    assert rect["top"] >= 0 and rect["bottom"] <= metrics["innerHeight"], metrics
    assert browser.find_element(By.ID, "tc-input").is_displayed()
    panel = browser.find_element(By.ID, "tc-panel").rect
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 320, panel
    browser.save_screenshot(str(output_dir / "embed-320px.png"))
