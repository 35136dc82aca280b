"""The staff console web app (Sanic): login, the live queue, and taking over conversations.

Security model, in the order a request meets it (``guard`` below):
  1. state-changing requests from another origin are refused (403), login included;
  2. everything but /login, /health and /static needs a session (pages 302, /api 401);
  3. state-changing requests need the session's CSRF token (header or form field) or get 403;
  4. each handler checks the role and ownership rules (agents act only on entries they own).
Every staff action is written to the ``audit:staff`` stream.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from sanic import HTTPResponse, Request, Sanic
from sanic.response import empty, html, redirect
from sanic.response import json as json_response

from actions.core.escalation.model import (
    CLAIMED,
    PRIORITY_LABELS,
    REASON_LABELS,
    WAITING,
    Entry,
)
from actions.core.privacy import conversation_hash
from actions.escalation.store import MAX_ID_CHARS, EntryNotFound, EscalationQueue
from console import csrf
from console.accounts import Account, AccountStore, normalize_username
from console.audit import StaffAudit
from console.auth import LOGIN_COOKIE, SESSION_COOKIE, IpThrottle, Session, SessionStore
from console.pages import LOGIN_FAILED, STATIC, console_page, login_page
from console.rasa_client import HttpRasaClient, RasaClient, RasaUnavailable
from console.settings import Settings

MAX_TEXT_CHARS = 1000
LOGIN_TOKEN_MAX_AGE_S = 3600
_LOGIN_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")

log = logging.getLogger("console")
T = TypeVar("T")

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

RASA_DOWN = "The chat service (Rasa) is not reachable right now."


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


async def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Blocking Redis/argon2 work off the event loop, so one slow call never stalls the SSE."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def _error(status: int, message: str, **extra: Any) -> HTTPResponse:
    return json_response({"error": message, **extra}, status=status)


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


def _parse_body(request: Request) -> dict[str, Any] | HTTPResponse:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The request body is not valid JSON.")
    if not isinstance(data, dict):
        return _error(400, "The request body must be a JSON object.")
    return data


def _text_field(data: dict[str, Any]) -> str | HTTPResponse:
    raw = data.get("text")
    if not isinstance(raw, str):
        return _error(400, "A 'text' string is required.")
    text = raw.strip()
    if not text:
        return _error(400, "The text is empty.")
    if len(text) > MAX_TEXT_CHARS:
        return _error(400, f"The text is longer than {MAX_TEXT_CHARS} characters.")
    return text


def _set_cookie(response: HTTPResponse, name: str, value: str, max_age: int, path: str,
                secure: bool) -> None:
    response.add_cookie(name, value, path=path, httponly=True, samesite="Strict",
                        secure=secure, max_age=max_age)


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
    client = redis_client or redis.Redis.from_url(
        settings.redis_url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5,
        health_check_interval=30)
    queue = EscalationQueue(client)
    accounts = AccountStore(client)
    sessions = SessionStore(client, ttl_s=settings.session_seconds)
    throttle = IpThrottle(client)
    audit = StaffAudit(client)
    rasa_client = rasa or HttpRasaClient(settings.rasa_url, settings.rasa_token,
                                         timeout_s=settings.rasa_timeout_s)
    app.ctx.settings = settings
    app.ctx.queue = queue
    app.ctx.accounts = accounts
    app.ctx.sessions = sessions
    app.ctx.audit = audit
    app.ctx.rasa = rasa_client
    app.ctx.redis = client

    app.static("/static/", str(STATIC), name="static")

    # ------------------------------------------------------------------ helpers
    async def load_staff(sid: str | None) -> Staff | None:
        if not sid:
            return None
        session = await _run(sessions.load, sid)
        if session is None:
            return None
        account = await _run(accounts.get, session.username)
        if account is None or account.disabled:
            await _run(sessions.delete, sid)
            return None
        return Staff(account=account, session=session, sid=sid)

    def own_origin(request: Request) -> str:
        return f"{request.scheme}://{request.host}"

    def submitted_token(request: Request) -> str | None:
        token = request.headers.get(csrf.HEADER)
        if token:
            return token
        if request.content_type.startswith(("application/x-www-form-urlencoded",
                                            "multipart/form-data")):
            return request.form.get(csrf.FORM_FIELD)
        return None

    def wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    def forbidden(request: Request, message: str) -> HTTPResponse:
        if request.path.startswith("/api/") or wants_json(request):
            return _error(403, message)
        return html(f"<!doctype html><title>Forbidden</title><p>{message}</p>", status=403)

    async def snapshot() -> dict[str, Any]:
        def build() -> dict[str, Any]:
            version = queue.version()  # read first: a change after this shows up next poll
            now = time.time()
            items, position = [], 0
            for entry in queue.open_entries():
                if entry.status == WAITING:
                    position += 1
                items.append(entry_json(entry, now, position if entry.status == WAITING
                                        else None))
            return {"version": version, "now": now, "entries": items}
        return await _run(build)

    def conv_id_ok(cid: str) -> bool:
        return 0 < len(cid) <= MAX_ID_CHARS

    async def record(what: str, staff: Staff | str, cid: str | None = None, **detail: Any) -> None:
        who = staff if isinstance(staff, str) else staff.username
        await _run(audit.record, what, who, cid, **detail)

    # ------------------------------------------------------------------ middleware
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
        staff = await load_staff(request.cookies.get(SESSION_COOKIE))
        if staff is None:
            if path.startswith("/api/"):
                return _error(401, "Not signed in.")
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
        return _error(503, "The console's database is not reachable; try again shortly.")

    @app.after_server_stop
    async def close_clients(app: Sanic) -> None:
        await app.ctx.rasa.aclose()

    # ------------------------------------------------------------------ health and login
    @app.get("/favicon.ico")
    async def favicon(request: Request) -> HTTPResponse:
        return empty(status=204)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        try:
            await _run(client.ping)
        except redis.RedisError:
            return json_response({"status": "degraded", "redis": False}, status=503)
        return json_response({"status": "ok", "redis": True})

    def login_response(token: str, status: int = 200, error: str | None = None,
                       username: str = "") -> HTTPResponse:
        response = html(login_page(token, error, username), status=status)
        _set_cookie(response, LOGIN_COOKIE, token, LOGIN_TOKEN_MAX_AGE_S, "/login",
                    settings.secure_cookies)
        return response

    @app.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        if await load_staff(request.cookies.get(SESSION_COOKIE)) is not None:
            return redirect("/", status=302)
        # Keep an existing pre-session token: a second tab (or the browser's favicon request
        # bounced here) must not invalidate the form already on screen.
        current = request.cookies.get(LOGIN_COOKIE) or ""
        return login_response(current if _LOGIN_TOKEN_RE.match(current) else csrf.new_token())

    @app.post("/login")
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
        failures = await _run(throttle.failures, ip)
        if IpThrottle.blocked(failures):
            return html(login_page(cookie_token or "", "Too many failed sign-ins from this "
                                   "network. Try again in 15 minutes."), status=429)
        delay = IpThrottle.delay_for(failures)
        if delay:
            await asyncio.sleep(delay)

        locked = await _run(accounts.is_locked, username)
        # verify() runs argon2 even when locked or unknown: equal timing for every failure.
        account = await _run(accounts.verify, username, password)
        if locked or account is None:
            await _run(throttle.record_failure, ip)
            known = await _run(accounts.get, username) is not None
            who = username if known else "unknown"
            user_ref = None if known else conversation_hash("login:" + username)
            locked_now = False if locked else await _run(accounts.record_failure, username)
            await record("login_failed", who, reason="locked" if locked else "credentials",
                         user_ref=user_ref)
            if locked_now:
                await record("login_locked", who, user_ref=user_ref)
            return login_response(cookie_token or csrf.new_token(), 401, LOGIN_FAILED,
                                  username if known else "")

        await _run(accounts.clear_failures, username)
        old_sid = request.cookies.get(SESSION_COOKIE)
        if old_sid:  # rotate: never keep a session id that existed before authentication
            await _run(sessions.delete, old_sid)
        sid, _session = await _run(sessions.create, account)
        await record("login_ok", account.username, role=account.role)
        response = redirect("/", status=303)
        _set_cookie(response, SESSION_COOKIE, sid, settings.session_seconds, "/",
                    settings.secure_cookies)
        _set_cookie(response, LOGIN_COOKIE, "", 0, "/login", settings.secure_cookies)
        return response

    @app.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        await _run(sessions.delete, staff.sid)
        await _run(queue.drop_agent, staff.username)
        await record("logout", staff)
        response = (json_response({"ok": True}) if wants_json(request)
                    else redirect("/login", status=303))
        _set_cookie(response, SESSION_COOKIE, "", 0, "/", settings.secure_cookies)
        return response

    # ------------------------------------------------------------------ pages
    @app.get("/")
    async def index(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        return html(console_page(staff.session.csrf_token, staff.username,
                                 staff.account.display_name, staff.account.role))

    # ------------------------------------------------------------------ read API
    @app.get("/api/me")
    async def me(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        return json_response({**staff.account.public(), "csrf_token": staff.session.csrf_token,
                              "session_expires_at": staff.session.expires_at})

    @app.get("/api/queue")
    async def get_queue(request: Request) -> HTTPResponse:
        return json_response(await snapshot())

    @app.get("/api/stats")
    async def get_stats(request: Request) -> HTTPResponse:
        return json_response(await _run(queue.stats))

    @app.get("/api/agents")
    async def get_agents(request: Request) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        if not staff.is_supervisor:
            return _error(403, "Only supervisors can list agents.")
        online = set(await _run(queue.agents_online))
        listed = await _run(accounts.list)
        return json_response({"agents": [
            {**a.public(), "online": a.username in online} for a in listed if not a.disabled]})

    @app.get("/api/conversations/<cid:str>")
    async def get_conversation(request: Request, cid: str) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        entry = await _run(queue.get, cid) if conv_id_ok(cid) else None
        if entry is None:
            return _error(404, "No such conversation in the queue.")
        allowed = permissions(staff, entry)
        transcript, transcript_error = None, None
        if allowed["transcript"]:
            try:
                transcript = await app.ctx.rasa.transcript(cid)
            except RasaUnavailable:
                transcript_error = RASA_DOWN + " The transcript cannot be shown."
        notes = await _run(queue.notes, cid) if allowed["notes"] else None
        position = await _run(queue.position, cid) if entry.status == WAITING else None
        return json_response({
            "entry": entry_json(entry, time.time(), position),
            "transcript": transcript, "transcript_error": transcript_error,
            "notes": notes, "permissions": allowed})

    @app.get("/api/stream")
    async def stream(request: Request) -> None:
        """Server-sent events: the queue snapshot on every change, a heartbeat every ~15 s."""
        staff: Staff = request.ctx.staff
        response = await request.respond(
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
        await response.send("retry: 2000\n\n")
        last_version: int | None = None
        last_beat = 0.0
        last_stats = 0.0
        while True:
            now = time.monotonic()
            if now - last_beat >= settings.heartbeat_s:
                # The session may have ended (logout, expiry, account disabled) mid-stream.
                if await load_staff(staff.sid) is None:
                    await response.send("event: logout\ndata: {}\n\n")
                    break
                await _run(queue.touch_agent, staff.username)
                await response.send(f"event: heartbeat\ndata: {json.dumps({'now': time.time()})}"
                                    "\n\n")
                last_beat = now
            version = await _run(queue.version)
            if version != last_version or now - last_stats >= 60:
                snap = await snapshot()
                snap["stats"] = await _run(queue.stats)
                await response.send(f"event: queue\ndata: {json.dumps(snap)}\n\n")
                last_version = snap["version"]
                last_stats = now
            await asyncio.sleep(settings.stream_poll_s)
        await response.eof()

    # ------------------------------------------------------------------ actions
    async def open_entry_or_error(cid: str) -> Entry | HTTPResponse:
        entry = await _run(queue.get, cid) if conv_id_ok(cid) else None
        if entry is None:
            return _error(404, "No such conversation in the queue.")
        return entry

    @app.post("/api/conversations/<cid:str>/claim")
    async def claim(request: Request, cid: str) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        data = _parse_body(request)
        if isinstance(data, HTTPResponse):
            return data
        entry = await open_entry_or_error(cid)
        if isinstance(entry, HTTPResponse):
            return entry
        if not entry.is_open:
            return _error(409, "This conversation is no longer in the queue.")
        already_mine = entry.status == CLAIMED and entry.owner == staff.username
        try:
            won = await _run(queue.claim, cid, staff.username)
        except EntryNotFound:
            return _error(409, "This conversation is no longer in the queue.")
        if not won:
            owner = await _run(queue.is_owned, cid)
            return _error(409, "Another team member already claimed this conversation.",
                          owner=owner)
        if not already_mine:
            try:
                await app.ctx.rasa.take_over(cid, staff.username, staff.account.display_name)
            except RasaUnavailable:
                await _run(queue.release, cid, staff.username)
                await record("claim_failed", staff, cid, reason="rasa_unavailable")
                return _error(502, RASA_DOWN + " The assistant could not be paused, so the "
                              "conversation went back to the queue. Try again.")
            await record("claim", staff, cid)
        current = await _run(queue.get, cid)
        return json_response({"ok": True, "entry": entry_json(current or entry, time.time())})

    @app.post("/api/conversations/<cid:str>/reply")
    async def reply(request: Request, cid: str) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        data = _parse_body(request)
        if isinstance(data, HTTPResponse):
            return data
        entry = await open_entry_or_error(cid)
        if isinstance(entry, HTTPResponse):
            return entry
        if not (entry.owner == staff.username or staff.is_supervisor):
            return _error(403, "Only the team member who claimed this conversation (or a "
                          "supervisor) can reply.")
        if entry.status != CLAIMED:
            return _error(409, "Claim the conversation before replying.")
        text = _text_field(data)
        if isinstance(text, HTTPResponse):
            return text
        try:
            await app.ctx.rasa.send_agent_message(cid, staff.username, text,
                                                 staff.account.display_name)
        except RasaUnavailable:
            await record("reply_failed", staff, cid, reason="rasa_unavailable")
            # The reply text comes back so the agent never loses what they typed.
            return _error(502, RASA_DOWN + " Your message was NOT sent.", text=text)
        await record("reply", staff, cid, chars=len(text))
        return json_response({"ok": True})

    @app.post("/api/conversations/<cid:str>/notes")
    async def add_note(request: Request, cid: str) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        data = _parse_body(request)
        if isinstance(data, HTTPResponse):
            return data
        entry = await open_entry_or_error(cid)
        if isinstance(entry, HTTPResponse):
            return entry
        if not permissions(staff, entry)["notes"]:
            return _error(403, "Only the team member who owns this conversation (or a "
                          "supervisor) can add notes.")
        text = _text_field(data)
        if isinstance(text, HTTPResponse):
            return text
        await _run(queue.add_note, cid, staff.username, text)
        await record("note", staff, cid, chars=len(text))
        return json_response({"ok": True, "notes": await _run(queue.notes, cid)})

    async def close(request: Request, cid: str, how: str) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        data = _parse_body(request)
        if isinstance(data, HTTPResponse):
            return data
        entry = await open_entry_or_error(cid)
        if isinstance(entry, HTTPResponse):
            return entry
        if not entry.is_open:
            return _error(409, "This conversation is no longer in the queue.")
        if not permissions(staff, entry)[how]:
            return _error(403, "Only the team member who claimed this conversation (or a "
                          "supervisor) can do that.")
        try:
            # Rasa first: closing the entry while the bot stays paused would strand the patient.
            if how == "handback":
                await app.ctx.rasa.hand_back(cid)
            else:
                await app.ctx.rasa.resolve(cid)
        except RasaUnavailable:
            await record(f"{how}_failed", staff, cid, reason="rasa_unavailable")
            return _error(502, RASA_DOWN + " Nothing changed; try again.")
        try:
            if how == "handback":
                await _run(queue.hand_back, cid, staff.username)
            else:
                await _run(queue.resolve, cid, staff.username)
        except EntryNotFound:
            return _error(409, "This conversation is no longer in the queue.")
        await record("hand_back" if how == "handback" else "resolve", staff, cid)
        return json_response({"ok": True})

    @app.post("/api/conversations/<cid:str>/handback")
    async def hand_back(request: Request, cid: str) -> HTTPResponse:
        return await close(request, cid, "handback")

    @app.post("/api/conversations/<cid:str>/resolve")
    async def resolve(request: Request, cid: str) -> HTTPResponse:
        return await close(request, cid, "resolve")

    @app.post("/api/conversations/<cid:str>/reassign")
    async def reassign(request: Request, cid: str) -> HTTPResponse:
        staff: Staff = request.ctx.staff
        data = _parse_body(request)
        if isinstance(data, HTTPResponse):
            return data
        if not staff.is_supervisor:
            return _error(403, "Only supervisors can reassign conversations.")
        entry = await open_entry_or_error(cid)
        if isinstance(entry, HTTPResponse):
            return entry
        target_name = data.get("agent")
        target = (await _run(accounts.get, target_name)
                  if isinstance(target_name, str) and target_name else None)
        if target is None or target.disabled:
            return _error(400, "Choose an active staff account to reassign to.")
        if not entry.is_open:
            return _error(409, "This conversation is no longer in the queue.")
        if entry.status == CLAIMED and entry.owner == target.username:
            return json_response({"ok": True, "entry": entry_json(entry, time.time())})
        try:
            await app.ctx.rasa.take_over(cid, target.username, target.display_name)
        except RasaUnavailable:
            await record("reassign_failed", staff, cid, to=target.username,
                         reason="rasa_unavailable")
            return _error(502, RASA_DOWN + " The conversation was not reassigned.")
        try:
            await _run(queue.reassign, cid, target.username, staff.username)
        except EntryNotFound:
            return _error(409, "This conversation is no longer in the queue.")
        await record("reassign", staff, cid, to=target.username, previous=entry.owner)
        current = await _run(queue.get, cid)
        return json_response({"ok": True, "entry": entry_json(current or entry, time.time())})

    return app
