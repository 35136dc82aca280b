"""Every slot (and form) name the actions read or set, in one place.

The slots themselves are declared in ``bot/domain.yml``; tests/unit/test_slots.py checks that
each name here is declared there, and that no action spells a slot name as a string literal in
``tracker.get_slot(...)`` or ``SlotSet(...)``.
"""

from __future__ import annotations

# Rasa's own: the slot a form is asking for right now.
REQUESTED_SLOT = "requested_slot"

# Greeting: the "not a clinician" notice has been shown (kept across sessions).
CONSENT_SHOWN = "consent_shown"

# Symptom interview state (cleared when an assessment ends: actions.triage.state).
TRIAGE_COMPLAINT = "triage_complaint"
TRIAGE_ANSWER = "triage_answer"
TRIAGE_ANSWERS = "triage_answers"
TRIAGE_ASKED = "triage_asked"
TRIAGE_QUESTION = "triage_question"
TRIAGE_AGE = "triage_age"
TRIAGE_STOPPED = "triage_stopped"

# Result of the last assessment, and the summary staff see if the conversation is escalated.
TRIAGE_DISPOSITION = "triage_disposition"
TRIAGE_CRISIS = "triage_crisis"
TRIAGE_SUMMARY = "triage_summary"

# Appointment conversation: the state machine's data, the answer slot the form keeps asking for,
# and the last outcome.
APPT_STATE = "appt_state"
APPT_ANSWER = "appt_answer"
APPT_OUTCOME = "appt_outcome"

# Why the patient may want a person next (recorded as the escalation reason if they ask).
HANDOFF_REASON = "handoff_reason"

# Forms (the ``active_loop`` name while one runs); names ending in _FORM are forms, not slots.
TRIAGE_FORM = "triage_form"
APPOINTMENT_FORM = "appointment_form"
