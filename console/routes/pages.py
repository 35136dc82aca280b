"""The console page (a shell; console.js loads everything over the API), health, favicon."""

from __future__ import annotations

import redis
from sanic import Blueprint, HTTPResponse, Request
from sanic.response import empty, html
from sanic.response import json as json_response

from console.deps import Deps
from console.pages import console_page
from console.web import Staff, run


def blueprint(deps: Deps) -> Blueprint:
    bp = Blueprint("pages")

    @bp.get("/favicon.ico")
    async def favicon(request: Request) -> HTTPResponse:
        return empty(status=204)

    @bp.get("/health")
    async def health(request: Request) -> HTTPResponse:
        try:
            await run(deps.redis.ping)
        except redis.RedisError:
            return json_response({"status": "degraded", "redis": False}, status=503)
        return json_response({"status": "ok", "redis": True})

    @bp.get("/")
    async def index(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        return html(console_page(staff.session.csrf_token, staff.username,
                                 staff.account.display_name, staff.account.role))

    return bp
