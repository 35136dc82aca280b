"""Redis adapter of the rate limits (policy: bot/channels/rate_limit.py), shared by all Rasa
workers and replicas.

Keys ``ratelimit:<scope>:<keyed hash>`` (scope ``sender`` or ``ip``; never the raw number, id or
address) hold one bucket and expire once it would be full again. A read-modify-write runs under
WATCH, so two workers cannot both spend the last token. If Redis does not answer, the message is
let through: a limiter must never be the reason a patient gets no answer.
"""

from __future__ import annotations

import logging
import time

from redis import asyncio as aioredis
from redis.exceptions import RedisError, WatchError

from bot.channels.rate_limit import BucketState, idle_seconds, take
from bot.conversation_hash import conversation_hash

log = logging.getLogger(__name__)

PREFIX = "ratelimit:"
_ATTEMPTS = 5


class RateLimiter:
    def __init__(self, url: str, per_sender: int, per_ip: int) -> None:
        self.url = url
        self.per_sender = per_sender
        self.per_ip = per_ip
        self._redis: aioredis.Redis | None = None

    @property
    def redis(self) -> aioredis.Redis:
        # Lazily, inside the Sanic worker's event loop (workers fork after channels are built).
        if self._redis is None:
            self._redis = aioredis.from_url(self.url, decode_responses=True,
                                            socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    async def allow(self, sender: str, ip: str | None = None) -> bool:
        """Take a token from the sender's bucket and (when known) the client IP's bucket."""
        sender_ok = await self._take("sender", sender, self.per_sender)
        ip_ok = True if not ip else await self._take("ip", ip, self.per_ip)
        return sender_ok and ip_ok

    async def _take(self, scope: str, ident: str, per_minute: int) -> bool:
        if per_minute <= 0:
            return True
        key = f"{PREFIX}{scope}:{conversation_hash(ident)}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                for _ in range(_ATTEMPTS):
                    try:
                        await pipe.watch(key)
                        raw = await pipe.get(key)
                        state = BucketState.load(raw if isinstance(raw, str) else None)
                        allowed, after = take(state, time.time(), per_minute)
                        pipe.multi()
                        pipe.set(key, after.dump(), ex=idle_seconds(per_minute))
                        await pipe.execute()
                        return allowed
                    except WatchError:
                        continue
        except (RedisError, OSError) as exc:
            log.warning("rate limit unavailable, message let through scope=%s error=%s",
                        scope, type(exc).__name__)
            return True
        return True  # contention beyond a few retries: let it through rather than drop it
