"""The patient-facing pre-screening message (pure).

Order matters: for an emergency the very first words are the instruction to call 911, and for a
crisis the 988 line comes first. Then: the disposition in plain words, why, what to do now, when to
get help sooner, and the not-a-clinician line (always added by our code, never by the model).
"""

from __future__ import annotations

from dataclasses import dataclass

EMERGENCY_FIRST = "Call 911 now, or go to the nearest emergency department."
CRISIS_FIRST = (
    "Please reach out for support right now: call or text 988 (Suicide & Crisis Lifeline) — "
    "it's free and open 24/7. If you or someone else is in immediate danger, call 911."
)
NOT_A_CLINICIAN = "I'm an automated assistant, not a clinician, and this is not a diagnosis."

PLAIN_DISPOSITION = {
    "emergency": "This needs emergency care now.",
    "urgent": "This should be seen by a clinician within 24 hours.",
    "routine": "This should be checked at a regular appointment.",
    "self_care": "This can usually be looked after at home.",
}
WHAT_NOW = {
    "emergency": "Don't drive yourself. If you can, unlock the door and keep your phone with you.",
    "urgent": "Please contact the clinic today for a same-day appointment or a call back from a "
              "nurse.",
    "routine": "Please book a visit with the clinic.",
    "self_care": "",
}
DEFAULT_SOONER = (
    "Call 911 if you get chest pain, trouble breathing, weakness on one side, confusion, a "
    "seizure, or you can't be woken."
)


@dataclass(frozen=True)
class PatientMessage:
    """``first`` is sent at once (never waits for the LLM); ``details`` follow."""

    first: str
    details: list[str]

    @property
    def all(self) -> list[str]:
        return [self.first, *self.details]


def urgent_first_line(disposition: str, crisis: bool) -> str | None:
    """The line that must go out before anything else, if any."""
    if crisis:
        return CRISIS_FIRST
    if disposition == "emergency":
        return EMERGENCY_FIRST
    return None


def compose(
    disposition: str,
    crisis: bool,
    reasons: list[str],
    explanation: str | None,
    advice: str | None,
    return_precautions: list[str],
) -> PatientMessage:
    """Build the message. ``explanation`` is the guarded LLM (or templated) sentence."""
    why = " ".join(dict.fromkeys(r.strip() for r in reasons if r and r.strip()))
    body = [PLAIN_DISPOSITION[disposition]]
    if why:
        body.append(f"Why: {why}")
    if explanation and explanation.strip() and explanation.strip() not in why:
        body.append(explanation.strip())
    now = WHAT_NOW[disposition]
    if advice and advice.strip():
        # Self-care: the advice is the plan. Otherwise it follows the level's own instruction
        # (e.g. "contact the clinic today" + what a pregnant patient who is bleeding should do).
        now = advice.strip() if disposition == "self_care" else f"{now} {advice.strip()}".strip()
    if now:
        body.append(f"What to do now: {now}")
    sooner = " ".join(dict.fromkeys(p.strip() for p in return_precautions if p.strip()))
    if not sooner and not crisis:
        sooner = DEFAULT_SOONER
    if sooner and disposition != "emergency":
        # Rule texts are written as sentences ("Get help if…", "Call 911 if…"): keep them whole.
        starts_as_sentence = sooner.lower().startswith(("get help", "call", "go to", "seek"))
        body.append(sooner if starts_as_sentence else f"Get help sooner if: {sooner}")
    body.append(NOT_A_CLINICIAN)
    first = urgent_first_line(disposition, crisis)
    if first is None:
        return PatientMessage(first=body[0], details=body[1:])
    if crisis and disposition == "emergency":
        body.insert(0, EMERGENCY_FIRST)
    return PatientMessage(first=first, details=body)
