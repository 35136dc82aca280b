"""The patient-facing pre-screening message (pure).

Order matters: for an emergency the very first words are the instruction to call 911, and for a
crisis the 988 line comes first. Then: the disposition in plain words, why, what to do now, when to
get help sooner, and the not-a-clinician line (always added by our code, never by the model).
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.core.triage.disposition import Disposition, is_emergency

EMERGENCY_FIRST = "Call 911 now, or go to the nearest emergency department."
CRISIS_FIRST = (
    "Please reach out for support right now: call or text 988 (Suicide & Crisis Lifeline) — "
    "it's free and open 24/7. If you or someone else is in immediate danger, call 911."
)
NOT_A_CLINICIAN = "I'm an automated assistant, not a clinician, and this is not a diagnosis."
# Bystander wording, when the emergency is about someone else (actions/core/triage/subject.py). The
# call-taker coaches hands-only CPR if the person is not breathing normally, so the instruction is
# to call, use the speaker and stay with them (AHA "Hands-Only CPR", American Red Cross "CPR Steps",
# NHS "First aid - CPR": sources aha_hands_only_cpr, redcross_cpr, nhs_cpr in sources.yml).
EMERGENCY_FIRST_OTHER = (
    "Call 911 now. Put the phone on speaker, follow the dispatcher's instructions and stay with "
    "them. If they are not breathing normally, the dispatcher will guide you through CPR."
)
# 988 also helps people worried about someone else (988 Lifeline, lifeline_warning_signs).
CRISIS_FIRST_OTHER = (
    "Please get support for them right now: call or text 988 (Suicide & Crisis Lifeline) — it's "
    "free and open 24/7, and they help people worried about someone. If they are in immediate "
    "danger or you can't reach them, call 911."
)
WHAT_NOW_OTHER_EMERGENCY = (
    "Stay with them and don't leave them alone. If you can, unlock the door and ask someone to "
    "watch for the ambulance."
)

# Keyed by member; looked up with the stored string too (a StrEnum member equals its value).
PLAIN_DISPOSITION: dict[str, str] = {
    Disposition.EMERGENCY: "This needs emergency care now.",
    Disposition.URGENT: "This should be seen by a clinician within 24 hours.",
    Disposition.ROUTINE: "This should be checked at a regular appointment.",
    Disposition.SELF_CARE: "This can usually be looked after at home.",
}
WHAT_NOW: dict[str, str] = {
    Disposition.EMERGENCY: "Don't drive yourself. If you can, unlock the door and keep your phone "
                           "with you.",
    Disposition.URGENT: "Please contact the clinic today for a same-day appointment or a call back "
                        "from a nurse.",
    Disposition.ROUTINE: "Please book a visit with the clinic.",
    Disposition.SELF_CARE: "",
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


def emergency_first_line_for_other() -> str:
    """The 911 line for a bystander: call, speaker on, follow the dispatcher, stay with them."""
    return EMERGENCY_FIRST_OTHER


def urgent_first_line(disposition: str, crisis: bool, *, about_other: bool = False) -> str | None:
    """The line that must go out before anything else, if any. ``about_other``: the message is
    about someone else (a partner, child, parent, friend), so the wording is for a bystander."""
    if crisis:
        return CRISIS_FIRST_OTHER if about_other else CRISIS_FIRST
    if is_emergency(disposition):
        return emergency_first_line_for_other() if about_other else EMERGENCY_FIRST
    return None


def compose(
    disposition: str,
    crisis: bool,
    reasons: list[str],
    explanation: str | None,
    advice: str | None,
    return_precautions: list[str],
    *,
    about_other: bool = False,
) -> PatientMessage:
    """Build the message. ``explanation`` is the guarded LLM (or templated) sentence.
    ``about_other``: the patient is someone else, so the 911 / 988 lines speak to a bystander."""
    why = " ".join(dict.fromkeys(r.strip() for r in reasons if r and r.strip()))
    body = [PLAIN_DISPOSITION[disposition]]
    if why:
        body.append(f"Why: {why}")
    if explanation and explanation.strip() and explanation.strip() not in why:
        body.append(explanation.strip())
    now = WHAT_NOW[disposition]
    if about_other and is_emergency(disposition):
        now = WHAT_NOW_OTHER_EMERGENCY
    if advice and advice.strip():
        # Self-care: the advice is the plan. Otherwise it follows the level's own instruction
        # (e.g. "contact the clinic today" + what a pregnant patient who is bleeding should do).
        now = (advice.strip() if disposition == Disposition.SELF_CARE
               else f"{now} {advice.strip()}".strip())
    if now:
        body.append(f"What to do now: {now}")
    sooner = " ".join(dict.fromkeys(p.strip() for p in return_precautions if p.strip()))
    if not sooner and not crisis:
        sooner = DEFAULT_SOONER
    if sooner and not is_emergency(disposition):
        # Rule texts are written as sentences ("Get help if…", "Call 911 if…"): keep them whole.
        starts_as_sentence = sooner.lower().startswith(("get help", "call", "go to", "seek"))
        body.append(sooner if starts_as_sentence else f"Get help sooner if: {sooner}")
    body.append(NOT_A_CLINICIAN)
    first = urgent_first_line(disposition, crisis, about_other=about_other)
    if first is None:
        return PatientMessage(first=body[0], details=body[1:])
    if crisis and is_emergency(disposition):
        body.insert(0, EMERGENCY_FIRST_OTHER if about_other else EMERGENCY_FIRST)
    return PatientMessage(first=first, details=body)
