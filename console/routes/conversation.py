"""``conversation_action``: the preamble every ``POST /api/conversations/<id>/<action>`` shares.

In this order (the first failure answers; the order is part of the API):
  1. the signed-in staff member (the guard has already answered 401 without a session);
  2. the JSON body: 400 if it is not valid JSON or not an object (an empty body is ``{}``);
  3. ``supervisors_only=<message>``: 403 with that message for agents (before the lookup);
  4. the queue entry, open or closed: 404 "No such conversation in the queue." if unknown
     (ids the store would refuse, empty or too long, are unknown too);
  5. each ``Check`` in the order given: ``STILL_OPEN`` is the 409 "no longer in the queue" for
     a closed entry; others are role (403) or state (409) rules with their own messages;
  6. ``with_text=True``: the ``text`` field, stripped, 1 to 1000 characters, or 400.
The handler then gets ``(request, Action)`` and does the work (Rasa first, then the store, then
the audit row). A store race (``EntryNotFound``) is the handler's to answer with ``gone()``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sanic import HTTPResponse, Request

from actions.core.escalation.model import Entry
from console.deps import Deps
from console.web import Staff, error, parse_body, text_field

NO_SUCH_CONVERSATION = "No such conversation in the queue."
NOT_IN_QUEUE = "This conversation is no longer in the queue."


@dataclass(frozen=True)
class Check:
    """A rule on (staff, entry); when ``ok`` is false the answer is ``status`` + ``message``."""

    ok: Callable[[Staff, Entry], bool]
    status: int
    message: str


STILL_OPEN = Check(lambda staff, entry: entry.is_open, 409, NOT_IN_QUEUE)


@dataclass(frozen=True)
class Action:
    """What the preamble established for the handler."""

    cid: str
    staff: Staff
    entry: Entry
    data: dict[str, Any]
    text: str = ""  # the validated ``text`` field with ``with_text=True``, else ""


ActionHandler = Callable[[Request, Action], Awaitable[HTTPResponse]]
RouteHandler = Callable[[Request, str], Awaitable[HTTPResponse]]


def gone() -> HTTPResponse:
    """409: the entry closed (or vanished) under us."""
    return error(409, NOT_IN_QUEUE)


def conversation_action(deps: Deps, *checks: Check, supervisors_only: str | None = None,
                        with_text: bool = False) -> Callable[[ActionHandler], RouteHandler]:
    """Wrap ``handler(request, action)`` into a ``route(request, cid)`` running the preamble."""
    def decorate(handler: ActionHandler) -> RouteHandler:
        @functools.wraps(handler)
        async def route(request: Request, cid: str) -> HTTPResponse:
            staff: Staff | None = request.ctx.staff
            if staff is None:  # unreachable behind the guard; never run a handler without staff
                return error(401, "Not signed in.")
            data = parse_body(request)
            if isinstance(data, HTTPResponse):
                return data
            if supervisors_only is not None and not staff.is_supervisor:
                return error(403, supervisors_only)
            entry = await deps.find_entry(cid)
            if entry is None:
                return error(404, NO_SUCH_CONVERSATION)
            for check in checks:
                if not check.ok(staff, entry):
                    return error(check.status, check.message)
            text = ""
            if with_text:
                parsed = text_field(data)
                if isinstance(parsed, HTTPResponse):
                    return parsed
                text = parsed
            return await handler(request, Action(cid, staff, entry, data, text))
        return route
    return decorate
