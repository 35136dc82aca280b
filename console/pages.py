"""The two HTML pages (login, console), rendered from templates/ with every value escaped.

The console page is a shell: console.js loads the queue and conversations over the JSON API, so
no patient data is ever rendered into HTML on the server.
"""

from __future__ import annotations

import functools
from html import escape
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

LOGIN_FAILED = ("Sign-in failed. Check your username and password. After several failed attempts "
                "each new attempt has to wait a little longer.")


@functools.cache
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def login_page(csrf: str, error: str | None = None, username: str = "") -> str:
    error_html = (f'<p id="login-error" class="error" role="alert">{escape(error)}</p>'
                  if error else "")
    return _template("login.html").substitute(
        csrf=escape(csrf), error=error_html, username=escape(username[:64]),
        describedby='aria-describedby="login-error"' if error else "")


def console_page(csrf: str, username: str, display_name: str, role: str) -> str:
    return _template("console.html").substitute(
        csrf=escape(csrf), username=escape(username), display_name=escape(display_name),
        role=escape(role))
