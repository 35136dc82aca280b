"""One web-chat session, one socket: a token cannot be used by a second socket while the first
is connected (pure Python + redis.asyncio; no rasa / sanic imports).

Why: the signed token lives in the browser's sessionStorage. Anyone who copies it (a shared
computer, a leaked log, a duplicated tab) could open a second socket, join the same room and
read the patient's replies live. The first socket *claims* the conversation; a second one is
refused the claim and gets a new conversation of its own. The claim is released at disconnect
and expires with the token anyway, so a crashed worker cannot hold it for longer than that.

With Redis (``REDIS_URL`` set, several Rasa workers) the claim is a key
``webchat:active:<conversation hash>``; without it, a dict in this process.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "webchat:active:"
# A reload or reconnect opens the new socket while the old one's disconnect may still be on its
# way: wait this long for the old claim to go before refusing.
RECLAIM_WAIT_S = 5.0
_POLL_S = 0.1
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


class SessionClaims:
    def __init__(self, redis_url: str = "") -> None:
        self.redis_url = redis_url
        self._redis: aioredis.Redis | None = None
        self._local: dict[str, tuple[str, float]] = {}

    @property
    def redis(self) -> aioredis.Redis:
        # Created lazily, inside the Sanic worker's event loop (workers fork after the channel).
        if self._redis is None:
            self._redis = aioredis.from_url(self.redis_url, decode_responses=True)
        return self._redis

    async def _try(self, key: str, sid: str, expires_at: float) -> bool:
        ttl = max(1, math.ceil(expires_at - time.time()))
        if not self.redis_url:
            holder = self._local.get(key)
            if holder and holder[0] != sid and holder[1] > time.time():
                return False
            self._local[key] = (sid, time.time() + ttl)
            return True
        client: Any = self.redis
        if await client.set(key, sid, nx=True, ex=ttl):
            return True
        return bool(await client.get(key) == sid)

    async def claim(self, key: str, sid: str, expires_at: float) -> bool:
        """True when ``sid`` now holds ``key`` (waiting up to RECLAIM_WAIT_S for a previous
        holder to let go); False when another socket holds it or Redis cannot tell."""
        deadline = time.monotonic() + RECLAIM_WAIT_S
        try:
            while True:
                if await self._try(PREFIX + key, sid, expires_at):
                    return True
                if time.monotonic() >= deadline:
                    return False
                await asyncio.sleep(_POLL_S)
        except RedisError as exc:
            log.warning("webchat claim unavailable: %s", type(exc).__name__)
            return False

    async def release(self, key: str, sid: str) -> None:
        if not self.redis_url:
            if self._local.get(PREFIX + key, ("",))[0] == sid:
                self._local.pop(PREFIX + key, None)
            return
        try:
            client: Any = self.redis
            await client.eval(_RELEASE, 1, PREFIX + key, sid)
        except RedisError as exc:
            log.warning("webchat claim not released: %s", type(exc).__name__)
