"""Request and response helpers shared by the route modules (no state, nothing built here)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sanic import HTTPResponse, Request
from sanic.response import json as json_response

from actions.core.escalation.model import CLAIMED, PRIORITY_LABELS, REASON_LABELS, WAITING, Entry
from console.accounts import Account
from console.auth import Session

MAX_TEXT_CHARS = 1000
RASA_DOWN = "The chat service (Rasa) is not reachable right now."

T = TypeVar("T")


@dataclass(frozen=True)
class Staff:
    """The signed-in user of this request."""

    account: Account
    session: Session
    sid: str

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def is_supervisor(self) -> bool:
        return self.account.is_supervisor


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Blocking Redis/argon2 work off the event loop, so one slow call never stalls the SSE."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def error(status: int, message: str, **extra: Any) -> HTTPResponse:
    return json_response({"error": message, **extra}, status=status)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def secure_cookies(request: Request, setting: bool | None) -> bool:
    """Whether cookies get the ``Secure`` flag. An explicit setting wins
    (``CONSOLE_SECURE_COOKIES``, or off in ``TRIAGE_ENV=development``); otherwise always,
    except for plain http to a loopback host (``make run``, tests): browsers and HTTP clients
    would not send a Secure cookie back there, and loopback traffic never leaves the machine.
    Behind a TLS proxy the browser's Host is the public name, so the flag is set."""
    if setting is not None:
        return setting
    if request.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https":
        return True
    host = (urlsplit("//" + (request.host or "")).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def set_cookie(response: HTTPResponse, name: str, value: str, max_age: int, path: str,
               secure: bool) -> None:
    response.add_cookie(name, value, path=path, httponly=True, samesite="Strict",
                        secure=secure, max_age=max_age)


def parse_body(request: Request) -> dict[str, Any] | HTTPResponse:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return error(400, "The request body is not valid JSON.")
    if not isinstance(data, dict):
        return error(400, "The request body must be a JSON object.")
    return data


def text_field(data: dict[str, Any]) -> str | HTTPResponse:
    raw = data.get("text")
    if not isinstance(raw, str):
        return error(400, "A 'text' string is required.")
    text = raw.strip()
    if not text:
        return error(400, "The text is empty.")
    if len(text) > MAX_TEXT_CHARS:
        return error(400, f"The text is longer than {MAX_TEXT_CHARS} characters.")
    return text


def entry_json(entry: Entry, now: float, position: int | None = None) -> dict[str, Any]:
    data = entry.to_dict()
    data.update(
        reason_label=REASON_LABELS.get(entry.summary.reason, entry.summary.reason.value),
        priority_label=PRIORITY_LABELS.get(entry.priority, str(entry.priority)),
        waiting_s=round(entry.waiting_seconds(now), 1),
        position=position,
    )
    return data


def permissions(staff: Staff, entry: Entry) -> dict[str, bool]:
    """What this user may do with this entry (the API enforces it; the page only mirrors it)."""
    sup = staff.is_supervisor
    mine = entry.owner == staff.username
    return {
        "claim": entry.status == WAITING,
        "reply": entry.status == CLAIMED and (mine or sup),
        "handback": entry.is_open and ((mine and entry.status == CLAIMED) or sup),
        "resolve": entry.is_open and ((mine and entry.status == CLAIMED) or sup),
        "notes": mine or sup,
        "transcript": mine or sup or entry.status == WAITING,
        "reassign": sup and entry.is_open,
    }
