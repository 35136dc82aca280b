"""Web chat channel: Socket.IO for the embeddable widget (bot/static/widget.js).

Replaces Rasa 3.6's socketio channel, which (a) switches CORS/origin checks off, (b) lets the
client choose its session id, and (c) calls python-socketio 5's coroutine ``enter_room`` without
awaiting it, so with session persistence replies never reach the browser.

Settings (environment, read once into bot.channels.settings.ChannelSettings):
  WEBCHAT_ALLOWED_ORIGINS  comma-separated origins allowed to connect ("*" = any; unset = same
                           origin only)
  WEBCHAT_SESSION_SECRET   key that signs session ids (required; the run command provides one)
  WEBCHAT_SESSION_TTL_HOURS how long a session id is valid (default 24); one id, one socket
                           at a time (bot/channels/webchat_claims.py)
  REDIS_URL                when set, Socket.IO rooms are shared through Redis pub/sub, so a reply
                           emitted by any Rasa worker (e.g. a staff member's reply posted through
                           Rasa's HTTP API) reaches the browser connected to another worker
"""

from __future__ import annotations

import inspect
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot import safety_fallback
from bot.channels import session_tokens
from bot.channels.message_limits import HARD_LIMIT_CHARS as MAX_MESSAGE_CHARS
from bot.channels.rate_limit import LIMITED_TEXT
from bot.channels.rate_limit_store import RateLimiter
from bot.channels.settings import ChannelSettings
from bot.channels.webchat_claims import SessionClaims
from bot.conversation_hash import conversation_hash

log = logging.getLogger(__name__)

IN_USE_NOTICE = ("This chat is already open in another window, so this is a new conversation. "
                 "For your privacy, one conversation can only be open in one place at a time.")
EXPIRED_NOTICE = ("For your privacy, chat sessions end after a while, so this is a new "
                  "conversation. If you were in the middle of something, please tell me again.")





