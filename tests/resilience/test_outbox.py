"""The outbox between the Rasa process (writer) and the action server (reader): emergencies the
Rasa process answered alone reach the staff queue at top priority, and nothing else is kept."""

from __future__ import annotations

import contextlib
import json
import stat
from pathlib import Path

import redis

from actions.core.escalation.model import PRIORITY_TOP
from actions.escalation.outbox import drain_once
from actions.escalation.store import EscalationQueue
from bot import safety_fallback, safety_outbox


def test_an_outbox_entry_is_private_and_holds_no_message_text(tmp_path: Path) -> None:
    directory = tmp_path / "outbox"
    path = safety_outbox.record(directory, "tw123", "emergency", "twilio_sms")
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())) == {"conversation_id", "kind", "channel", "at"}


def test_drained_entries_are_queued_at_top_priority_and_removed(
        tmp_path: Path, queue: EscalationQueue) -> None:
    directory = tmp_path / "outbox"
    safety_outbox.record(directory, "conv-a", "emergency", "twilio_sms", now=100.0)
    safety_outbox.record(directory, "conv-b", "crisis", "webchat", now=101.0)
    assert drain_once(queue, directory) == 2
    a, b = queue.get("conv-a"), queue.get("conv-b")
    assert a is not None and b is not None
    assert a.priority == PRIORITY_TOP and b.priority == PRIORITY_TOP
    assert (a.summary.reason.value, a.summary.channel) == ("emergency", "sms")
    assert (b.summary.reason.value, b.summary.channel) == ("crisis", "webchat")
    assert list(safety_outbox.pending(directory)) == []
    assert drain_once(queue, directory) == 0


def test_an_entry_stays_in_the_outbox_while_the_queue_cannot_take_it(tmp_path: Path) -> None:
    directory = tmp_path / "outbox"
    safety_outbox.record(directory, "conv-c", "crisis", "rest")
    down = EscalationQueue.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with contextlib.suppress(redis.RedisError):  # the drainer's loop logs it, tries later
        drain_once(down, directory)
    assert [p.conversation_id for p in safety_outbox.pending(directory)] == ["conv-c"]


def test_the_local_patterns_name_what_they_saw() -> None:
    assert safety_fallback.kinds("crushing chest pain") == ["emergency"]
    assert safety_fallback.kinds("I want to kill myself") == ["crisis"]
    assert safety_fallback.kinds("I want to die, I have the pills") == ["emergency", "crisis"]
    assert safety_fallback.kinds("what are your opening hours") == []
