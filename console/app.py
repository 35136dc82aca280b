"""The staff console web app (Sanic): login, the live queue, and taking over conversations.

``create_app`` wires the parts together; nothing is built at import time:
  deps.py          ``Deps``: settings, Redis stores, the Rasa client (one per app)
  middleware.py    the request guard (origin, session, CSRF), security headers, Redis errors
  routes/          one Blueprint per area (pages, auth, queue_api, stream); the shared
                   preamble of the conversation actions is routes/conversation.py
  web.py           request/response helpers, ``Staff``, ``permissions``, ``entry_json``

Security model, in the order a request meets it (middleware.py, then the handler):
  1. state-changing requests from another origin are refused (403), login included;
  2. everything but /login, /health and /static needs a session (pages 302, /api 401);
  3. state-changing requests need the session's CSRF token (header or form field) or get 403;
  4. each handler checks the role and ownership rules (agents act only on entries they own).
Every staff action is written to the ``audit:staff`` stream.
"""

from __future__ import annotations

import logging
import re

import redis
from sanic import Sanic

from actions.core.privacy import conversation_hash
from console import middleware
from console.deps import Deps
from console.pages import STATIC
from console.rasa_client import RasaClient
from console.routes import blueprints
from console.settings import Settings

_CONVERSATION_PATH = re.compile(r"(/api/conversations/)[^/\s?]+")


class RedactConversationIds(logging.Filter):
    """Sanic logs request URLs on some events (e.g. a request cut off at shutdown); conversation
    ids in those URLs are replaced by their HMAC, like every other log line of the project."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/api/conversations/" in message:
            record.msg = _CONVERSATION_PATH.sub(
                lambda m: m.group(1) + "conv:" + conversation_hash(m.group(0)[len(m.group(1)):]),
                message)
            record.args = ()
        return True


_REDACTOR = RedactConversationIds()
for _name in ("sanic.root", "sanic.error", "sanic.access", "sanic.server"):
    logging.getLogger(_name).addFilter(_REDACTOR)


def create_app(settings: Settings, *, rasa: RasaClient | None = None,
               redis_client: redis.Redis | None = None, name: str = "staff_console") -> Sanic:
    """The console app. ``rasa`` and ``redis_client`` are injectable for tests."""
    app = Sanic(name, configure_logging=False)
    app.config.update({
        "REQUEST_MAX_SIZE": 64 * 1024,
        "GRACEFUL_SHUTDOWN_TIMEOUT": 2.0,  # open SSE streams must not hold a restart for 15 s
        "ACCESS_LOG": False,  # its lines carry URLs with conversation ids; we log hashes only
        "MOTD": False,
        "KEEP_ALIVE_TIMEOUT": 15,
    })
    deps = Deps.build(settings, rasa=rasa, redis_client=redis_client)
    app.ctx.deps = deps

    app.static("/static/", str(STATIC), name="static")
    middleware.register(app, deps)
    for bp in blueprints(deps):
        app.blueprint(bp)
    return app
