"""The Redis escalation queue against a real redis-server."""

from __future__ import annotations

import json
import threading
import time

import pytest
import redis

from actions.core.escalation.model import Reason, Summary
from actions.escalation.store import (
    CLOSED_TTL_S,
    EVENTS_CHANNEL,
    EntryNotFound,
    EscalationQueue,
)


def test_one_entry_per_conversation(queue: EscalationQueue) -> None:
    first, created = queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST), now=100.0)
    again, created_again = queue.enqueue("c1", Summary(Reason.FAQ_UNANSWERED), now=200.0)
    assert created and not created_again
    assert again == first                                # same or lower priority: untouched
    assert [e.conversation_id for e in queue.open_entries()] == ["c1"]
    assert queue.get("c1").summary.reason is Reason.PATIENT_REQUEST


def test_priority_upgrade_keeps_place_and_facts(queue: EscalationQueue) -> None:
    queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST, chief_complaint="cough"), now=100.0)
    entry, created = queue.enqueue(
        "c1", Summary(Reason.EMERGENCY, red_flags=["blue lips"], disposition="emergency"),
        now=150.0)
    assert not created
    assert entry.priority == 0 and entry.enqueued_at == 100.0 and entry.updated_at == 150.0
    assert entry.summary.reason is Reason.EMERGENCY
    assert entry.summary.chief_complaint == "cough"
    assert queue.get("c1") == entry
    # A later, less urgent escalation never downgrades it.
    queue.enqueue("c1", Summary(Reason.REPEATED_FALLBACK), now=160.0)
    assert queue.get("c1").priority == 0


def test_ordering_and_position(queue: EscalationQueue) -> None:
    queue.enqueue("normal-early", Summary(Reason.PATIENT_REQUEST), now=10.0)
    queue.enqueue("normal-late", Summary(Reason.SCHEDULING_DEAD_END), now=20.0)
    queue.enqueue("urgent", Summary(Reason.URGENT_CALLBACK), now=30.0)
    queue.enqueue("crisis", Summary(Reason.CRISIS), now=40.0)
    assert [e.conversation_id for e in queue.waiting()] == [
        "crisis", "urgent", "normal-early", "normal-late"]
    assert queue.position("normal-early") == 3
    assert queue.claim("crisis", "ann")
    # Claimed entries stay open (listed) but leave the waiting line.
    assert [e.conversation_id for e in queue.open_entries()] == [
        "crisis", "urgent", "normal-early", "normal-late"]
    assert queue.position("normal-early") == 2
    assert queue.position("crisis") is None
    assert queue.position("nobody") is None


def test_claim_is_exclusive_and_idempotent(queue: EscalationQueue) -> None:
    queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    assert queue.claim("c1", "ann") is True
    assert queue.claim("c1", "ann") is True       # already hers
    assert queue.claim("c1", "bob") is False
    assert queue.is_owned("c1") == "ann"
    with pytest.raises(EntryNotFound):
        queue.claim("missing", "ann")


def test_two_agents_claiming_at_the_same_instant_exactly_one_wins(
        redis_url: str, queue: EscalationQueue) -> None:
    # Each agent has its own connection, like two console processes.
    stores = [EscalationQueue.from_url(redis_url) for _ in range(2)]
    for round_no in range(50):
        cid = f"race-{round_no}"
        queue.enqueue(cid, Summary(Reason.PATIENT_REQUEST))
        barrier = threading.Barrier(2)
        results: dict[str, bool] = {}

        def attempt(store: EscalationQueue, agent: str, cid: str = cid,
                    barrier: threading.Barrier = barrier,
                    results: dict[str, bool] = results) -> None:
            barrier.wait()
            results[agent] = store.claim(cid, agent)

        threads = [threading.Thread(target=attempt, args=(s, a))
                   for s, a in zip(stores, ("ann", "bob"), strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(results.values()) == [False, True], (round_no, results)
        winner = next(a for a, won in results.items() if won)
        assert queue.is_owned(cid) == winner
    for s in stores:
        s.redis.close()


def test_hand_back_and_resolve_close_the_entry(queue: EscalationQueue,
                                               rclient: redis.Redis) -> None:
    queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    queue.enqueue("c2", Summary(Reason.PATIENT_REQUEST))
    queue.claim("c1", "ann")
    queue.claim("c2", "bob")
    queue.hand_back("c1", "ann")
    queue.resolve("c2", "bob")
    assert queue.get("c1").status == "handed_back"
    assert queue.get("c2").status == "resolved" and queue.get("c2").owner == "bob"
    assert queue.open_entries() == []
    assert queue.is_owned("c1") is None
    # Closed entries expire after some days.
    assert 0 < rclient.ttl("escalation:entry:c1") <= CLOSED_TTL_S
    with pytest.raises(EntryNotFound):
        queue.resolve("c1", "ann")
    # The same patient escalating again gets a fresh entry (and it no longer expires).
    entry, created = queue.enqueue("c1", Summary(Reason.CRISIS))
    assert created and entry.status == "waiting" and entry.owner is None
    assert rclient.ttl("escalation:entry:c1") == -1


def test_reassign_and_release(queue: EscalationQueue) -> None:
    queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST), now=5.0)
    queue.reassign("c1", "bob", by="sue")                # straight from waiting
    assert queue.is_owned("c1") == "bob"
    queue.reassign("c1", "ann", by="sue")
    assert queue.is_owned("c1") == "ann"
    assert queue.release("c1", "bob") is False          # only the owner's claim is undone
    assert queue.release("c1", "ann") is True
    entry = queue.get("c1")
    assert entry.status == "waiting" and entry.owner is None and entry.enqueued_at == 5.0
    with pytest.raises(EntryNotFound):
        queue.reassign("missing", "ann", by="sue")


