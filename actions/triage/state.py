"""The symptom interview's state, read from a tracker, and the slots that hold it."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.core.triage.interview import InterviewState
from actions.slots import (
    TRIAGE_AGE,
    TRIAGE_ANSWER,
    TRIAGE_ANSWERS,
    TRIAGE_ASKED,
    TRIAGE_COMPLAINT,
    TRIAGE_QUESTION,
    TRIAGE_STOPPED,
)

# Cleared when an assessment ends, so the next symptom check starts fresh.
INTERVIEW_SLOTS = (TRIAGE_COMPLAINT, TRIAGE_ANSWER, TRIAGE_ANSWERS, TRIAGE_ASKED, TRIAGE_QUESTION,
                   TRIAGE_AGE, TRIAGE_STOPPED)


def state_from_tracker(tracker: Tracker) -> InterviewState:
    return InterviewState.from_slots(
        complaint=tracker.get_slot(TRIAGE_COMPLAINT) or "",
        age=tracker.get_slot(TRIAGE_AGE),
        answers=tracker.get_slot(TRIAGE_ANSWERS),
        asked=tracker.get_slot(TRIAGE_ASKED),
    )
