"""Server-side sessions and the per-IP login slow-down.

A session id is ``secrets.token_urlsafe(32)`` in an HttpOnly cookie. Redis stores it only as a
SHA-256 digest (``console:session:<digest>``), so a Redis dump or replica does not hand out live
sessions. Each session carries its own CSRF token and expires server-side with the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

from console.accounts import PREFIX, Account

SESSION_COOKIE = "console_session"
LOGIN_COOKIE = "console_login"  # pre-session CSRF token for the login form (double submit)

# Per-IP slow-down of failed logins: after IP_FREE_FAILURES in the window each further failure
# waits a little longer (capped), and past IP_BLOCK_FAILURES the IP gets 429 until the window ends.
IP_WINDOW_S = 15 * 60
IP_FREE_FAILURES = 10
IP_DELAY_STEP_S = 0.5
IP_MAX_DELAY_S = 5.0
IP_BLOCK_FAILURES = 100


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _s(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class Session:
    digest: str
    username: str
    csrf_token: str
    created_at: float
    expires_at: float


class SessionStore:
    def __init__(self, redis_client: redis.Redis, ttl_s: int = 8 * 3600) -> None:
        self._r = redis_client
        self.ttl_s = ttl_s

    @staticmethod
    def _key(digest: str) -> str:
        return f"{PREFIX}session:{digest}"

    @staticmethod
    def _user_key(username: str) -> str:
        return f"{PREFIX}user_sessions:{username}"

    def create(self, account: Account) -> tuple[str, Session]:
        """A fresh session (new id, new CSRF token) for ``account``; returns (cookie value, it)."""
        sid = secrets.token_urlsafe(32)
        now = time.time()
        session = Session(digest=_digest(sid), username=account.username,
                          csrf_token=secrets.token_urlsafe(32), created_at=now,
                          expires_at=now + self.ttl_s)
        with self._r.pipeline() as pipe:
            pipe.hset(self._key(session.digest), mapping={
                "username": session.username, "csrf": session.csrf_token,
                "created_at": repr(now), "expires_at": repr(session.expires_at)})
            pipe.expire(self._key(session.digest), self.ttl_s)
            pipe.sadd(self._user_key(account.username), session.digest)
            pipe.expire(self._user_key(account.username), self.ttl_s)
            pipe.execute()
        return sid, session

    def load(self, sid: str | None) -> Session | None:
        if not sid or len(sid) > 128:
            return None
        digest = _digest(sid)
        raw = self._r.hgetall(self._key(digest))
        if not raw:
            return None
        data = {_s(k): _s(v) for k, v in raw.items()}
        session = Session(digest=digest, username=data["username"], csrf_token=data["csrf"],
                          created_at=float(data["created_at"]),
                          expires_at=float(data["expires_at"]))
        # Redis expiry is the real limit; this guards a clock-skewed or persisted copy.
        return session if session.expires_at > time.time() else None

    def delete(self, sid: str | None) -> None:
        if not sid or len(sid) > 128:
            return
        digest = _digest(sid)
        username = self._r.hget(self._key(digest), "username")
        self._r.delete(self._key(digest))
        if username:
            self._r.srem(self._user_key(_s(username)), digest)

    def delete_all_for(self, username: str) -> int:
        """End every session of ``username`` (account disabled or password changed)."""
        digests = [_s(d) for d in self._r.smembers(self._user_key(username))]
        if digests:
            self._r.delete(*[self._key(d) for d in digests])
        self._r.delete(self._user_key(username))
        return len(digests)


class IpThrottle:
    """Counts failed logins per client IP (as a digest) to slow down password spraying."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._r = redis_client

    @staticmethod
    def _key(ip: str) -> str:
        return f"{PREFIX}ipfail:{_digest(ip)[:32]}"

    def failures(self, ip: str) -> int:
        return int(_s(self._r.get(self._key(ip)) or 0))

    def record_failure(self, ip: str) -> int:
        count = int(self._r.incr(self._key(ip)))
        if count == 1:  # the window starts with the first failure (EXPIRE NX needs Redis 7)
            self._r.expire(self._key(ip), IP_WINDOW_S)
        return count

    @staticmethod
    def delay_for(failures: int) -> float:
        """Seconds to wait before answering a login attempt from an IP with this many failures."""
        if failures <= IP_FREE_FAILURES:
            return 0.0
        return min(IP_MAX_DELAY_S, (failures - IP_FREE_FAILURES) * IP_DELAY_STEP_S)

    @staticmethod
    def blocked(failures: int) -> bool:
        return failures >= IP_BLOCK_FAILURES
