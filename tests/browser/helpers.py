"""Helpers for the widget browser tests: a tiny page server, a fake Socket.IO, page probes."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from scripts.stack import STATIC, free_port


class PageServer:
    """Serves the given pages (path -> HTML) and, for any other path, files from bot/static."""

    def __init__(self, pages: dict[str, str], static_dir: Path = STATIC, port: int = 0) -> None:
        encoded = {path: html.encode() for path, html in pages.items()}

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                body = encoded.get(self.path.split("?")[0])
                if body is None:
                    super().do_GET()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.port = port or free_port()
        handler = functools.partial(Handler, directory=str(static_dir))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# A stand-in for the Socket.IO client: the widget uses window.io when it is already defined.
# Tests push server events with window.__fake.fire(event, data); what the widget emitted is in
# window.__sent.
FAKE_IO = """
<script>
  window.__sent = [];
  window.io = function () {
    var handlers = {};
    window.__fake = { fire: function (ev, data) { handlers[ev] && handlers[ev](data); } };
    setTimeout(function () { handlers.connect && handlers.connect(); }, 0);
    return {
      on: function (ev, fn) { handlers[ev] = fn; },
      emit: function (ev, data) {
        window.__sent.push([ev, data]);
        if (ev === "session_request") {
          setTimeout(function () { handlers.session_confirm("fake-session-token"); }, 0);
        }
      }
    };
  };
</script>
"""


def fake_page(config_js: str = "", script_attrs: str = "", body: str = "") -> str:
    config = f"<script>{config_js}</script>" if config_js else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>widget test</title></head><body style='margin:0;font:16px sans-serif'>"
        f"<main><h1>Test page</h1>{body}</main>{FAKE_IO}{config}"
        f"<script src='/widget.js' {script_attrs}></script></body></html>"
    )


def bot_texts(driver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".tc-bot")]


def wait_for_bot_text(driver, fragment: str, timeout: float = 30) -> None:
    WebDriverWait(driver, timeout).until(
        lambda d: any(fragment in t for t in bot_texts(d)),
        message=f"no bot message containing {fragment!r}; saw {bot_texts(driver)}",
    )


def wait_for_widget(driver, timeout: float = 15) -> None:
    WebDriverWait(driver, timeout).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tc-root"))


def active(driver):
    return driver.switch_to.active_element


def tab_until(driver, predicate, limit: int = 25, backwards: bool = False):
    """Press Tab (or Shift+Tab) until ``predicate(active_element)``; return that element."""
    for _ in range(limit):
        element = active(driver)
        if predicate(element):
            return element
        if backwards:
            element.send_keys(Keys.SHIFT, Keys.TAB)
        else:
            element.send_keys(Keys.TAB)
    element = active(driver)
    assert predicate(element), f"never reached the element; focus is on {element.tag_name}"
    return element


def start_from_top(driver) -> None:
    """Put the keyboard focus at the start of the document (as after loading a page)."""
    driver.execute_script("document.activeElement && document.activeElement.blur();")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)


# WCAG 2.x contrast of an element's text colour against its background colour, computed in the
# page from the styles the browser actually applied.
CONTRAST_JS = """
function rgb(css) { return css.match(/[\\d.]+/g).slice(0, 3).map(Number); }
function lum(c) {
  c = c.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92
                                              : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
var el = arguments[0], bgEl = arguments[1] || arguments[0];
var fg = lum(rgb(getComputedStyle(el).color));
var bg = lum(rgb(getComputedStyle(bgEl).backgroundColor));
return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
"""


def contrast(driver, element, background=None) -> float:
    return driver.execute_script(CONTRAST_JS, element, background)


def no_horizontal_scroll(driver, width: int) -> dict:
    return driver.execute_script(
        "var d = document.documentElement, r = document.querySelector('#tc-input')"
        ".getBoundingClientRect();"
        "return {scrollWidth: d.scrollWidth, bodyScrollWidth: document.body.scrollWidth,"
        " innerWidth: window.innerWidth, innerHeight: window.innerHeight,"
        " input: {left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
        " width: r.width, height: r.height}};"
    ) | {"expected_width": width}


def emulate_width(driver, width: int, height: int = 640) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
