"""Server-side sessions and the sign-in slow-downs (per IP, per account, per account and IP).

A session id is ``secrets.token_urlsafe(32)`` in an HttpOnly cookie. Redis stores it only as a
SHA-256 digest (``console:session:<digest>``), so a Redis dump or replica does not hand out live
sessions. Each session carries its own CSRF token and expires server-side with the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from console.accounts import PREFIX, Account, username_digest

SESSION_COOKIE = "console_session"
LOGIN_COOKIE = "console_login"  # pre-session CSRF token for the login form (double submit)

# Per-IP slow-down of failed logins: after IP_FREE_FAILURES in the window each further failure
# doubles the wait (capped), and past IP_BLOCK_FAILURES the IP gets 429 until the window ends.
IP_WINDOW_S = 15 * 60
IP_FREE_FAILURES = 10
IP_DELAY_STEP_S = 0.5
IP_MAX_DELAY_S = 5.0
IP_BLOCK_FAILURES = 100

# Per-account backoff instead of a lockout. A lockout let anyone lock out any account,
# supervisors included, with five requests. Now failures only make the *next* attempt wait, and
# the wait doubles per failure:
# - per account and IP: after PAIR_FREE_FAILURES, up to PAIR_MAX_WAIT_S. One attacking IP gets
#   slower and slower; the account's owner on another IP is not affected.
# - per account, all IPs: after ACCOUNT_FREE_FAILURES, at most ACCOUNT_MAX_WAIT_S. One IP cannot
#   reach that count within the window (its own waits stop it), so this only slows a guessing
#   attack spread over many IPs, and never by more than a minute for the real user.
# Attempts refused for waiting are not failures: hammering does not extend the wait.
BACKOFF_WINDOW_S = 15 * 60
PAIR_FREE_FAILURES = 3
PAIR_MAX_WAIT_S = 15 * 60
ACCOUNT_FREE_FAILURES = 20
ACCOUNT_MAX_WAIT_S = 60


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

    def alive(self, digest: str) -> bool:
        """Whether the session still exists (one cheap EXISTS: the live stream asks on every
        poll, so a signed-out console stops receiving at once)."""
        return bool(self._r.exists(self._key(digest)))

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
        doublings = min(failures - IP_FREE_FAILURES - 1, 32)  # 2.0 ** 10_000 overflows
        return min(IP_MAX_DELAY_S, IP_DELAY_STEP_S * 2.0 ** doublings)

    @staticmethod
    def blocked(failures: int) -> bool:
        return failures >= IP_BLOCK_FAILURES


def backoff_wait(failures: int, free: int, cap: float) -> float:
    """Seconds the next attempt must wait after ``failures`` recent failures: none for the first
    ``free``, then 1, 2, 4, ... up to ``cap``."""
    if failures <= free:
        return 0.0
    return float(min(cap, 2.0 ** min(failures - free - 1, 32)))  # 2.0 ** 10_000 overflows


class LoginBackoff:
    """Failed sign-ins per typed username (as a digest, whether or not the account exists, so
    the answers say nothing about which accounts exist) and per username + IP."""

    def __init__(self, redis_client: redis.Redis, now: Callable[[], float] = time.time) -> None:
        self._r = redis_client
        self._now = now

    @staticmethod
    def account_key(username: str) -> str:
        return f"{PREFIX}fail:{username_digest(username)}"

    @staticmethod
    def pair_key(username: str, ip: str) -> str:
        return f"{PREFIX}fail:{username_digest(username)}:{_digest(ip)[:16]}"

    def _state(self, key: str, now: float) -> tuple[int, float]:
        """(failures in the window, time of the last one)."""
        with self._r.pipeline() as pipe:
            pipe.zremrangebyscore(key, "-inf", now - BACKOFF_WINDOW_S)
            pipe.zrange(key, -1, -1, withscores=True)
            pipe.zcard(key)
            _, last, count = pipe.execute()
        return int(count), (float(last[0][1]) if last else 0.0)

    def wait_s(self, username: str, ip: str) -> float:
        """Seconds before this username may be tried again from this IP (0: go ahead)."""
        now = self._now()
        waits = []
        for key, free, cap in ((self.pair_key(username, ip), PAIR_FREE_FAILURES,
                                PAIR_MAX_WAIT_S),
                               (self.account_key(username), ACCOUNT_FREE_FAILURES,
                                ACCOUNT_MAX_WAIT_S)):
            count, last = self._state(key, now)
            waits.append(last + backoff_wait(count, free, cap) - now)
        return max(0.0, *waits)

    def record_failure(self, username: str, ip: str) -> None:
        now = self._now()
        member = f"{now!r}:{secrets.token_hex(4)}"
        with self._r.pipeline() as pipe:
            for key in (self.pair_key(username, ip), self.account_key(username)):
                pipe.zadd(key, {member: now})
                pipe.expire(key, BACKOFF_WINDOW_S + PAIR_MAX_WAIT_S)
            pipe.execute()

    def clear(self, username: str, ip: str) -> None:
        """After a successful sign-in from this IP (the account-wide count stays: a spread-out
        attack is not reset by its victim signing in)."""
        self._r.delete(self.pair_key(username, ip))
