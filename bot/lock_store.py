"""A per-conversation turn lock in Redis that keeps every message, in the order it arrived.

Rasa 3.6's ``RedisLockStore`` loses and reorders messages under bursts, for three reasons:
- a ticket is issued by read-modify-write of one JSON value (GET, append, SET) from several
  workers at once: two messages get the same ticket (both run at once, one tracker overwrites the
  other: a message "vanishes") or one ticket is overwritten (that message waits until the lock is
  deleted and then fails with ``LockError``: no reply);
- tickets expire 60 s after they are *issued*, not after their turn started: the 30th message of a
  burst expires while it waits, and a long turn lets the next one run beside it;
- waiters poll once a second, so a burst of 30 spends most of its time asleep.

Here the queue is a Redis list changed only by Lua scripts (atomic): a message takes its place with
one RPUSH, the head of the list holds the lock, release removes it. A holder that dies is skipped
at once when it ran on this host (its pid is gone) and otherwise when its lease (refreshed every
second while waiting or running) runs out. Waiters on this process are woken on release; others
poll every 20-200 ms depending on their place.

The place in the queue is taken as early as possible: channels call ``reserve`` in the request
handler before anything awaits, so the turn order is the order the messages reached the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.conversation_hash import conversation_hash

log = logging.getLogger(__name__)

LEASE_MS = 10_000  # a place whose holder stopped heart-beating is skipped after this
HEARTBEAT_S = 1.0
QUEUE_TTL_MS = 24 * 3600 * 1000  # garbage collection of an abandoned queue key
POLL_MIN_S, POLL_MAX_S = 0.02, 0.2

_HOST = socket.gethostname()

# KEYS[1] queue list, ARGV[1] token, ARGV[2] lease key prefix, ARGV[3] lease ms, ARGV[4] queue ttl
_ISSUE = """
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', ARGV[2] .. ARGV[1], '1', 'PX', ARGV[3])
return redis.call('LLEN', KEYS[1]) - 1
"""
# Returns {position of token (-1 if absent), head token}.
_PEEK = """
local items = redis.call('LRANGE', KEYS[1], 0, -1)
local head = items[1] or ''
for i, item in ipairs(items) do
  if item == ARGV[1] then return {i - 1, head} end
