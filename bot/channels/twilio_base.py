"""Shared Twilio input/output channel for SMS and WhatsApp (subclassed in twilio_sms/_whatsapp).

What Rasa 3.6's own twilio.py lacks and this adds (docs/architecture.md, one message's path):
- every webhook is checked with twilio's RequestValidator over the public URL + POST params
  (bad or missing X-Twilio-Signature -> 403, nothing processed);
- a MessageSid is processed once (Redis SET NX), so Twilio's retries never get a second reply;
- the webhook is answered at once with empty TwiML and the Rasa turn runs in a background task,
  so a slow turn never hits Twilio's 15 s webhook timeout;
- replies go out through the real twilio Client in a worker thread (it is synchronous), each
  claimed in Redis before the first attempt, and retried only when Twilio surely did not take it;
- STOP/START/HELP, numbered options for buttons, GSM-7-aware splitting (sms_render).

Logs carry only hashed sender ids and outcome names, never numbers or message text.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

import requests
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from bot import safety_fallback
from bot.channels import sms_render
from bot.channels.opted_out_screen import queue_if_urgent
from bot.channels.rate_limit import LIMITED_TEXT
from bot.channels.rate_limit_store import RateLimiter
from bot.channels.settings import ChannelSettings
from bot.channels.sms_render import Rendered
from bot.channels.twilio_policy import Keyword, keyword, sender_id, signed_url
from bot.channels.twilio_store import TwilioStore
from bot.conversation_hash import conversation_hash
from bot.degraded import degraded_lines
from bot.lock_store import Place, arrival_time, reserve_turn
from bot.log_frames import frames

log = logging.getLogger(__name__)
# twilio's HTTP client logs every request at INFO; our logs never carry message metadata.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY_CHARS = 2000
SEND_ATTEMPTS = 3
SEND_TIMEOUT_S = 10.0

MEDIA_NOTE = ("Sorry, I can only read text here - please type your message. "
              "If this is an emergency, call 911.")

def _never_reached_twilio(exc: BaseException) -> bool:
    """True only when Twilio certainly did not create the message, so a retry cannot double-send:
    429 / 503 answers, or a connection that was never established. A read timeout or a 500 is
    ambiguous (the message may exist) and is not retried."""
    if isinstance(exc, TwilioRestException):
        return exc.status in (429, 503)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        return isinstance(getattr(exc.args[0], "reason", None),
                          NewConnectionError | ConnectTimeoutError)
    return False


class _FormParams(dict):
    """parse_qs result with the ``getlist`` RequestValidator uses for repeated parameters."""

    def getlist(self, key: str) -> list[str]:
        return self[key]


class TwilioSender:
    """The real twilio REST Client; TWILIO_API_BASE_URL points it at another host (tests, sink)."""

    def __init__(self, account_sid: str, auth_token: str, api_base_url: str | None) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.api_base_url = api_base_url
        self._client: Client | None = None

    def client(self) -> Client:
        if self._client is None:  # lazily: one per Sanic worker process
            client = Client(self.account_sid, self.auth_token,
                            http_client=TwilioHttpClient(timeout=SEND_TIMEOUT_S))
            if self.api_base_url:
                client.api.base_url = self.api_base_url.rstrip("/")
            self._client = client
        return self._client

    def create(self, params: Mapping[str, str]) -> str:
        """Blocking: POST .../Messages.json. Only ever called in a worker thread."""
        return self.client().messages.create(**params).sid


class TwilioOutput(OutputChannel):
    """Collects one turn's bot messages; ``flush`` renders and sends them together (numbered
    options and splitting need the whole turn). ``immediate`` flushes every message, for turns
    Rasa starts itself (trigger_intent, reminders), where nobody calls ``flush``."""

    def __init__(self, channel: TwilioInput, reply_key: str | None = None,
                 immediate: bool = False) -> None:
        self.channel = channel
        self.reply_key = reply_key or uuid.uuid4().hex
        self.immediate = immediate
        self.messages: list[dict[str, Any]] = []
        self.flushes = 0

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))
        if self.immediate:
            await self.flush(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def flush(self, recipient_id: str) -> None:
        if not self.messages:
            return
        rendered = sms_render.render_turn(self.messages)
        self.messages = []
        self.flushes += 1
        await self.channel.deliver(recipient_id, rendered, f"{self.reply_key}:{self.flushes}")


class TwilioInput(InputChannel):
    """Base of the SMS and WhatsApp channels; subclasses set the name and the sender address."""

    from_env: str = ""  # the setting with our sender address (TWILIO_SMS_FROM, ...)
    confirms_keywords = False  # SMS: Twilio/carriers confirm STOP/START themselves

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        # Secrets only from the environment; credentials.yml just switches the channel on.
        return cls(ChannelSettings.from_env())

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings
        account_sid = settings.required("TWILIO_ACCOUNT_SID")
        auth_token = settings.required("TWILIO_AUTH_TOKEN")
        self.validator = RequestValidator(auth_token)
        self.sender = TwilioSender(account_sid, auth_token, settings.twilio_api_base_url)
        self.from_address = self.normalise_address(settings.required(self.from_env))
        self.public_base_url = settings.twilio_public_base_url
        self.store = TwilioStore(settings.twilio_redis_url,
                                 settings.retention.message_dedupe_seconds)
        # Per sender only: every webhook comes from Twilio's addresses, so a per-IP limit would
        # throttle all patients together (the signature check decides who may post at all).
        self.limiter = RateLimiter(settings.twilio_redis_url, settings.rate_per_sender, 0)
        self.support_contact = settings.clinic_support_contact
        self._tasks: set[asyncio.Task] = set()
        # Turns run on this process's event loop and are CPU-bound (NLU, policies): letting a burst
        # of them all run at once queues the webhook acks behind their steps. A few at a time keeps
        # acks fast; the rest wait their turn (they are already acked and deduplicated).
        self._turn_slots = asyncio.Semaphore(settings.twilio_concurrent_turns)

    # ---- hooks for the subclasses -------------------------------------------------------------
    @staticmethod
    def normalise_address(address: str) -> str:
        return address

    async def outbound_params(self, sender: str, recipient: str,
                              bodies: list[str]) -> list[dict[str, str]]:
        """The Messages API calls for a rendered turn (WhatsApp swaps in a template)."""
        return [{"to": recipient, "from_": self.from_address, "body": b} for b in bodies]

    # ---- Rasa contract ------------------------------------------------------------------------
    def get_output_channel(self) -> OutputChannel | None:
        return TwilioOutput(self, immediate=True)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"{self.name()}_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            arrived = arrival_time(request)
            try:
                params = _FormParams(parse_qs((request.body or b"").decode(),
                                              keep_blank_values=True, strict_parsing=False))
            except UnicodeDecodeError:
                params = _FormParams()
            signature = request.headers.get("X-Twilio-Signature", "")
            url = signed_url(self.public_base_url, request.url)
            if not signature or not self.validator.validate(url, params, signature):
                log.warning("%s webhook rejected: bad or missing signature", self.name())
                return response.text("invalid signature", status=403)
            message_sid = (params.get("MessageSid") or params.get("SmsSid") or [""])[0]
            address = (params.get("From") or [""])[0]
            if not message_sid or not address:
                return response.text("MessageSid and From are required", status=400)
            # The place in the conversation's turn order is taken first, before anything awaits:
            # the order turns run in is the order the webhooks arrived.
            sender = sender_id(address, self.settings.channel_id_key)
            with reserve_turn(request.app, sender, arrived) as place:
                try:
                    first = await self.store.first_delivery(message_sid)
                except RedisError as exc:
                    # Answering twice beats never answering: handled without the dedupe marker.
                    log.error("%s dedupe unavailable error=%s", self.name(), type(exc).__name__)
                    first = True
                if first:
                    self._spawn(self.handle(params, message_sid, address, on_new_message,
                                            place))
                else:
                    log.info("%s duplicate webhook ignored", self.name())
                    if place is not None:
                        place.give_back_unused()
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return bp

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)  # a reference, or the task may be garbage-collected mid-turn
        task.add_done_callback(self._tasks.discard)

    # ---- one inbound message ------------------------------------------------------------------
    async def handle(self, params: Mapping[str, list[str]], message_sid: str, address: str,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]],
                     place: Place | None = None) -> None:
        sender = sender_id(address, self.settings.channel_id_key)
        try:
            if place is not None:
                # First our turn, then a slot: a task holding a slot never waits for a turn
                # whose task waits for a slot.
                await place.wait_until_first()
            async with self._turn_slots:
                await self._handle(params, message_sid, address, sender, on_new_message)
        except RedisError as exc:
            # Redis is down: no opt-out list, no number mapping. The patient still gets the
            # 911 / 988 lines (if they apply) and the clinic's number, straight to their address.
            log.error("%s turn without Redis conv=%s error=%s at=%s", self.name(),
                      conversation_hash(sender), type(exc).__name__, frames(exc))
            body = (params.get("Body") or [""])[0].strip()[:MAX_BODY_CHARS]
            await self.send_without_store(address, sender, degraded_lines(
                sender, body, self.name()))
        except Exception as exc:  # a background task: log (hash + type only) instead of losing it
            log.error("%s turn failed conv=%s error=%s at=%s",
                      self.name(), conversation_hash(sender),
                      type(exc).__name__, frames(exc))
        finally:
            if place is not None:
                place.give_back_unused()

    async def _handle(self, params: Mapping[str, list[str]], message_sid: str, address: str,
                      sender: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        body = (params.get("Body") or [""])[0].strip()[:MAX_BODY_CHARS]
        media = (params.get("NumMedia") or ["0"])[0].strip()
        num_media = int(media) if media.isdigit() else 0
        await self.store.remember_address(sender, address)
        await self.store.mark_inbound(sender)

        word = keyword(body)
        if word is Keyword.STOP:
            if self.confirms_keywords:
                await self.send_text(sender, "You won't get more messages from the clinic "
                                     "assistant. Reply START to resume.", f"{message_sid}:kw")
            await self.store.set_opted_out(sender, True)
            log.info("%s opt-out conv=%s", self.name(), conversation_hash(sender))
            return
        if word is Keyword.START:
            await self.store.set_opted_out(sender, False)
            log.info("%s opt-in conv=%s", self.name(), conversation_hash(sender))
            if self.confirms_keywords:
                await self.send_text(sender, "You're subscribed again. Send a message to "
                                     "continue.", f"{message_sid}:kw")
            return
        if word is Keyword.HELP:
            # Answered even after STOP: HELP must always reach the patient (carrier rules).
            await self.send_text(sender, f"Clinic assistant help: {self.support_contact}. "
                                 "If this is an emergency, call 911. Reply STOP to opt out.",
                                 f"{message_sid}:kw", force=True)
            return
        # Taken before the opt-out check too, so a flood from an opted-out number cannot make
        # the action server screen every message.
        allowed = await self.limiter.allow(sender)
        if await self.store.opted_out(sender):
            # No text to this number, but an emergency or crisis still reaches staff (over the
            # limit: only if the compact patterns see one).
            screened = bool(body) and (allowed or bool(safety_fallback.screen(body)))
            if not screened or not await queue_if_urgent(
                    self.settings.action_endpoint_url, self.settings.action_server_token,
                    sender, body, self.name()):
                log.info("%s message from opted-out sender not processed conv=%s",
                         self.name(), conversation_hash(sender))
            return
        if not allowed:
            log.info("%s message over the rate limit conv=%s",
                     self.name(), conversation_hash(sender))
            # The 911 / 988 line whenever the words call for it; the notice once a minute.
            urgent = safety_fallback.screen(body)
            if urgent or await self.store.first_limit_notice(sender):
                await self.send_text(sender, "\n\n".join(urgent or [LIMITED_TEXT]),
                                     f"{message_sid}:limited")
            return
        if num_media > 0:
            await self.send_text(sender, MEDIA_NOTE, f"{message_sid}:media")
            if not body:
                return
        if not body:
            return
        text = sms_render.choose_option(body, await self.store.options(sender)) or body
        output = TwilioOutput(self, reply_key=message_sid)
        await on_new_message(UserMessage(text, output, sender, input_channel=self.name()))
        await output.flush(sender)

    # ---- sending ------------------------------------------------------------------------------
    async def send_text(self, sender: str, text: str, key: str, force: bool = False) -> None:
        await self.deliver(sender, Rendered(sms_render.split_message(text), []), key,
                           force=force, keep_options=True)

    async def deliver(self, sender: str, rendered: Rendered, key: str, force: bool = False,
                      keep_options: bool = False) -> None:
        """Send a rendered turn to the number behind ``sender`` (unless opted out)."""
        if not force and await self.store.opted_out(sender):
            log.info("%s reply suppressed (opted out) conv=%s",
                     self.name(), conversation_hash(sender))
            return
        recipient = await self.store.address(sender)
        if recipient is None:
            log.warning("%s no number known for conv=%s; reply dropped",
                        self.name(), conversation_hash(sender))
            return
        if not keep_options:
            # Also clears them when this turn has no buttons: a later "1" is then just text.
            await self.store.save_options(sender, rendered.options)
        calls = await self.outbound_params(sender, recipient, rendered.bodies)
        for i, params in enumerate(calls):
            await self.send_once(f"{self.name()}:{key}:{i}", params, sender)

    async def send_without_store(self, address: str, sender: str, lines: list[str]) -> None:
        """Send without Redis (no claim, no opt-out list): only for the degraded reply."""
        bodies = [b for line in lines for b in sms_render.split_message(line)]
        # The base class's plain messages: the patient just wrote, so WhatsApp's window is open.
        recipient = self.normalise_address(address)
        for params in await TwilioInput.outbound_params(self, sender, recipient, bodies):
            try:
                await asyncio.to_thread(self.sender.create, params)
            except Exception as exc:
                log.error("%s degraded send failed conv=%s error=%s", self.name(),
                          conversation_hash(sender), type(exc).__name__)
                return

    async def send_once(self, idempotency_key: str, params: Mapping[str, str],
                        sender: str) -> None:
        """One Messages API call, at most once per key, retried only when safe."""
        if not await self.store.claim_send(idempotency_key):
            log.info("%s send skipped (already claimed) conv=%s",
                     self.name(), conversation_hash(sender))
            return
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                sid = await asyncio.to_thread(self.sender.create, params)
            except Exception as exc:
                if attempt < SEND_ATTEMPTS and _never_reached_twilio(exc):
                    await asyncio.sleep(0.2 * 2**attempt)
                    continue
                await self.store.record_send(idempotency_key, f"failed:{type(exc).__name__}")
                status = getattr(exc, "status", "")
                log.error("%s send failed conv=%s error=%s %s attempt=%d",
                          self.name(), conversation_hash(sender),
                          type(exc).__name__, status, attempt)
                return
            await self.store.record_send(idempotency_key, f"sent:{sid}")
            log.info("%s sent conv=%s attempt=%d", self.name(), conversation_hash(sender), attempt)
            return
