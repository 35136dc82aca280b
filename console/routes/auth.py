"""Sign-in and sign-out: the pre-session form token, the per-IP and per-account slow-downs
(never a lockout), session rotation, and their audit rows.

A failed sign-in reads the same whether or not the account exists: same status, same page (the
typed name is never shown back: it may be a password typed into the wrong field), one argon2
verification either way (AccountStore.verify), and the slow-downs keyed on the typed name,
existing or not."""

from __future__ import annotations

import asyncio
import math
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
from console.web import Staff, run, secure_cookies, set_cookie, wants_json

LOGIN_TOKEN_MAX_AGE_S = 3600
_LOGIN_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


def blueprint(deps: Deps) -> Blueprint:
    bp = Blueprint("auth")
    settings, accounts, sessions = deps.settings, deps.accounts, deps.sessions

    def login_response(request: Request, token: str, status: int = 200,
                       error: str | None = None, username: str = "") -> HTTPResponse:
        response = html(login_page(token, error, username), status=status)
        set_cookie(response, LOGIN_COOKIE, token, LOGIN_TOKEN_MAX_AGE_S, "/login",
                   secure_cookies(request, settings.secure_cookies))
        return response

    async def audit_identity(username: str) -> tuple[str, str | None]:
        """The audit names a real account; a typed name that is no account (perhaps a
        password typed in the wrong field) only as a keyed hash."""
        known = await run(accounts.get, username) is not None
        return (username, None) if known else ("unknown", conversation_hash("login:" + username))

    @bp.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        if await deps.load_staff(request.cookies.get(SESSION_COOKIE)) is not None:
            return redirect("/", status=302)
        # Keep an existing pre-session token: a second tab (or the browser's favicon request
        # bounced here) must not invalidate the form already on screen.
        current = request.cookies.get(LOGIN_COOKIE) or ""
        token = current if _LOGIN_TOKEN_RE.match(current) else csrf.new_token()
        return login_response(request, token)

    @bp.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form if request.content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")) else None
        cookie_token = request.cookies.get(LOGIN_COOKIE)
        if form is None or not csrf.tokens_match(cookie_token, form.get(csrf.FORM_FIELD)):
            # Stale form or a forged post: a fresh form, nothing checked, nothing counted.
            return login_response(request, csrf.new_token(), 403,
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

        wait = await run(deps.backoff.wait_s, username, ip)
        if wait > 0:
            # Too soon after failures for this name: not checked, not counted (hammering does
            # not extend the wait). Identical for names that exist and names that do not.
            who, user_ref = await audit_identity(username)
            await deps.record("login_throttled", who, user_ref=user_ref)
            seconds = math.ceil(wait)
            response = login_response(
                request, cookie_token or csrf.new_token(), 429,
                f"Too many failed sign-ins. Please wait {seconds} seconds and try again.")
            response.headers["Retry-After"] = str(seconds)
            return response

        # verify() runs argon2 even for an unknown name: equal timing for every failure.
        account = await run(accounts.verify, username, password)
        if account is None:
            await run(deps.throttle.record_failure, ip)
            await run(deps.backoff.record_failure, username, ip)
            who, user_ref = await audit_identity(username)
            await deps.record("login_failed", who, reason="credentials", user_ref=user_ref)
            return login_response(request, cookie_token or csrf.new_token(), 401, LOGIN_FAILED)

        await run(deps.backoff.clear, username, ip)
        old_sid = request.cookies.get(SESSION_COOKIE)
        if old_sid:  # rotate: never keep a session id that existed before authentication
            await run(sessions.delete, old_sid)
        sid, _session = await run(sessions.create, account)
        await deps.record("login_ok", account.username, role=account.role)
        response = redirect("/", status=303)
        secure = secure_cookies(request, settings.secure_cookies)
        set_cookie(response, SESSION_COOKIE, sid, settings.session_seconds, "/", secure)
        set_cookie(response, LOGIN_COOKIE, "", 0, "/login", secure)
        return response

    @bp.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        await run(sessions.delete, staff.sid)
        await run(deps.queue.drop_agent, staff.username)
        await deps.record("logout", staff)
        response = (json_response({"ok": True}) if wants_json(request)
                    else redirect("/login", status=303))
        set_cookie(response, SESSION_COOKIE, "", 0, "/",
                   secure_cookies(request, settings.secure_cookies))
        return response

    return bp
