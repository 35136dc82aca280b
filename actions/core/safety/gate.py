"""What the screening gate decides for one patient message (pure).

The gate runs before anything else on every message (see ``bot/safety_gate.py`` for where, and
``actions/safety/gate.py`` for the Rasa adapter). It answers only when it must:
- an emergency or a crisis, in English or Spanish, about the writer or about someone else →
  the 911 / 988 reply now, and the current form is left;
- any other Spanish message → a short Spanish reply saying what the assistant can do in Spanish,
  with a person and the clinic's number (the dialogue model only understands English);
- anything else passes through untouched to the normal dialogue.

"The facts gathered so far" matter: "it's crushing and going down my left arm" typed at the age
question is judged together with the complaint the interview already holds, and the age the
patient gave. Only emergency and crisis can fire here, so adding context can only make the
screen more careful, never silence it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from actions.core.language import detect_language
from actions.core.safety import spanish
from actions.core.triage.disposition import Disposition, is_emergency, needs_emergency_reply
from actions.core.triage.engine import Assessment, assess
from actions.core.triage.messages import CRISIS_FIRST, EMERGENCY_FIRST, compose
from actions.core.triage.subject import detect_subject

THROUGH = "through"
EMERGENCY = "emergency"
CRISIS = "crisis"
SPANISH = "spanish"


@dataclass(frozen=True)
class GateDecision:
    kind: str  # through | emergency | crisis | spanish
    language: str = "en"
    lines: tuple[str, ...] = ()
    disposition: str | None = None
    crisis: bool = False
    about_other: bool = False
    red_flags: tuple[str, ...] = ()
    assessment: Assessment | None = field(default=None, compare=False)

    @property
    def fired(self) -> bool:
        """An emergency or crisis: 911 / 988 went out and the form must be left."""
        return self.kind in (EMERGENCY, CRISIS)

    @property
    def answers_turn(self) -> bool:
        return self.kind != THROUGH


def decide(text: str, context: str = "", age: float | None = None,
           clinic_phone: str = "") -> GateDecision:
    """Screen ``text`` (with ``context``: what this conversation already said about the problem)."""
    text = (text or "").strip()
    if not text:
        return GateDecision(THROUGH)
    if detect_language(text) == "es":
        return _decide_spanish(text, context, age, clinic_phone)
    english = _decide_english(text, context, age)
    if english is not None:
        return english
    # Mostly-English text with a Spanish clause ("help my wife no respira"): the Spanish patterns
    # match only Spanish forms, so they run on every message; answer in both languages.
    found = spanish.screen_spanish(text)
    if found.emergency or found.crisis:
        first = [line for line in (EMERGENCY_FIRST if found.emergency else None,
                                   CRISIS_FIRST if found.crisis else None) if line]
        return GateDecision(
            kind=CRISIS if found.crisis else EMERGENCY, language="es",
            lines=(*first, *spanish.spanish_reply(found, clinic_phone)),
            disposition=Disposition.EMERGENCY if found.emergency else Disposition.URGENT,
            crisis=found.crisis,
            about_other=found.about_other, red_flags=found.findings)
    return GateDecision(THROUGH)


def _decide_english(text: str, context: str, age: float | None,
                    language: str = "en") -> GateDecision | None:
    from actions.nlp.extract import ParsedPieces, extract_facts  # spaCy only when parsing

    combined = f"{context.strip().rstrip('.')}. {text}" if context.strip() else text
    # A long message is parsed in pieces of whole sentences; the pieces it shares with the
    # combined text are parsed once for both.
    parsed: ParsedPieces = {}
    assessment = assess(combined, age=age, facts=extract_facts(combined, age=age, parsed=parsed))
    if not needs_emergency_reply(assessment.disposition, assessment.crisis) and combined != text:
        # The message alone is judged too: context must never dilute what was just said.
        alone = assess(text, age=age, facts=extract_facts(text, age=age, parsed=parsed))
        if needs_emergency_reply(alone.disposition, alone.crisis):
            assessment = alone
    if not needs_emergency_reply(assessment.disposition, assessment.crisis):
        return None
    return emergency_decision(assessment, detect_subject(combined).about_other, language)


def emergency_decision(assessment: Assessment, about_other: bool,
                       language: str = "en") -> GateDecision:
    """The 911 / 988 reply for an assessment that needs it — the same words whether the gate or
    the end of the symptom interview found it."""
    message = compose(assessment.disposition, assessment.crisis, assessment.reasons, None, None,
                      assessment.return_precautions, about_other=about_other)
    return GateDecision(
        kind=CRISIS if assessment.crisis else EMERGENCY, language=language,
        lines=tuple(message.all), disposition=assessment.disposition,
        crisis=assessment.crisis, about_other=about_other,
        red_flags=tuple(assessment.red_flags), assessment=assessment)


def _decide_spanish(text: str, context: str, age: float | None,
                    clinic_phone: str) -> GateDecision:
    found = spanish.screen_spanish(text)
    if found.emergency or found.crisis:
        return GateDecision(
            kind=CRISIS if found.crisis else EMERGENCY, language="es",
            lines=tuple(spanish.spanish_reply(found, clinic_phone)),
            disposition=Disposition.EMERGENCY if found.emergency else Disposition.URGENT,
            crisis=found.crisis,
            about_other=found.about_other, red_flags=tuple(found.findings))
    # English medical words inside a Spanish message ("tiene chest pain") still count.
    english = _decide_english(text, context, age, language="es")
    if english is not None:
        both = spanish.SpanishScreen(emergency=is_emergency(english.disposition),
                                     crisis=english.crisis, about_other=english.about_other,
                                     findings=english.red_flags)
        return GateDecision(
            kind=english.kind, language="es",
            lines=tuple(spanish.spanish_reply(both, clinic_phone)),
            disposition=english.disposition, crisis=english.crisis,
            about_other=english.about_other, red_flags=english.red_flags,
            assessment=english.assessment)
    return GateDecision(SPANISH, language="es",
                        lines=tuple(spanish.spanish_reply(found, clinic_phone)))
