"""A per-conversation turn lock in Redis that keeps every message, in the order it arrived.

Rasa 3.6's ``RedisLockStore`` loses and reorders messages under bursts, for three reasons:
- a ticket is issued by read-modify-write of one JSON value (GET, append, SET) from several
  workers at once: two messages get the same ticket (both run at once, one tracker overwrites the
  other: a message "vanishes") or one ticket is overwritten (that message waits until the lock is
  deleted and then fails with ``LockError``: no reply);
- tickets expire 60 s after they are *issued*, not after their turn started: the 30th message of a
  burst expires while it waits, and a long turn lets the next one run beside it;
- waiters poll once a second, so a burst of 30 spends most of its time asleep.

Here each conversation has a queue in Redis (a sorted set by arrival time, and the holder of the
turn), changed only by Lua scripts, so every step is atomic across workers. A message joins the
queue when its request arrives — channels call ``reserve`` in the request handler, before anything
awaits, with the time the kernel received the request (``arrival_time``) — and its turn runs when
it is first in line and nobody holds the turn. Within a burst a turn waits until SETTLE_S after
its message arrived, so a message that arrived earlier but reached a busier worker's event loop
later still goes first. A holder that dies is skipped at once when it ran on this host (its pid is
gone) and otherwise when its lease (renewed every second while waiting or running) runs out.
Waiters on this process are woken on release; others look every POLL_S.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import socket
import struct
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
POLL_S = 0.05  # waiters on other workers look this often; waiters here are woken at once
# Within a burst (a message that finds others of its conversation queued or running), a turn does
# not start before SETTLE_S after its message arrived: a message that arrived earlier but reached a
# busier worker's event loop later still gets its place in front. (Turns of a burst wait longer
# than that for each other anyway; a lone message never waits.)
SETTLE_S = 0.25

_HOST = socket.gethostname()

# KEYS: queue (sorted set: token by arrival time).
# ARGV: token, lease prefix, lease ms, queue ttl ms, arrival time.
# Returns 1 when this message is part of a burst (others are queued or running).
_ISSUE = """
local burst = 0
if redis.call('ZCARD', KEYS[1]) > 0 then burst = 1 end
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', ARGV[2] .. ARGV[1], '1', 'PX', ARGV[3])
return burst
"""
# KEYS: queue, holder. ARGV: token, lease prefix, now, settle until, holder ttl ms.
# Returns {state, other token}: 1 acquired, 0 wait for other, 2 skipped a dead other (retry),
# 3 settling, -1 our place is gone.
_TRY = """
local holder = redis.call('GET', KEYS[2])
if holder == ARGV[1] then return {1, ''} end
local function dead(token)
  return redis.call('EXISTS', ARGV[2] .. token) == 0
end
if holder then
  if dead(holder) then
    redis.call('DEL', KEYS[2])
    redis.call('ZREM', KEYS[1], holder)
    return {2, holder}
  end
  return {0, holder}
end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {-1, ''} end
local first = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if first ~= ARGV[1] then
  if dead(first) then
    redis.call('ZREM', KEYS[1], first)
    return {2, first}
  end
  return {0, first}
