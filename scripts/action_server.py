"""Start the action server: rasa-sdk's server, bound to loopback and behind a shared token.

Why not ``python -m rasa_sdk``: it listens on every interface (0.0.0.0) and runs any action for
anyone who can reach the port, so a forged request cancelled an appointment and queued a fake
emergency. Here:
- the server binds 127.0.0.1 unless ``--host`` says otherwise (a separate host must be chosen on
  purpose, e.g. a private container network);
- every request except ``GET /health`` must carry ``X-Action-Token: <ACTION_SERVER_TOKEN>``; the
  Rasa server sends it (bot/endpoints.yml ``action_endpoint.headers``). Without it: 401, nothing
  runs. The server refuses to start without a token of at least 16 characters.

Usage: ``python -m scripts.action_server --port 5055 [--host 127.0.0.1]`` (scripts/stack.py starts
it; outside the ``actions`` package, so a refused setting is reported before rasa-sdk imports it).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from rasa_sdk import utils
from rasa_sdk.endpoint import DEFAULT_ENDPOINTS_PATH, create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

TOKEN_HEADER = "X-Action-Token"  # noqa: S105 (a header name, not a secret)
MIN_TOKEN_CHARS = 16
OPEN_PATHS = frozenset({"/health"})


def token_accepted(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def create_app(executor: ActionExecutor, token: str) -> Sanic:
    """rasa-sdk's app plus the token check."""
    app = create_app_for_serve(executor, cors_origins=None, endpoints=DEFAULT_ENDPOINTS_PATH)

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or token_accepted(token, request.headers.get(TOKEN_HEADER)):
            return None
        log.warning("action server request refused: missing or wrong token path=%s",
                    request.path)
        return response.json({"error": "unauthorized"}, status=401)

    app.register_middleware(require_token, attach_to="request")
    return app


def warm_up() -> None:
    """Load the spaCy pipeline, the LLM and the FAQ's sentence encoder now instead of on first use,
    and start moving emergencies the Rasa process answered alone into the staff queue. Called by
    the action server when ACTION_SERVER_WARMUP=1 (scripts/stack.py sets it); library use (tests,
    the batch CLI) loads lazily."""
    import logging

    from actions.escalation.outbox import start_drainer
    from actions.faq import faq_matcher
    from actions.triage.service import warm_up as load_triage_models

    load_triage_models()
    try:
        faq_matcher()  # the encoder and the FAQ texts' vectors (from var/embeddings when cached)
    except Exception as exc:  # a warm-up failure must never take the server down
        logging.getLogger(__name__).error("faq warm-up failed",
                                          extra={"error": type(exc).__name__})
    # Emergencies the Rasa process answered on its own while this server or Redis was down reach
    # the staff queue as soon as both are up.
    start_drainer()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    token = os.environ.get("ACTION_SERVER_TOKEN", "").strip()
    if len(token) < MIN_TOKEN_CHARS:
        print(f"ERROR: ACTION_SERVER_TOKEN must be set (at least {MIN_TOKEN_CHARS} characters); "
              "the Rasa server sends it with every action call.", file=sys.stderr)
        return 2
    try:
        # The settings first, so a refused development key stops the server with its reason
        # (rasa-sdk would log an import failure as a traceback).
        from actions import settings
        settings.current()
    except ValueError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    if settings.current().warm_up:
        warm_up()
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions)
    # One process: rasa-sdk's default spawns a worker that imports the actions (and loads the
    # NLP pipeline and the LLM) a second time, and Sanic kills it when that takes over 30 s on a
    # busy machine; it also kept two copies of the model in memory.
    app = create_app(executor, token)
    app.prepare(host=args.host, port=args.port, single_process=True)
    log.info("action server listening on %s:%d", args.host, args.port)
    Sanic.serve_single(primary=app)
    # The server has stopped and its loop is closed; tearing down torch / transformers / spaCy
    # in the interpreter's exit took ~8 s on a busy machine, delaying every stop and restart.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
