"""REST chat channel (``POST /webhooks/rest/webhook``), a hardened drop-in for Rasa's ``rest``.

Same request and response format as Rasa's RestInput. Differences: malformed requests get a 400
with a reason (Rasa's answers 500 or an empty list), and failures are logged with a hashed
conversation id instead of the message text.
"""

from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.request_validation import InvalidChatRequest, parse_chat_request
from bot.conversation_hash import conversation_hash
from bot.lock_store import arrival_time, reserve_turn
from bot.log_frames import frames

log = logging.getLogger(__name__)




class PatientRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        bp = Blueprint("patient_rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            arrived = arrival_time(request)
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return response.json({"error": "The request body must be valid JSON."}, status=400)
            try:
                chat = parse_chat_request(body)
            except InvalidChatRequest as exc:
                return response.json({"error": str(exc)}, status=400)
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
