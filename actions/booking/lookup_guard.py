"""Redis behind the appointment lookup's attempt limits and audit (the policy is pure:
actions/core/booking/verification.py).

Keys (every name part is a keyed hash, never a name, code or phone number):
  lookup:fail:<key>     failures in the current window (expires with the window)
  lookup:locked:<key>   present while lookups for that conversation / patient are locked
  audit:lookup          stream of every verification attempt, trimmed by age and length
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from functools import lru_cache

import redis

from actions import settings
from actions.core.booking.verification import (
    LOOKUP_LOCK_S,
    LOOKUP_WINDOW_S,
    MAX_LOOKUP_FAILURES,
)

log = logging.getLogger(__name__)

AUDIT_STREAM = "audit:lookup"
AUDIT_MAXLEN = 200_000


class RedisLookupGuard:
    """``LookupGuard`` on Redis: shared by every action-server process and kept across restarts
    (as long as Redis keeps its data)."""

    def __init__(self, client: redis.Redis, audit_retention_s: int) -> None:
        self._r = client
        self.audit_retention_s = audit_retention_s

    def is_locked(self, keys: Sequence[str]) -> bool:
        try:
            return bool(self._r.exists(*[f"lookup:locked:{k}" for k in keys]))
        except redis.RedisError as exc:
            # Fail closed: with no way to count, no lookups (the patient is offered a person).
            log.warning("lookup guard unavailable", extra={"error": type(exc).__name__})
            return True

    def record_failure(self, keys: Sequence[str]) -> bool:
        locked = False
        try:
            for key in keys:
                fail_key = f"lookup:fail:{key}"
                count = int(self._r.incr(fail_key))
                if count == 1:  # the window starts with the first failure (EXPIRE NX: Redis 7)
                    self._r.expire(fail_key, LOOKUP_WINDOW_S)
                if count >= MAX_LOOKUP_FAILURES:
                    with self._r.pipeline() as pipe:
                        pipe.set(f"lookup:locked:{key}", "1", ex=LOOKUP_LOCK_S)
                        pipe.delete(fail_key)
                        pipe.execute()
                    locked = True
            return locked or self.is_locked(keys)
        except redis.RedisError as exc:
            log.warning("lookup guard unavailable", extra={"error": type(exc).__name__})
            return True

    def audit(self, record: Mapping[str, object]) -> None:
        # MINID trims records older than the retention; MAXLEN caps a flood in between.
        oldest_ms = int((time.time() - self.audit_retention_s) * 1000)
        try:
            with self._r.pipeline() as pipe:
                pipe.xadd(AUDIT_STREAM, {"record": json.dumps(dict(record), default=str)},
                          maxlen=AUDIT_MAXLEN, approximate=True)
                pipe.xtrim(AUDIT_STREAM, minid=oldest_ms, approximate=False)
                pipe.execute()
        except redis.RedisError as exc:
            log.warning("lookup audit not written", extra={"error": type(exc).__name__})


@lru_cache(maxsize=1)
def guard() -> RedisLookupGuard:
    """One guard per action-server process."""
    current = settings.current()
    client = redis.Redis.from_url(current.redis_url, socket_timeout=5, socket_connect_timeout=5)
    return RedisLookupGuard(client, current.retention.audit_seconds)
