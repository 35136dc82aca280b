"""The escalation queue model: why a conversation goes to staff, how urgent it is, what staff see.

Pure (stdlib only) so the action server, the staff console and the tests share one definition of
priority and ordering; the Redis adapter (``actions.escalation.store``) only stores these objects.

Ordering rule: lower priority number first (0 = emergency/crisis), then who has waited longest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from actions.core.triage.disposition import Disposition, is_emergency

WAITING = "waiting"
CLAIMED = "claimed"
RESOLVED = "resolved"
HANDED_BACK = "handed_back"
OPEN_STATUSES = frozenset({WAITING, CLAIMED})
CLOSED_STATUSES = frozenset({RESOLVED, HANDED_BACK})
STATUSES = OPEN_STATUSES | CLOSED_STATUSES

PRIORITY_TOP = 0
PRIORITY_URGENT = 1
PRIORITY_NORMAL = 2

# Free-text fields arrive from the dialogue (patient words); cap them so one entry can never
# bloat the queue snapshot every console receives.
MAX_FIELD_CHARS = 500
MAX_RED_FLAGS = 20

# Rough minutes one staff member needs per conversation; only used for the patient's estimate.
MINUTES_PER_CONVERSATION = 5
ETA_CAP_MINUTES = 30


class Reason(str, Enum):
    """Why the assistant handed the conversation to a person."""

    EMERGENCY = "emergency"
    CRISIS = "crisis"
    PATIENT_REQUEST = "patient_request"
    URGENT_CALLBACK = "urgent_callback"
    FAQ_UNANSWERED = "faq_unanswered"
    REPEATED_FALLBACK = "repeated_fallback"
    SCHEDULING_DEAD_END = "scheduling_dead_end"


REASON_LABELS: dict[Reason, str] = {
    Reason.EMERGENCY: "Emergency",
    Reason.CRISIS: "Crisis (self-harm risk)",
    Reason.PATIENT_REQUEST: "Asked for a person",
    Reason.URGENT_CALLBACK: "Urgent callback",
    Reason.FAQ_UNANSWERED: "Question not answered",
    Reason.REPEATED_FALLBACK: "Assistant did not understand",
    Reason.SCHEDULING_DEAD_END: "Scheduling problem",
}

PRIORITY_LABELS: dict[int, str] = {
    PRIORITY_TOP: "Top priority",
    PRIORITY_URGENT: "Urgent",
    PRIORITY_NORMAL: "Normal",
}


def priority(reason: Reason, disposition: str | None) -> int:
    """0 for emergency/crisis (by reason or by the triage disposition), 1 urgent, 2 the rest.

    The disposition can only raise the priority: a patient who asked for a person after an
    emergency pre-screening is still an emergency.
    """
    reason = Reason(reason)
    disp = (disposition or "").strip().lower()
    if reason in (Reason.EMERGENCY, Reason.CRISIS) or is_emergency(disp) or disp == "crisis":
        return PRIORITY_TOP
    if reason is Reason.URGENT_CALLBACK or disp == Disposition.URGENT:
        return PRIORITY_URGENT
    return PRIORITY_NORMAL


def _clip(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:MAX_FIELD_CHARS] or None


@dataclass
class Summary:
    """What staff see before opening the transcript."""

    reason: Reason
    chief_complaint: str | None = None
    onset: str | None = None
    severity: str | None = None
    red_flags: list[str] = field(default_factory=list)
    disposition: str | None = None
    channel: str = "webchat"
    language: str = "en"

    def __post_init__(self) -> None:
        self.reason = Reason(self.reason)
        self.chief_complaint = _clip(self.chief_complaint)
        self.onset = _clip(self.onset)
        self.severity = _clip(self.severity)
        self.disposition = _clip(self.disposition)
        self.red_flags = [c for c in (_clip(f) for f in self.red_flags or []) if c][:MAX_RED_FLAGS]
        self.channel = _clip(self.channel) or "webchat"
        self.language = _clip(self.language) or "en"

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason.value,
            "chief_complaint": self.chief_complaint,
            "onset": self.onset,
            "severity": self.severity,
            "red_flags": list(self.red_flags),
            "disposition": self.disposition,
            "channel": self.channel,
            "language": self.language,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        """Inverse of ``to_dict``; unknown keys are ignored (forward compatible storage)."""
        return cls(
            reason=Reason(data["reason"]),
            chief_complaint=data.get("chief_complaint"),
            onset=data.get("onset"),
            severity=data.get("severity"),
            red_flags=list(data.get("red_flags") or []),
            disposition=data.get("disposition"),
            channel=data.get("channel") or "webchat",
            language=data.get("language") or "en",
        )

    def merged_into(self, older: Summary) -> Summary:
        """This (newer, more urgent) summary, keeping facts only the older one had.

        Why: an entry upgraded from "asked for a person" to "emergency" must not lose the chief
        complaint collected earlier, and red flags only accumulate.
        """
        flags = list(dict.fromkeys([*older.red_flags, *self.red_flags]))
        return Summary(
            reason=self.reason,
            chief_complaint=self.chief_complaint or older.chief_complaint,
            onset=self.onset or older.onset,
            severity=self.severity or older.severity,
            red_flags=flags,
            disposition=self.disposition or older.disposition,
            channel=self.channel,
            language=self.language,
        )


@dataclass
class Entry:
    """One conversation waiting for, or being handled by, staff."""

    conversation_id: str
    summary: Summary
    priority: int
    enqueued_at: float
    status: str
    owner: str | None
    updated_at: float
    claimed_at: float | None = None  # first claim; lets stats report time-to-pick-up

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def waiting_seconds(self, now: float) -> float:
        """Time since the patient was queued; frozen when the entry closes."""
        end = now if self.is_open else self.updated_at
        return max(0.0, end - self.enqueued_at)

    def sort_key(self) -> tuple[int, float, str]:
        return (self.priority, self.enqueued_at, self.conversation_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "summary": self.summary.to_dict(),
            "priority": self.priority,
            "enqueued_at": self.enqueued_at,
            "status": self.status,
            "owner": self.owner,
            "updated_at": self.updated_at,
            "claimed_at": self.claimed_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            conversation_id=str(data["conversation_id"]),
            summary=Summary.from_dict(data["summary"]),
            priority=int(data["priority"]),
            enqueued_at=float(data["enqueued_at"]),
            status=str(data["status"]),
            owner=data.get("owner"),
            updated_at=float(data["updated_at"]),
            claimed_at=None if data.get("claimed_at") is None else float(data["claimed_at"]),
        )


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Queue order: priority, then longest waiting first (id breaks exact ties stably)."""
    return sorted(entries, key=Entry.sort_key)


