"""Redis adapter for the escalation queue (sync redis-py; used by the action server and console).

Keys (all under ``escalation:``):
  entry:<conversation id>   JSON of one ``Entry`` (one per conversation; closed ones expire)
  open                      ZSET of open conversation ids (score = priority, then enqueue time)
  notes:<conversation id>   LIST of JSON staff notes (expire with the closed entry)
  closed                    ZSET conversation id -> closing time (last 24 h count for stats)
  history                   ZSET of per-minute samples for the console chart (last 24 h)
  agents                    ZSET agent -> last heartbeat (who is online, for the patient's ETA)
  version                   INCR on every queue change; consoles compare it to refresh
  events                    pub/sub channel, one JSON message per change

Every state change runs in WATCH/MULTI on the entry key, so two agents claiming one entry at
the same instant cannot both win: the second transaction fails, re-reads and sees the owner.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import redis

from actions.core.escalation.model import (
    CLAIMED,
    HANDED_BACK,
    RESOLVED,
    WAITING,
    Entry,
    Summary,
    ordered,
    priority,
    queue_stats,
)

PREFIX = "escalation:"
OPEN_KEY = PREFIX + "open"
CLOSED_KEY = PREFIX + "closed"
HISTORY_KEY = PREFIX + "history"
AGENTS_KEY = PREFIX + "agents"
VERSION_KEY = PREFIX + "version"
EVENTS_CHANNEL = PREFIX + "events"

# Closed entries and their notes stay a week for follow-up by default (QUEUE_RETENTION_DAYS).
CLOSED_TTL_S = 7 * 24 * 3600
HISTORY_KEEP_S = 24 * 3600
HISTORY_BUCKET_S = 60
AGENT_ONLINE_WINDOW_S = 90  # the console heartbeats every 15 s while its page is open
MAX_NOTE_CHARS = 1000
MAX_NOTES = 200
MAX_ID_CHARS = 256


class EntryNotFound(KeyError):
    """No (open) entry for this conversation."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)


def _score(entry: Entry) -> float:
    # Priority dominates (1e11 s is ~3000 years), then enqueue time: ZRANGE is queue order.
    return entry.priority * 1e11 + entry.enqueued_at


def _check_id(conversation_id: str) -> str:
    if not isinstance(conversation_id, str) or not conversation_id:
        raise ValueError("conversation_id must be a non-empty string")
    if len(conversation_id) > MAX_ID_CHARS:
        raise ValueError("conversation_id is too long")
    return conversation_id


@dataclass
class _Change:
    """What a mutation decided: the entry to write (None = write nothing) and what to return."""

    entry: Entry | None
    result: Any
    event: str = ""


