"""Redis state of the Twilio channels: dedupe, opt-outs, numbered options, number mapping,
WhatsApp window and per-reply send claims.

Every key is per hashed sender id (see twilio_policy.sender_id); the phone number itself is stored
only under ``addr:`` with a TTL, because replies have to be addressed to it.
"""

from __future__ import annotations

import json
import time

from redis import asyncio as aioredis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from bot.channels.sms_render import Option
from bot.channels.twilio_policy import WHATSAPP_WINDOW_S

PREFIX = "twilio:"
# Twilio retries a webhook within minutes; two days is plenty (MESSAGE_DEDUPE_HOURS).
DEDUPE_TTL_S = 48 * 3600
ADDRESS_TTL_S = 30 * 24 * 3600  # after a month of silence we forget the number
OPTIONS_TTL_S = 24 * 3600
SEND_CLAIM_TTL_S = 48 * 3600
LIMIT_NOTICE_TTL_S = 60


class TwilioStore:
    def __init__(self, url: str, dedupe_ttl_s: int = DEDUPE_TTL_S) -> None:
        self.url = url  # ChannelSettings.twilio_redis_url
        self.dedupe_ttl_s = dedupe_ttl_s
        self._redis: aioredis.Redis | None = None

    @property
    def redis(self) -> aioredis.Redis:
        # Created lazily, i.e. inside the Sanic worker's event loop (workers are forked after the
        # channel objects are built).
        # Pooled connections die with a restarted Redis: a command that meets one is retried on a
        # fresh connection instead of failing the webhook.
        if self._redis is None:
            self._redis = aioredis.from_url(
                self.url, decode_responses=True, socket_connect_timeout=1.0, socket_timeout=2.0,
                retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
                retry_on_error=[RedisConnectionError, RedisTimeoutError])
        return self._redis

    async def first_delivery(self, message_sid: str) -> bool:
        """Atomically claim an inbound MessageSid: True once, False for every retry of it."""
        return bool(await self.redis.set(f"{PREFIX}msg:{message_sid}", "1", nx=True,
                                          ex=self.dedupe_ttl_s))

    async def remember_address(self, sender: str, address: str) -> None:
        await self.redis.set(f"{PREFIX}addr:{sender}", address, ex=ADDRESS_TTL_S)

    async def address(self, sender: str) -> str | None:
        return await self.redis.get(f"{PREFIX}addr:{sender}")

    async def set_opted_out(self, sender: str, opted_out: bool) -> None:
        # No TTL: an opt-out holds until the patient sends START.
        key = f"{PREFIX}optout:{sender}"
        await (self.redis.set(key, "1") if opted_out else self.redis.delete(key))

    async def opted_out(self, sender: str) -> bool:
        return bool(await self.redis.exists(f"{PREFIX}optout:{sender}"))

    async def save_options(self, sender: str, options: list[Option]) -> None:
        key = f"{PREFIX}options:{sender}"
        if not options:
            await self.redis.delete(key)
            return
        data = [{"title": o.title, "payload": o.payload} for o in options]
        await self.redis.set(key, json.dumps(data), ex=OPTIONS_TTL_S)

    async def options(self, sender: str) -> list[Option]:
        raw = await self.redis.get(f"{PREFIX}options:{sender}")
        return [Option(o["title"], o["payload"]) for o in json.loads(raw)] if raw else []

    async def mark_inbound(self, sender: str, now: float | None = None) -> None:
        await self.redis.set(f"{PREFIX}lastin:{sender}", str(now or time.time()),
                             ex=WHATSAPP_WINDOW_S)

    async def last_inbound(self, sender: str) -> float | None:
        raw = await self.redis.get(f"{PREFIX}lastin:{sender}")
        return float(raw) if raw else None

    async def first_limit_notice(self, sender: str) -> bool:
        """True at most once a minute per sender: the rate-limit notice is not itself a flood."""
        return bool(await self.redis.set(f"{PREFIX}limited:{sender}", "1", nx=True,
                                          ex=LIMIT_NOTICE_TTL_S))

    async def claim_send(self, idempotency_key: str) -> bool:
        """Claim one outgoing message before the first attempt: a second claim (a duplicate turn,
        another worker) gets False and must not send."""
        return bool(await self.redis.set(f"{PREFIX}send:{idempotency_key}", "pending", nx=True,
                                          ex=SEND_CLAIM_TTL_S))

    async def record_send(self, idempotency_key: str, outcome: str) -> None:
        await self.redis.set(f"{PREFIX}send:{idempotency_key}", outcome, ex=SEND_CLAIM_TTL_S)
