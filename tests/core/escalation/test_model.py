"""The pure escalation model: priorities, summary storage, ordering, wait estimates, stats."""

from __future__ import annotations

import pytest

from actions.core.escalation.model import (
    MAX_FIELD_CHARS,
    Entry,
    Reason,
    Summary,
    eta_text,
    ordered,
    priority,
    queue_stats,
)


@pytest.mark.parametrize(("reason", "disposition", "expected"), [
    (Reason.EMERGENCY, None, 0),
    (Reason.CRISIS, None, 0),
    (Reason.PATIENT_REQUEST, "emergency", 0),   # the disposition raises a plain request
    (Reason.FAQ_UNANSWERED, "EMERGENCY", 0),
    (Reason.URGENT_CALLBACK, None, 1),
    (Reason.URGENT_CALLBACK, "routine", 1),     # ... but never lowers the reason
    (Reason.REPEATED_FALLBACK, "urgent", 1),
    (Reason.PATIENT_REQUEST, None, 2),
    (Reason.FAQ_UNANSWERED, "routine", 2),
    (Reason.SCHEDULING_DEAD_END, "self_care", 2),
])
def test_priority(reason: Reason, disposition: str | None, expected: int) -> None:
    assert priority(reason, disposition) == expected


def test_priority_accepts_the_string_value() -> None:
    assert priority("crisis", None) == 0  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        priority("made_up", None)  # type: ignore[arg-type]


def test_summary_round_trips_and_clips() -> None:
    s = Summary(Reason.EMERGENCY, chief_complaint="  chest pain  ", onset="1 hour ago",
                severity="8/10", red_flags=["chest pain", " ", "x" * 900],
                disposition="emergency", channel="sms", language="es")
    assert s.chief_complaint == "chest pain"
    assert s.red_flags == ["chest pain", "x" * MAX_FIELD_CHARS]   # blanks dropped, long clipped
    again = Summary.from_dict({**s.to_dict(), "future_field": 1})
    assert again == s
    assert Summary.from_dict({"reason": "crisis"}) == Summary(Reason.CRISIS)


def test_merged_summary_keeps_older_facts_and_accumulates_flags() -> None:
    old = Summary(Reason.PATIENT_REQUEST, chief_complaint="headache", onset="today",
                  red_flags=["worst headache"], channel="whatsapp")
    new = Summary(Reason.EMERGENCY, red_flags=["stiff neck", "worst headache"],
                  disposition="emergency", channel="whatsapp")
    merged = new.merged_into(old)
    assert merged.reason is Reason.EMERGENCY
    assert merged.chief_complaint == "headache" and merged.onset == "today"
    assert merged.red_flags == ["worst headache", "stiff neck"]
    assert merged.disposition == "emergency"


def _entry(cid: str, prio: int, at: float, status: str = "waiting") -> Entry:
    return Entry(cid, Summary(Reason.PATIENT_REQUEST), prio, at, status, None, at)


def test_order_is_priority_then_waiting_time() -> None:
    entries = [_entry("late-normal", 2, 30), _entry("early-normal", 2, 10),
               _entry("late-top", 0, 50), _entry("urgent", 1, 5), _entry("early-top", 0, 40)]
    assert [e.conversation_id for e in ordered(entries)] == [
        "early-top", "late-top", "urgent", "early-normal", "late-normal"]


def test_entry_round_trip_and_waiting_seconds() -> None:
    e = _entry("c1", 1, 100.0)
    assert Entry.from_dict(e.to_dict()) == e
    assert e.waiting_seconds(160.0) == 60.0
    closed = Entry("c1", e.summary, 1, 100.0, "resolved", "ann", 130.0, claimed_at=110.0)
    assert closed.waiting_seconds(9999.0) == 30.0          # frozen at closing time
    assert Entry.from_dict(closed.to_dict()).claimed_at == 110.0
    with pytest.raises(ValueError):
        _entry("c2", 2, 0, status="lost")


@pytest.mark.parametrize(("position", "agents", "expected"), [
    (1, 1, "about 5 minutes"),
    (1, 3, "about 5 minutes"),
    (2, 1, "about 10 minutes"),
    (4, 2, "about 10 minutes"),
    (5, 2, "about 15 minutes"),
    (7, 1, "more than 30 minutes"),
])
def test_eta_text(position: int, agents: int, expected: str) -> None:
    assert eta_text(position, agents) == expected


def test_eta_text_without_staff_and_bad_position() -> None:
    assert "no one from the team is online" in eta_text(1, 0)
    with pytest.raises(ValueError):
        eta_text(0, 1)


def test_queue_stats_counts_only_open_and_measures_waiting() -> None:
    entries = [_entry("a", 0, 100), _entry("b", 2, 40), _entry("c", 2, 10, status="claimed"),
               _entry("d", 1, 0, status="resolved")]
    stats = queue_stats(entries, now=160)
    assert stats["waiting"] == 2 and stats["claimed"] == 1 and stats["open"] == 3
    assert stats["longest_wait_s"] == 120.0 and stats["average_wait_s"] == 90.0
    assert stats["by_priority"] == {"0": 1, "1": 0, "2": 1}
    assert queue_stats([], now=1)["longest_wait_s"] == 0.0
