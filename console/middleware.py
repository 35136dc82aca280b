"""App-wide middleware: the request guard, security headers, the Redis-down answer, shutdown.

The guard, in the order a request meets it:
  1. state-changing requests from another origin are refused (403), login included;
  2. everything but /login, /health and /static needs a session (pages 302, /api 401);
  3. state-changing requests need the session's CSRF token (header or form field) or get 403.
Role and ownership rules (step 4) are the handlers' (see routes/conversation.py).
"""

from __future__ import annotations

import logging

import redis
from sanic import HTTPResponse, Request, Sanic
from sanic.response import html, redirect

from console import csrf
from console.auth import SESSION_COOKIE
from console.deps import Deps
from console.web import error, wants_json

log = logging.getLogger("console")

SECURITY_HEADERS = {
    # No inline script or style anywhere: console.js and console.css are the only code.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not "no-referrer": with it Chromium sends "Origin: null" on same-origin form posts.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def own_origin(request: Request) -> str:
    return f"{request.scheme}://{request.host}"


def submitted_token(request: Request) -> str | None:
    token = request.headers.get(csrf.HEADER)
    if token:
        return token
    if request.content_type.startswith(("application/x-www-form-urlencoded",
                                        "multipart/form-data")):
        form = request.form
        return form.get(csrf.FORM_FIELD) if form is not None else None
    return None


def forbidden(request: Request, message: str) -> HTTPResponse:
    if request.path.startswith("/api/") or wants_json(request):
        return error(403, message)
    return html(f"<!doctype html><title>Forbidden</title><p>{message}</p>", status=403)


def register(app: Sanic, deps: Deps) -> None:
    settings = deps.settings

    @app.on_request
    async def guard(request: Request) -> HTTPResponse | None:
        request.ctx.staff = None
        path = request.path
        if path in ("/health", "/favicon.ico") or path.startswith("/static/"):
            return None
        unsafe = request.method in csrf.UNSAFE_METHODS
        if unsafe and not csrf.origin_allowed(
                request.headers.get("origin"), own_origin(request), settings.allowed_origins,
                request.headers.get("sec-fetch-site")):
            log.warning("cross-origin request refused", extra={"path_kind": path.split("/")[1]})
            return forbidden(request, "Cross-origin request refused.")
        if path == "/login":
            return None
        staff = await deps.load_staff(request.cookies.get(SESSION_COOKIE))
        if staff is None:
            if path.startswith("/api/"):
                return error(401, "Not signed in.")
            return redirect("/login", status=302)
        request.ctx.staff = staff
        if unsafe and not csrf.tokens_match(staff.session.csrf_token, submitted_token(request)):
            return forbidden(request, "Missing or invalid CSRF token.")
        return None

    @app.on_response
    async def headers(request: Request, response: HTTPResponse) -> None:
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        else:
            response.headers.setdefault("Cache-Control", "no-cache")

    @app.exception(redis.RedisError)
    async def redis_down(request: Request, exc: Exception) -> HTTPResponse:
        log.error("redis error", extra={"error": type(exc).__name__})
        return error(503, "The console's database is not reachable; try again shortly.")

    @app.after_server_stop
    async def close_clients(app: Sanic) -> None:
        await deps.rasa.aclose()