def test_notes(queue: EscalationQueue, rclient: redis.Redis) -> None:
    with pytest.raises(EntryNotFound):
        queue.add_note("c1", "ann", "nothing to attach to")
    queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    queue.add_note("c1", "ann", "  called back, no answer ")
    queue.add_note("c1", "sue", "try again at 3pm")
    notes = queue.notes("c1")
    assert [(n["agent"], n["text"]) for n in notes] == [
        ("ann", "called back, no answer"), ("sue", "try again at 3pm")]
    assert all(isinstance(n["at"], float) for n in notes)
    for bad in ("", "   ", "x" * 1001):
        with pytest.raises(ValueError):
            queue.add_note("c1", "ann", bad)
    queue.resolve("c1", "ann")
    assert 0 < rclient.ttl("escalation:notes:c1") <= CLOSED_TTL_S


def test_version_and_change_notifications(queue: EscalationQueue, rclient: redis.Redis) -> None:
    pubsub = rclient.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(EVENTS_CHANNEL)
    time.sleep(0.05)
    v0 = queue.version()
    queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))
    queue.enqueue("c1", Summary(Reason.PATIENT_REQUEST))   # no change: no new version
    queue.claim("c1", "ann")
    queue.resolve("c1", "ann")
    assert queue.version() == v0 + 3
    seen = []
    deadline = time.monotonic() + 2
    while len(seen) < 3 and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.2)
        if message:
            seen.append(json.loads(message["data"]))
    pubsub.close()
    assert [m["type"] for m in seen] == ["enqueued", "claimed", "resolved"]
    assert {m["conversation_id"] for m in seen} == {"c1"}


def test_stats_and_history(queue: EscalationQueue) -> None:
    now = time.time()
    queue.enqueue("a", Summary(Reason.EMERGENCY), now=now - 300)
    queue.enqueue("b", Summary(Reason.PATIENT_REQUEST), now=now - 100)
    queue.enqueue("c", Summary(Reason.PATIENT_REQUEST), now=now - 50)
    queue.claim("c", "ann")
    queue.enqueue("d", Summary(Reason.PATIENT_REQUEST), now=now - 20)
    queue.resolve("d", "ann")
    queue.touch_agent("ann", now)
    queue.touch_agent("gone", now - 3600)
    stats = queue.stats(now)
    assert stats["waiting"] == 2 and stats["claimed"] == 1
    assert stats["longest_wait_s"] == pytest.approx(300, abs=1)
    assert stats["average_wait_s"] == pytest.approx(200, abs=1)
    assert stats["by_priority"] == {"0": 1, "1": 0, "2": 1}
    assert stats["closed_24h"] == 1
    assert stats["agents_online"] == 1 and queue.agents_online(now) == ["ann"]
    assert stats["history"], "a sample for the chart"
    last = stats["history"][-1]
    assert last["t"] <= now < last["t"] + 60
    assert last["waiting"] >= 2 and last["longest_wait_s"] == pytest.approx(300, abs=1)
    json.dumps(stats)  # the console sends it as is


def test_ids_are_validated(queue: EscalationQueue) -> None:
    with pytest.raises(ValueError):
        queue.enqueue("", Summary(Reason.PATIENT_REQUEST))
    with pytest.raises(ValueError):
        queue.enqueue("x" * 300, Summary(Reason.PATIENT_REQUEST))
