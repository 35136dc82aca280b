"""Sign-in and sign-out: the pre-session form token, the per-IP slow-down, per-account lockout,
session rotation, and their audit rows."""

from __future__ import annotations

import asyncio
import re

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import html, redirect
from sanic.response import json as json_response

from actions.core.privacy import conversation_hash
from console import csrf
from console.accounts import normalize_username
from console.auth import LOGIN_COOKIE, SESSION_COOKIE, IpThrottle
from console.deps import Deps
from console.pages import LOGIN_FAILED, login_page
from console.web import Staff, run, set_cookie, wants_json

LOGIN_TOKEN_MAX_AGE_S = 3600
_LOGIN_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


def blueprint(deps: Deps) -> Blueprint:
    bp = Blueprint("auth")
    settings, accounts, sessions = deps.settings, deps.accounts, deps.sessions

    def login_response(token: str, status: int = 200, error: str | None = None,
                       username: str = "") -> HTTPResponse:
        response = html(login_page(token, error, username), status=status)
        set_cookie(response, LOGIN_COOKIE, token, LOGIN_TOKEN_MAX_AGE_S, "/login",
                   settings.secure_cookies)
        return response

    @bp.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        if await deps.load_staff(request.cookies.get(SESSION_COOKIE)) is not None:
            return redirect("/", status=302)
        # Keep an existing pre-session token: a second tab (or the browser's favicon request
        # bounced here) must not invalidate the form already on screen.
        current = request.cookies.get(LOGIN_COOKIE) or ""
        return login_response(current if _LOGIN_TOKEN_RE.match(current) else csrf.new_token())

    @bp.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form if request.content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")) else None
        cookie_token = request.cookies.get(LOGIN_COOKIE)
        if form is None or not csrf.tokens_match(cookie_token, form.get(csrf.FORM_FIELD)):
            # Stale form or a forged post: a fresh form, nothing checked, nothing counted.
            return login_response(csrf.new_token(), 403,
                                  "Your sign-in form expired. Please try again.")
        username = normalize_username(form.get("username") or "")[:64]
        password = (form.get("password") or "")[:1024]
        ip = request.ip or "unknown"
        failures = await run(deps.throttle.failures, ip)
        if IpThrottle.blocked(failures):
            return html(login_page(cookie_token or "", "Too many failed sign-ins from this "
                                   "network. Try again in 15 minutes."), status=429)
        delay = IpThrottle.delay_for(failures)
        if delay:
            await asyncio.sleep(delay)

        locked = await run(accounts.is_locked, username)
        # verify() runs argon2 even when locked or unknown: equal timing for every failure.
        account = await run(accounts.verify, username, password)
        if locked or account is None:
            await run(deps.throttle.record_failure, ip)
            known = await run(accounts.get, username) is not None
            who = username if known else "unknown"
            user_ref = None if known else conversation_hash("login:" + username)
            locked_now = False if locked else await run(accounts.record_failure, username)
            await deps.record("login_failed", who, reason="locked" if locked else "credentials",
                              user_ref=user_ref)
            if locked_now:
                await deps.record("login_locked", who, user_ref=user_ref)
            return login_response(cookie_token or csrf.new_token(), 401, LOGIN_FAILED,
                                  username if known else "")

        await run(accounts.clear_failures, username)
        old_sid = request.cookies.get(SESSION_COOKIE)
        if old_sid:  # rotate: never keep a session id that existed before authentication
            await run(sessions.delete, old_sid)
        sid, _session = await run(sessions.create, account)
        await deps.record("login_ok", account.username, role=account.role)
        response = redirect("/", status=303)
        set_cookie(response, SESSION_COOKIE, sid, settings.session_seconds, "/",
                   settings.secure_cookies)
        set_cookie(response, LOGIN_COOKIE, "", 0, "/login", settings.secure_cookies)
        return response

    @bp.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        await run(sessions.delete, staff.sid)
        await run(deps.queue.drop_agent, staff.username)
        await deps.record("logout", staff)
        response = (json_response({"ok": True}) if wants_json(request)
                    else redirect("/login", status=303))
        set_cookie(response, SESSION_COOKIE, "", 0, "/", settings.secure_cookies)
        return response

    return bp
