"""Texts and quick replies for the greeting and the capability menu.

The greeting lives here (not in domain responses) because action_greet chooses between a first and
a returning welcome; both must carry the not-a-clinician notice and the 911 line.
"""

from __future__ import annotations

MENU_BUTTONS: list[dict[str, str]] = [
    {"title": "Questions about the clinic", "payload": "/ask_clinic_info"},
    {"title": "Appointments", "payload": "/manage_appointment"},
    {"title": "Check my symptoms", "payload": "/report_symptoms"},
]

NOT_A_CLINICIAN = (
    "I'm the clinic's automated assistant — I'm not a clinician and can't give medical advice."
)
EMERGENCY_LINE = "If this is an emergency, call 911 now."

GREETING_FIRST = f"Hello! {NOT_A_CLINICIAN} {EMERGENCY_LINE} How can I help you today?"
GREETING_RETURNING = (
    "Welcome back! A reminder: I'm an automated assistant, not a clinician. "
    f"{EMERGENCY_LINE} What can I help with?"
)


def greeting(returning: bool) -> str:
    """The welcome text; both variants keep the notice and the emergency line."""
    return GREETING_RETURNING if returning else GREETING_FIRST

GOODBYE = ("Goodbye, and take care. If anything gets worse or you feel it's an emergency, "
           "call 911.")
DIDNT_UNDERSTAND = (
    "Sorry, I didn't quite understand that. Could you say it another way, or choose one of these?"
)
OUT_OF_SCOPE = (
    "Sorry, I can't help with that. I can answer questions about the clinic, help with "
    "appointments, or check symptoms."
)