end
return {-1, head}
"""
# Skip a dead head: removed only if it is still the head and its lease is gone (or forced).
_SKIP = """
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
if ARGV[3] ~= '1' and redis.call('EXISTS', ARGV[2] .. ARGV[1]) == 1 then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DEL', ARGV[2] .. ARGV[1])
return 1
"""
_RELEASE = """
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('DEL', ARGV[2] .. ARGV[1])
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return 1
"""
_RENEW = """
for i = 2, #ARGV do redis.call('SET', ARGV[1] .. ARGV[i], '1', 'PX', KEYS[1]) end
return 1
"""


@dataclass
class Place:
    """One message's place in its conversation's queue."""

    conversation_id: str
    token: str
    store: OrderedRedisLockStore | None = None
    used: bool = False

    def give_back_unused(self) -> None:
        """For a reserved place no turn used (STOP, an empty message, a failure before the turn)."""
        if not self.used and self.store is not None:
            self.used = True
            self.store.leave(self)


# Places reserved by a channel handler for the turn it is about to start (copied into the
# background task that runs the turn, as contextvars are).
_reserved: contextvars.ContextVar[dict[str, Place] | None] = contextvars.ContextVar(
    "reserved_places", default=None)


def _token() -> str:
    return f"{_HOST}|{os.getpid()}|{uuid.uuid4().hex}"


def _holder_is_dead(token: str) -> bool:
    """True when ``token`` was issued on this host by a process that no longer exists."""
    host, _, rest = token.partition("|")
    pid_text = rest.partition("|")[0]
    if host != _HOST or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class _Local:
    """Per-process state: live places (renewed by one heartbeat task) and release events."""

    live: set[str] = field(default_factory=set)
    wakeups: dict[str, asyncio.Event] = field(default_factory=dict)
    heartbeat: asyncio.Task[None] | None = None
    pid: int = 0


class OrderedRedisLockStore(LockStore):
    """Rasa ``lock_store`` ``type: bot.lock_store.OrderedRedisLockStore`` (bot/endpoints.yml)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        cfg: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        cfg.update(kwargs)
        host = (endpoint_config.url if endpoint_config else None) or cfg.get("host", "localhost")
        prefix = str(cfg.get("key_prefix") or "lock")
        self.prefix = f"{prefix}:"
        self.red = redis.StrictRedis(
            host=host, port=int(cfg.get("port") or 6379), db=int(cfg.get("db") or 0),
            password=cfg.get("password") or None, socket_timeout=2.0,
            socket_connect_timeout=1.0, retry_on_timeout=False, health_check_interval=10,
        )
        self._issue = self.red.register_script(_ISSUE)
        self._peek = self.red.register_script(_PEEK)
        self._skip = self.red.register_script(_SKIP)
        self._release = self.red.register_script(_RELEASE)
        self._renew = self.red.register_script(_RENEW)
        self._local_state = _Local()
        super().__init__()

    # ---- keys -------------------------------------------------------------------------------
    def _queue_key(self, conversation_id: str) -> str:
        return f"{self.prefix}{conversation_id}:queue"

    @property
    def _lease_prefix(self) -> str:
        return f"{self.prefix}lease:"

    def _local(self) -> _Local:
        # Rasa builds the lock store before Sanic forks its workers: state is per process.
        if self._local_state.pid != os.getpid():
            self._local_state = _Local(pid=os.getpid())
        return self._local_state

    # ---- places -----------------------------------------------------------------------------
    def take_place(self, conversation_id: str) -> Place:
        """Join the end of the conversation's queue now (synchronously: arrival order)."""
        place = Place(conversation_id, _token(), self)
        self._issue(keys=[self._queue_key(conversation_id)],
                    args=[place.token, self._lease_prefix, LEASE_MS, QUEUE_TTL_MS])
        self._local().live.add(place.token)
        self._ensure_heartbeat()
        return place

    def leave(self, place: Place) -> None:
        local = self._local()
        local.live.discard(place.token)
        try:
            self._release(keys=[self._queue_key(place.conversation_id)],
                          args=[place.token, self._lease_prefix])
        except redis.RedisError as exc:
            # The lease runs out and the next message goes on; nothing else to do.
            log.error("lock release failed conv=%s error=%s",
                      conversation_hash(place.conversation_id), type(exc).__name__)
        event = local.wakeups.get(place.conversation_id)
        if event is not None:
            event.set()

    @contextlib.contextmanager
    def reserve(self, conversation_id: str) -> Iterator[Place]:
        """For channel handlers: take the place now, for the turn started inside this block
        (directly or in a task created here). A place no turn used is given back."""
        place = self.take_place(conversation_id)
        current = dict(_reserved.get() or {})
        current[conversation_id] = place
        token = _reserved.set(current)
        try:
            yield place
        finally:
            _reserved.reset(token)

    def _reserved_place(self, conversation_id: str) -> Place | None:
        place = (_reserved.get() or {}).get(conversation_id)
        if place is None or place.used:
            return None
        place.used = True
        return place

    # ---- heartbeat --------------------------------------------------------------------------
    def _ensure_heartbeat(self) -> None:
        local = self._local()
        if local.heartbeat is not None and not local.heartbeat.done():
            return
        with contextlib.suppress(RuntimeError):  # no running loop: a CLI, tests
            local.heartbeat = asyncio.get_running_loop().create_task(self._beat(local))

    async def _beat(self, local: _Local) -> None:
        while local.live:
            await asyncio.sleep(HEARTBEAT_S)
            if not local.live:
                break
            try:
                self._renew(keys=[LEASE_MS], args=[self._lease_prefix, *sorted(local.live)])
            except redis.RedisError as exc:
                log.error("lock lease renewal failed error=%s", type(exc).__name__)

    # ---- the lock ---------------------------------------------------------------------------
    async def _wait_for_head(self, place: Place) -> None:
        queue_key = self._queue_key(place.conversation_id)
        local = self._local()
        waited_since = time.monotonic()
        while True:
            position, head = self._peek(keys=[queue_key], args=[place.token])
            head = head.decode() if isinstance(head, bytes) else str(head)
            if position == 0:
                return
            if position < 0:
                # Our place was dropped (our lease ran out while this process was stalled):
                # queue again rather than run beside another turn.
                log.warning("lock place lost, queueing again conv=%s",
                            conversation_hash(place.conversation_id))
                self._issue(keys=[queue_key],
                            args=[place.token, self._lease_prefix, LEASE_MS, QUEUE_TTL_MS])
                continue
            if self._skip(keys=[queue_key],
                          args=[head, self._lease_prefix, "1" if _holder_is_dead(head) else "0"]):
                log.warning("lock holder gone, skipped conv=%s",
                            conversation_hash(place.conversation_id))
                continue
            event = local.wakeups.setdefault(place.conversation_id, asyncio.Event())
            event.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(),
                                       min(POLL_MAX_S, POLL_MIN_S * max(1, position)))
            if time.monotonic() - waited_since > 60:
                waited_since = time.monotonic()
                log.warning("turn waiting > 60 s for its conversation conv=%s place=%d",
                            conversation_hash(place.conversation_id), position)

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = 0,
                   wait_time_in_seconds: float = 0) -> AsyncIterator[TicketLock]:
        """Rasa's lock contract: one turn per conversation at a time, in arrival order."""
        place = self._reserved_place(conversation_id) or self.take_place(conversation_id)
        try:
            await self._wait_for_head(place)
            yield TicketLock(conversation_id)
        finally:
            self.leave(place)

    # ---- Rasa's synchronous LockStore interface (not used by the turn path) ----------------
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        self.red.delete(self._queue_key(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        raise LockError("OrderedRedisLockStore keeps no TicketLock objects")


@contextlib.contextmanager
def reserve_turn(app: Any, conversation_id: str) -> Iterator[Place | None]:
    """In a channel's request handler: reserve the conversation's next place for the turn this
    request starts (None when the lock store is not ours or Redis is down: the turn then queues
    itself, or answers in degraded mode)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "lock_store", None)
    if not isinstance(store, OrderedRedisLockStore):
        yield None
        return
    try:
        manager = store.reserve(conversation_id)
        place = manager.__enter__()
    except redis.RedisError as exc:
        log.error("turn place not reserved conv=%s error=%s", conversation_hash(conversation_id),
                  type(exc).__name__)
        yield None
        return
    try:
        yield place
    finally:
        manager.__exit__(None, None, None)
