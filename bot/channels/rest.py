"""REST chat channel (``POST /webhooks/rest/webhook``), a hardened drop-in for Rasa's ``rest``.

Same request and response format as Rasa's RestInput. Differences:
- malformed requests get a 400 with a reason (Rasa's answers 500 or an empty list); a body over
  ``MAX_BODY_BYTES`` gets a 413, metadata nested deeper than ``MAX_METADATA_DEPTH`` a 400;
- the ``sender`` must be an id this channel issued (``POST /webhooks/rest/conversations``), never
  another channel's (bot/channels/conversation_ids.py); client-chosen ids only in development;
- per-sender and per-IP rate limits answer 429 with a kind message (and still the 911 / 988 line
  when the text is an emergency or crisis);
- failures are logged with a hashed conversation id instead of the message text.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import safety_fallback
from bot.channels.conversation_ids import issue_rest_id, rest_sender_refusal
from bot.channels.rate_limit import LIMITED_TEXT
from bot.channels.rate_limit_store import RateLimiter
from bot.channels.request_validation import InvalidChatRequest, decode_body, parse_chat_request
from bot.channels.settings import ChannelSettings
from bot.conversation_hash import conversation_hash
from bot.lock_store import arrival_time, reserve_turn
from bot.log_frames import frames

log = logging.getLogger(__name__)


class PatientRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(ChannelSettings.from_env())

    def __init__(self, settings: ChannelSettings | None = None) -> None:
        self.settings = settings or ChannelSettings.from_env()
        self.limiter = RateLimiter(self.settings.twilio_redis_url, self.settings.rate_per_sender,
                                   self.settings.rate_per_ip)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        bp = Blueprint("patient_rest_webhook", __name__)
        key = self.settings.channel_id_key

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/conversations", methods=["POST"])
        async def new_conversation(request: Request) -> HTTPResponse:
            # Issuing is rate-limited per IP too, so ids cannot be minted in bulk.
            ip = request.remote_addr or request.ip
            if not await self.limiter.allow(f"issue:{ip}", ip):
                return response.json({"error": LIMITED_TEXT}, status=429)
            return response.json({"sender": issue_rest_id(key)}, status=201)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            arrived = arrival_time(request)
            try:
                chat = parse_chat_request(decode_body(request.body))
            except InvalidChatRequest as exc:
                return response.json({"error": str(exc)}, status=exc.status)
            refusal = rest_sender_refusal(chat.sender, key, self.settings.development)
            if refusal:
                log.warning("rest sender refused conv=%s", conversation_hash(chat.sender))
                return response.json({"error": refusal}, status=403)
            if not await self.limiter.allow(chat.sender, request.remote_addr or request.ip):
                log.info("rest message over the rate limit conv=%s",
                         conversation_hash(chat.sender))
                lines = safety_fallback.screen(chat.message) or [LIMITED_TEXT]
                return response.json(
                    [{"recipient_id": chat.sender, "text": line} for line in lines], status=429)
            collector = CollectingOutputChannel()
            try:
                # Its place in the conversation's turn order: the time the request arrived.
                with reserve_turn(request.app, chat.sender, arrived):
                    await on_new_message(
                        UserMessage(chat.message, collector, chat.sender,
                                    input_channel=self.name(), metadata=chat.metadata)
                    )
            except CancelledError:
                log.error("rest turn cancelled conv=%s", conversation_hash(chat.sender))
            except Exception as exc:  # never leak a stack trace (or the text) to client or log
                log.error("rest turn failed conv=%s error=%s at=%s", conversation_hash(chat.sender),
                          type(exc).__name__, frames(exc))
                return response.json(
                    {"error": "The assistant could not answer just now; please try again. "
                              "If this is an emergency, call 911."},
                    status=503,
                )
            return response.json(collector.messages)

        return bp
