"""Slot names of the symptom interview, and the interview state read from a tracker."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.core.triage.interview import InterviewState

COMPLAINT = "triage_complaint"
ANSWER = "triage_answer"
ANSWERS = "triage_answers"
ASKED = "triage_asked"
QUESTION = "triage_question"
AGE = "triage_age"
STOPPED = "triage_stopped"
DISPOSITION = "triage_disposition"
CRISIS = "triage_crisis"
TRIAGE_FORM = "triage_form"

# Cleared when an assessment ends, so the next symptom check starts fresh.
INTERVIEW_SLOTS = (COMPLAINT, ANSWER, ANSWERS, ASKED, QUESTION, AGE, STOPPED)


def state_from_tracker(tracker: Tracker) -> InterviewState:
    return InterviewState.from_slots(
        complaint=tracker.get_slot(COMPLAINT) or "",
        age=tracker.get_slot(AGE),
        answers=tracker.get_slot(ANSWERS),
        asked=tracker.get_slot(ASKED),
    )