class WebChatOutput(SocketIOOutput):
    """Rasa's SocketIOOutput, except that a custom payload reaches the widget.

    Rasa 3.6 emits custom JSON as keyword arguments (``sio.emit(evt, **payload)``), which raises
    for any payload key other than emit's own (e.g. ``{"banner": "emergency"}``); the widget reads
    it as ``{"custom": {...}}`` (e.g. to show the emergency banner).
    """

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Staff messages (posted through Rasa's HTTP API with metadata ``agent``) and the
        hand-back marker (``handoff``) reach the widget with that metadata, so it can label who
        is writing and stop showing "the assistant is typing" while a person is in charge."""
        agent, handoff = message.get("agent"), message.get("handoff")
        if agent or handoff:
            payload: dict[str, Any] = {"text": message.get("text") or ""}
            if agent:
                payload["agent"] = str(message.get("agent_name") or agent)[:80]
            if handoff:
                payload["handoff"] = str(handoff)[:20]
            await self._send_message(recipient_id, payload)
            return
        await super().send_response(recipient_id, message)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class PerProcessRedisManager(AsyncRedisManager):
    """python-socketio's Redis manager, with an id per process.

    Rasa builds the channel (and this manager) before Sanic forks its workers, so every worker
    inherited the same ``host_id``, and each listener dropped the others' messages as its own:
    a reply emitted by one worker never reached a browser connected to another."""

    @property  # type: ignore[override]
    def host_id(self) -> str:
        if getattr(self, "_host_pid", None) != os.getpid():
            self._host_pid = os.getpid()
            self._host_id = uuid.uuid4().hex
        return self._host_id

    @host_id.setter
    def host_id(self, value: str) -> None:
        self._host_pid = os.getpid()
        self._host_id = value


def cors_allowed_origins(settings: ChannelSettings) -> list[str] | str | None:
    """python-socketio's ``cors_allowed_origins``: None = same origin only, "*" = any."""
    origins = settings.webchat_allowed_origins
    return list(origins) if isinstance(origins, tuple) else origins


class WebChatInput(InputChannel):
    """Socket.IO input channel with an origin allow-list and signed session ids."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            settings=ChannelSettings.from_env(),
        )

    def __init__(self, user_message_evt: str, bot_message_evt: str, socketio_path: str,
                 settings: ChannelSettings) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.settings = settings
        secret = settings.webchat_session_secret
        if len(secret) < 16:
            raise ValueError("WEBCHAT_SESSION_SECRET must be set (at least 16 characters)")
        self.secret = secret.encode()
        self.sio: AsyncServer | None = None
        self.limiter = RateLimiter(settings.twilio_redis_url, settings.rate_per_sender,
                                   settings.rate_per_ip)

    def get_output_channel(self) -> OutputChannel | None:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        redis_url = self.settings.redis_url
        manager = PerProcessRedisManager(redis_url, channel="webchat") if redis_url else None
        sio = AsyncServer(async_mode="sanic",
                          cors_allowed_origins=cors_allowed_origins(self.settings),
                          client_manager=manager)
        bp = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio
        # sid (socket) -> its session, set only after a valid session_request.
        sessions: dict[str, session_tokens.WebChatSession] = {}
        claims = SessionClaims(redis_url)
        ttl_s = self.settings.webchat_session_ttl_s
        # sid (socket) -> the client's address, for the per-IP rate limit.
        addresses: dict[str, str] = {}

        async def enter_room(sid: str, room: str) -> None:
            result = sio.enter_room(sid, room)
            if inspect.isawaitable(result):
                await result

        async def leave_room(sid: str, room: str) -> None:
            result = sio.leave_room(sid, room)
            if inspect.isawaitable(result):
                await result

        async def bind(sid: str, session: session_tokens.WebChatSession) -> None:
            """Move socket ``sid`` to ``session`` (its room, its claim) and tell the browser."""
            previous = sessions.get(sid)
            if previous is not None and previous.conversation_id != session.conversation_id:
                await leave_room(sid, previous.conversation_id)
                await claims.release(conversation_hash(previous.conversation_id), sid)
            sessions[sid] = session
            await enter_room(sid, session.conversation_id)
            await sio.emit("session_confirm", session.token, room=sid)
            log.info("webchat session conv=%s", conversation_hash(session.conversation_id))

        async def fresh_session(sid: str) -> session_tokens.WebChatSession:
            session = session_tokens.new_session(self.secret, ttl_s)
            # A brand-new random id: nobody else can hold it.
            await claims.claim(conversation_hash(session.conversation_id), sid,
                               session.expires_at)
            return session

        async def say(sid: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict[str, Any], *_: Any) -> None:
            request = environ.get("sanic.request")
            ip = (getattr(request, "remote_addr", "") or getattr(request, "ip", "")
                  if request is not None else "")
            if ip:
                addresses[sid] = ip

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            session = session_tokens.read(self.secret, token)
            notice = None
            if session is None and session_tokens.read(self.secret, token, now=0) is not None:
                notice = EXPIRED_NOTICE  # genuine, but past its expiry
            if session is not None and not await claims.claim(
                    conversation_hash(session.conversation_id), sid, session.expires_at):
                # Another socket has this conversation open: never a second listener.
                log.info("webchat session in use conv=%s",
                         conversation_hash(session.conversation_id))
                session, notice = None, IN_USE_NOTICE
            await bind(sid, session or await fresh_session(sid))
            if notice:
                await say(sid, notice)

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            session = sessions.pop(sid, None)
            if session is not None:
                await claims.release(conversation_hash(session.conversation_id), sid)
            addresses.pop(sid, None)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            session = sessions.get(sid)
            if session is None:
                await say(sid, "Sorry, the chat session was not set up. Please reload the page.")
                return
            if session.expires_at <= time.time():
                # Expired while connected: continue in a new conversation, and still answer
                # this message (it may be the one that matters).
                session = await fresh_session(sid)
                await bind(sid, session)
                await say(sid, EXPIRED_NOTICE)
            conversation_id = session.conversation_id
            text = data.get("message") if isinstance(data, dict) else None
            if not isinstance(text, str) or not text.strip():
                await say(sid, "I didn't receive any text — please type your message again.")
                return
            if len(text) > MAX_MESSAGE_CHARS:
                await say(
                    sid,
                    f"Sorry, that message is too long for me (over {MAX_MESSAGE_CHARS} "
                    "characters). Could you send a shorter version?",
                )
                return
            if not await self.limiter.allow(conversation_id, addresses.get(sid)):
                log.info("webchat message over the rate limit conv=%s",
                         conversation_hash(conversation_id))
                for line in safety_fallback.screen(text) or [LIMITED_TEXT]:
                    await say(sid, line)
                return
            output = WebChatOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(text, output, conversation_id, input_channel=self.name())
            )

        return bp