class EscalationQueue:
    """The queue of conversations waiting for, or handled by, clinic staff."""

    def __init__(self, redis_client: redis.Redis, closed_ttl_s: int = CLOSED_TTL_S) -> None:
        self._r = redis_client
        self.closed_ttl_s = closed_ttl_s

    @classmethod
    def from_url(cls, url: str, closed_ttl_s: int = CLOSED_TTL_S) -> EscalationQueue:
        client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5,
            health_check_interval=30,
        )
        return cls(client, closed_ttl_s)

    @property
    def redis(self) -> redis.Redis:
        return self._r

    # ------------------------------------------------------------------ keys and decoding
    @staticmethod
    def _entry_key(conversation_id: str) -> str:
        return f"{PREFIX}entry:{conversation_id}"

    @staticmethod
    def _notes_key(conversation_id: str) -> str:
        return f"{PREFIX}notes:{conversation_id}"

    @staticmethod
    def _decode(raw: Any) -> Entry | None:
        text = _text(raw)
        return Entry.from_dict(json.loads(text)) if text else None

    # ------------------------------------------------------------------ the transaction core
    def _mutate(self, conversation_id: str, decide: Callable[[Entry | None], _Change]) -> Any:
        """Read the entry under WATCH, let ``decide`` choose, write atomically; retry on races."""
        key = self._entry_key(_check_id(conversation_id))
        with self._r.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    change = decide(self._decode(pipe.get(key)))
                    if change.entry is None:
                        pipe.unwatch()
                        return change.result
                    entry = change.entry
                    pipe.multi()
                    pipe.set(key, json.dumps(entry.to_dict()))
                    notes = self._notes_key(conversation_id)
                    if entry.is_open:
                        pipe.persist(key)
                        pipe.persist(notes)
                        pipe.zadd(OPEN_KEY, {conversation_id: _score(entry)})
                    else:
                        pipe.expire(key, self.closed_ttl_s)
                        pipe.expire(notes, self.closed_ttl_s)
                        pipe.zrem(OPEN_KEY, conversation_id)
                        pipe.zadd(CLOSED_KEY, {conversation_id: entry.updated_at})
                    pipe.incr(VERSION_KEY)
                    pipe.publish(EVENTS_CHANNEL, json.dumps(
                        {"type": change.event, "conversation_id": conversation_id}))
                    pipe.execute()
                    break
                except redis.WatchError:
                    continue
        self._sample(time.time())
        return change.result

    # ------------------------------------------------------------------ the public API
    def enqueue(
        self, conversation_id: str, summary: Summary, now: float | None = None
    ) -> tuple[Entry, bool]:
        """Queue a conversation, or upgrade its open entry if this is more urgent.

        One entry per conversation: an open one is only changed when the new priority is higher
        (lower number); it keeps its original enqueue time so the patient keeps their place.
        Returns (entry as stored, created).
        """
        ts = time.time() if now is None else now
        new_priority = priority(summary.reason, summary.disposition)

        def decide(current: Entry | None) -> _Change:
            if current is not None and current.is_open:
                if new_priority >= current.priority:
                    return _Change(None, (current, False))
                upgraded = replace(current, priority=new_priority,
                                   summary=summary.merged_into(current.summary), updated_at=ts)
                return _Change(upgraded, (upgraded, False), "upgraded")
            entry = Entry(conversation_id=conversation_id, summary=summary,
                          priority=new_priority, enqueued_at=ts, status=WAITING, owner=None,
                          updated_at=ts)
            return _Change(entry, (entry, True), "enqueued")

        return self._mutate(conversation_id, decide)

    def get(self, conversation_id: str) -> Entry | None:
        """The conversation's entry, open or recently closed."""
        return self._decode(self._r.get(self._entry_key(_check_id(conversation_id))))

    def open_entries(self) -> list[Entry]:
        """Waiting and claimed entries, in queue order."""
        ids = [i for i in map(_text, self._r.zrange(OPEN_KEY, 0, -1)) if i is not None]
        if not ids:
            return []
        raws = self._r.mget([self._entry_key(i) for i in ids])
        entries = [e for e in (self._decode(r) for r in raws) if e is not None and e.is_open]
        return ordered(entries)

    def waiting(self) -> list[Entry]:
        """Entries nobody has claimed yet, in queue order."""
        return [e for e in self.open_entries() if e.status == WAITING]

    def position(self, conversation_id: str) -> int | None:
        """1-based place among waiting entries; None when not waiting."""
        for index, entry in enumerate(self.waiting(), start=1):
            if entry.conversation_id == conversation_id:
                return index
        return None

    def claim(self, conversation_id: str, agent: str) -> bool:
        """Take ownership. True if ``agent`` owns it now (also when it already did); False when
        someone else owns it. Raises EntryNotFound when there is no open entry."""
        ts = time.time()

        def decide(current: Entry | None) -> _Change:
            if current is None or not current.is_open:
                raise EntryNotFound(conversation_id)
            if current.status == CLAIMED:
                return _Change(None, current.owner == agent)
            claimed = replace(current, status=CLAIMED, owner=agent, updated_at=ts,
                              claimed_at=current.claimed_at or ts)
            return _Change(claimed, True, "claimed")

        return self._mutate(conversation_id, decide)

    def release(self, conversation_id: str, agent: str) -> bool:
        """Undo ``agent``'s claim (back to waiting, same place): pausing the bot failed."""
        ts = time.time()

        def decide(current: Entry | None) -> _Change:
            if current is None or current.status != CLAIMED or current.owner != agent:
                return _Change(None, False)
            return _Change(replace(current, status=WAITING, owner=None, updated_at=ts), True,
                           "released")

        return self._mutate(conversation_id, decide)

    def reassign(self, conversation_id: str, to_agent: str, by: str) -> None:
        """Give an open entry to ``to_agent`` (a supervisor action; ``by`` goes to the audit)."""
        ts = time.time()

        def decide(current: Entry | None) -> _Change:
            if current is None or not current.is_open:
                raise EntryNotFound(conversation_id)
            return _Change(replace(current, status=CLAIMED, owner=to_agent, updated_at=ts,
                                   claimed_at=current.claimed_at or ts), None, "reassigned")

        self._mutate(conversation_id, decide)

    def _close(self, conversation_id: str, agent: str, status: str) -> None:
        ts = time.time()

        def decide(current: Entry | None) -> _Change:
            if current is None or not current.is_open:
                raise EntryNotFound(conversation_id)
            return _Change(replace(current, status=status, owner=current.owner or agent,
                                   updated_at=ts), None, status)

        self._mutate(conversation_id, decide)

    def hand_back(self, conversation_id: str, agent: str) -> None:
        """Close the entry: the assistant takes the conversation back."""
        self._close(conversation_id, agent, HANDED_BACK)

    def resolve(self, conversation_id: str, agent: str) -> None:
        """Close the entry: staff finished with the patient."""
        self._close(conversation_id, agent, RESOLVED)

    def is_owned(self, conversation_id: str) -> str | None:
        """The agent who owns the open entry, or None (waiting, closed or absent)."""
        entry = self.get(conversation_id)
        if entry is None or entry.status != CLAIMED:
            return None
        return entry.owner

    def add_note(self, conversation_id: str, agent: str, text: str) -> None:
        """An internal staff note (never shown to the patient)."""
        body = (text or "").strip()
        if not body:
            raise ValueError("note text is empty")
        if len(body) > MAX_NOTE_CHARS:
            raise ValueError(f"note text is longer than {MAX_NOTE_CHARS} characters")
        entry = self.get(conversation_id)
        if entry is None:
            raise EntryNotFound(conversation_id)
        key = self._notes_key(conversation_id)
        note = {"agent": agent, "text": body, "at": time.time()}
        with self._r.pipeline() as pipe:
            pipe.rpush(key, json.dumps(note))
            pipe.ltrim(key, -MAX_NOTES, -1)
            if not entry.is_open:
                pipe.expire(key, self.closed_ttl_s)
            pipe.execute()

    def notes(self, conversation_id: str) -> list[dict]:
        """All notes on the conversation, oldest first."""
        raws = self._r.lrange(self._notes_key(_check_id(conversation_id)), 0, -1)
        return [json.loads(_text(r) or "{}") for r in raws]

    def version(self) -> int:
        """Increases on every queue change (enqueue, upgrade, claim, reassign, close)."""
        return int(_text(self._r.get(VERSION_KEY)) or 0)

    # ------------------------------------------------------------------ presence and stats
    def touch_agent(self, agent: str, now: float | None = None) -> None:
        """Record that ``agent`` has the console open (heartbeat)."""
        self._r.zadd(AGENTS_KEY, {agent: time.time() if now is None else now})

    def drop_agent(self, agent: str) -> None:
        self._r.zrem(AGENTS_KEY, agent)

    def agents_online(self, now: float | None = None) -> list[str]:
        """Agents whose console sent a heartbeat recently (for the patient's wait estimate)."""
        ts = time.time() if now is None else now
        return sorted(_text(a) or "" for a in
                      self._r.zrangebyscore(AGENTS_KEY, ts - AGENT_ONLINE_WINDOW_S, "+inf"))

    def _sample(self, now: float) -> dict[str, Any]:
        """Record this minute's queue size and waits (peaks kept) for the chart."""
        current = queue_stats(self.open_entries(), now)
        bucket = int(now // HISTORY_BUCKET_S) * HISTORY_BUCKET_S
        sample = {"t": bucket, "waiting": current["waiting"],
                  "longest_wait_s": current["longest_wait_s"],
                  "average_wait_s": current["average_wait_s"]}
        for raw in self._r.zrangebyscore(HISTORY_KEY, bucket, bucket):
            old = json.loads(_text(raw) or "{}")
            sample["waiting"] = max(sample["waiting"], int(old.get("waiting", 0)))
            sample["longest_wait_s"] = max(sample["longest_wait_s"],
                                           float(old.get("longest_wait_s", 0)))
            if old == sample:
                return current
        with self._r.pipeline() as pipe:
            pipe.zremrangebyscore(HISTORY_KEY, bucket, bucket)
            pipe.zadd(HISTORY_KEY, {json.dumps(sample, sort_keys=True): bucket})
            pipe.zremrangebyscore(HISTORY_KEY, "-inf", now - HISTORY_KEEP_S)
            pipe.zremrangebyscore(CLOSED_KEY, "-inf", now - self.closed_ttl_s)
            pipe.execute()
        return current

    def stats(self, now: float | None = None, history_minutes: int = 120) -> dict:
        """Queue size and waiting times now, plus per-minute history for the chart."""
        ts = time.time() if now is None else now
        current = self._sample(ts)
        since = ts - history_minutes * 60
        history = sorted((json.loads(_text(r) or "{}") for r in
                          self._r.zrangebyscore(HISTORY_KEY, since, "+inf")),
                         key=lambda s: s["t"])
        return {
            **current,
            "closed_24h": int(self._r.zcount(CLOSED_KEY, ts - 24 * 3600, "+inf")),
            "agents_online": len(self.agents_online(ts)),
            "history": history,
            "now": ts,
        }
