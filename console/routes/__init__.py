"""The console's routes, one Blueprint per area; each module's ``blueprint(deps)`` builds a fresh
Blueprint per app over that app's ``Deps``.

  pages.py        GET /, /health, /favicon.ico
  auth.py         GET/POST /login, POST /logout
  queue_api.py    /api/me, /api/queue, /api/stats, /api/agents, /api/conversations/<id>[/action]
  stream.py       GET /api/stream (SSE)
  conversation.py the ``conversation_action`` decorator the queue_api actions share
"""

from __future__ import annotations

from sanic import Blueprint

from console.deps import Deps
from console.routes import auth, pages, queue_api, stream


def blueprints(deps: Deps) -> list[Blueprint]:
    return [pages.blueprint(deps), auth.blueprint(deps), queue_api.blueprint(deps),
            stream.blueprint(deps)]
