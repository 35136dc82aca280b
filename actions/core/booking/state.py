"""The appointment conversation's state: plain data, stored in one Rasa slot between turns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Tasks
BOOK = "book"
RESCHEDULE = "reschedule"
CANCEL = "cancel"
LIST = "list"
TASKS = (BOOK, RESCHEDULE, CANCEL, LIST)

# Steps (the question the patient is answering)
ASK_TASK = "task"
ASK_VISIT_TYPE = "visit_type"
ASK_REASON = "reason"
ASK_WHEN = "when"
ASK_SLOT = "slot"
ASK_NAME = "name"
ASK_DOB = "dob"
ASK_CODE = "code"
ASK_CONFIRM = "confirm"

# Outcomes (the form ends when one is set)
BOOKED = "booked"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"
LISTED = "listed"
HANDOFF = "handoff"      # three failures at one step, no slots at all, or asked: a person
STOPPED = "stopped"      # the patient said stop
EMERGENCY = "emergency"  # a red flag appeared mid-booking: the 911 message replaces booking
LOOKUP_LOCKED = "lookup_locked"  # too many details that did not match: a person, not a lookup

MAX_FAILURES = 3
OFFER_PERSON_AFTER = 2    # the second failure at one question also offers a person


@dataclass
class BookingState:
    task: str | None = None
    step: str | None = None
    visit_type: str | None = None
    reason: str | None = None
    same_day: bool = False
    window_start: str | None = None   # ISO, aware
    window_end: str | None = None
    window_label: str | None = None
    offered: list[str] = field(default_factory=list)   # slot ids shown as options 1..n
    seen: list[str] = field(default_factory=list)      # slot ids already offered ("other times")
    chosen: str | None = None
    name: str | None = None
    dob: str | None = None            # ISO date
    code: str | None = None
    failures: int = 0                 # at the current step
    outcome: str | None = None
    appointment_code: str | None = None
    # The asker proved who they are for ``code`` (or, listing, for ``name`` + ``dob``):
    # actions/core/booking/verification.py.
    verified: bool = False
    # Who the visit is for and what they asked for (actions/core/booking/understand.py).
    who: str | None = None            # self | child | other; None = not said (taken as self)
    age: int | None = None            # years, when said before the date of birth
    patient_first: str | None = None  # "Leo" from "it's for my son Leo"
    clinician: str | None = None      # provider id the patient asked for
    site: str | None = None           # location id the patient asked for
    part: str | None = None           # part of the day wanted (answers.PARTS)
    changes: list[str] = field(default_factory=list)  # corrections, named in the summary

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, value: Any) -> BookingState | None:
        if not isinstance(value, dict):
            return None
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def move_to(self, step: str) -> None:
        """Go to another question; failures count per question."""
        if step != self.step:
            self.failures = 0
        self.step = step