end
if tonumber(ARGV[3]) < tonumber(ARGV[4]) then return {3, ''} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[5])
return {1, ''}
"""
# KEYS: queue, holder. ARGV: token, lease prefix. Drops ``token`` (released, or its process died).
_DROP = """
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('DEL', ARGV[2] .. ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return 1
"""
_RENEW = """
for i = 2, #ARGV do redis.call('SET', ARGV[1] .. ARGV[i], '1', 'PX', KEYS[1]) end
return 1
"""


def arrival_time(request: Any) -> float:
    """When the request's bytes reached this host (the kernel's last-receive time of its TCP
    connection), not when a possibly busy event loop got to it; now if that is unknown."""
    now = time.time()
    try:
        sock = request.transport.get_extra_info("socket")
        raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        return now - struct.unpack_from("I", raw, _TCP_INFO_LAST_DATA_RECV)[0] / 1000
    except (AttributeError, OSError, struct.error, ValueError):
        return now


_TCP_INFO_LAST_DATA_RECV = 52  # byte offset of tcpi_last_data_recv (ms) in Linux's tcp_info


@dataclass
class Place:
    """One message's place in its conversation's queue."""

    conversation_id: str
    token: str
    store: OrderedRedisLockStore | None = None
    used: bool = False
    arrived: float = 0.0
    settle_until: float = 0.0

    async def wait_until_first(self) -> None:
        """Wait until this place is at the head of its queue (the turn can then start at once)."""
        if self.store is not None:
            await self.store._wait_for_head(self)

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
        self._try = self.red.register_script(_TRY)
        self._drop = self.red.register_script(_DROP)
        self._renew = self.red.register_script(_RENEW)
        self._local_state = _Local()
        super().__init__()

    # ---- keys -------------------------------------------------------------------------------
    def _keys(self, conversation_id: str) -> list[str]:
        base = f"{self.prefix}{conversation_id}"
        return [f"{base}:queue", f"{base}:holder"]

    @property
    def _lease_prefix(self) -> str:
        return f"{self.prefix}lease:"

    def _local(self) -> _Local:
        # Rasa builds the lock store before Sanic forks its workers: state is per process.
        if self._local_state.pid != os.getpid():
            self._local_state = _Local(pid=os.getpid())
        return self._local_state

    # ---- places -----------------------------------------------------------------------------
    def take_place(self, conversation_id: str, arrived: float | None = None) -> Place:
        """Join the conversation's queue now (synchronously), at the message's arrival time."""
        place = Place(conversation_id, _token(), self, arrived=arrived or time.time())
        self._enqueue(place)
        self._local().live.add(place.token)
        self._ensure_heartbeat()
        return place

    def _enqueue(self, place: Place) -> None:
        burst = self._issue(keys=self._keys(place.conversation_id)[:1],
                            args=[place.token, self._lease_prefix, LEASE_MS, QUEUE_TTL_MS,
                                  repr(place.arrived)])
        place.settle_until = place.arrived + SETTLE_S if burst else 0.0

    def leave(self, place: Place) -> None:
        local = self._local()
        local.live.discard(place.token)
        try:
            self._drop(keys=self._keys(place.conversation_id),
                       args=[place.token, self._lease_prefix])
        except redis.RedisError as exc:
            # The lease runs out and the next message goes on; nothing else to do.
            log.error("lock release failed conv=%s error=%s",
                      conversation_hash(place.conversation_id), type(exc).__name__)
        event = local.wakeups.get(place.conversation_id)
        if event is not None:
            event.set()

    @contextlib.contextmanager
    def reserve(self, conversation_id: str, arrived: float | None = None) -> Iterator[Place]:
        """For channel handlers: take the place now, for the turn started inside this block
        (directly or in a task created here). A place no turn used is given back."""
        place = self.take_place(conversation_id, arrived)
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
        keys = self._keys(place.conversation_id)
        local = self._local()
        waited_since = time.monotonic()
        while True:
            state, other = self._try(keys=keys, args=[
                place.token, self._lease_prefix, repr(time.time()), repr(place.settle_until),
                QUEUE_TTL_MS])
            other = other.decode() if isinstance(other, bytes) else str(other)
            if state == 1:
                return
            if state == -1:
                # Our place was dropped (our lease ran out while this process was stalled):
                # queue again rather than run beside another turn.
                log.warning("lock place lost, queueing again conv=%s",
                            conversation_hash(place.conversation_id))
                self._enqueue(place)
                continue
            if state == 2 or (state == 0 and _holder_is_dead(other)):
                if state == 0:
                    self._drop(keys=keys, args=[other, self._lease_prefix])
                log.warning("lock holder gone, skipped conv=%s",
                            conversation_hash(place.conversation_id))
                continue
            if state == 3:
                await asyncio.sleep(max(0.0, min(POLL_S, place.settle_until - time.time())))
                continue
            event = local.wakeups.setdefault(place.conversation_id, asyncio.Event())
            event.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), POLL_S)
            if time.monotonic() - waited_since > 60:
                waited_since = time.monotonic()
                log.warning("turn waiting > 60 s for its conversation conv=%s",
                            conversation_hash(place.conversation_id))

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
        self.red.delete(*self._keys(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        raise LockError("OrderedRedisLockStore keeps no TicketLock objects")


@contextlib.contextmanager
def reserve_turn(app: Any, conversation_id: str,
                 arrived: float | None = None) -> Iterator[Place | None]:
    """In a channel's request handler: reserve the conversation's next place for the turn this
    request starts (None when the lock store is not ours or Redis is down: the turn then queues
    itself, or answers in degraded mode)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "lock_store", None)
    if not isinstance(store, OrderedRedisLockStore):
        yield None
        return
    try:
        manager = store.reserve(conversation_id, arrived)
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