def eta_text(position: int, agents_online: int) -> str:
    """A rough, honest wait estimate for the patient, e.g. "about 5 minutes".

    Staff work through the queue in parallel, so the patient waits for ceil(position / agents)
    rounds of about MINUTES_PER_CONVERSATION each. Phrased to follow "It may take ...".
    """
    if position < 1:
        raise ValueError("position is 1-based")
    if agents_online <= 0:
        return "a while, as no one from the team is online right now"
    rounds = math.ceil(position / agents_online)
    minutes = rounds * MINUTES_PER_CONVERSATION
    if minutes > ETA_CAP_MINUTES:
        return f"more than {ETA_CAP_MINUTES} minutes"
    return f"about {minutes} minutes"


def queue_stats(entries: Iterable[Entry], now: float) -> dict[str, Any]:
    """Counts and waiting times of the open entries (what the console's chart plots)."""
    items = [e for e in entries if e.is_open]
    waiting = [e for e in items if e.status == WAITING]
    waits = sorted(e.waiting_seconds(now) for e in waiting)
    return {
        "waiting": len(waiting),
        "claimed": len(items) - len(waiting),
        "open": len(items),
        "longest_wait_s": round(waits[-1], 1) if waits else 0.0,
        "average_wait_s": round(sum(waits) / len(waits), 1) if waits else 0.0,
        "by_priority": {
            str(p): sum(1 for e in waiting if e.priority == p)
            for p in (PRIORITY_TOP, PRIORITY_URGENT, PRIORITY_NORMAL)
        },
    }
