"""The symptom interview as a pure state machine: which question comes next, and when to stop.

The Rasa form (actions/triage/form.py) stores the state in slots and asks whatever
``next_question`` returns; the rules engine decides. Principles:
- red flags first: once an emergency or crisis rule fires, stop asking and act;
- at most ``MAX_QUESTIONS`` questions after the complaint;
- "I don't know" is always an acceptable answer and adds nothing (it never lowers urgency);
- the complaint in the patient's own words is the main evidence; answers only add to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from actions.core.triage.disposition import needs_emergency_reply
from actions.core.triage.engine import Assessment, assess

MAX_QUESTIONS = 6

UNKNOWN = "unknown"
YES = "yes"
NO = "no"

# Built-in questions (ids prefixed "q_") before the rules' red-flag questions.
AGE_QUESTION = "q_age"
DURATION_QUESTION = "q_duration"
SEVERITY_QUESTION = "q_severity"

NOTE_PREFIX = "q_note_"  # free-text detail given while answering a yes/no question

BUILTIN_TEXT = {
    AGE_QUESTION: "How old is the person with the symptoms? (You can say \"I don't know\".)",
    DURATION_QUESTION: "When did it start, or how long has it been going on?",
    SEVERITY_QUESTION: "How bad is it on a scale of 0 to 10, where 10 is the worst imaginable?",
}

_DONT_KNOW = re.compile(
    r"\b(i\s*(do\s*n[o']?t|dont|don't)\s*know|not\s*sure|unsure|no\s*idea|idk|dunno|"
    r"can'?t\s*(say|tell|remember)|maybe|skip|pass|\?+$)",
    re.IGNORECASE,
)
_YES = re.compile(r"^\s*(y|ya|yes+|yeah|yep|yup|sure|correct|right|i\s*do|i\s*am|it\s*is|"
                  r"they\s*(do|are)|he\s*(does|is)|she\s*(does|is)|definitely|absolutely|1)\b",
                  re.IGNORECASE)
_NO = re.compile(r"^\s*(n|no+|nope|nah|not\s*really|none|never|i\s*(do\s*not|don'?t)\b(?!\s*know)|"
                 r"i'?m\s*not|it'?s\s*not|isn'?t|they\s*(don'?t|aren'?t)|2)\b",
                 re.IGNORECASE)
_STOP = re.compile(
    r"^\s*(stop|cancel|quit|exit|end|never\s*mind|nevermind|forget\s*it)\s*[.!]*\s*$",
    re.IGNORECASE,
)
_AGE_NUMBER = re.compile(
    r"(\d{1,3}(?:\.\d+)?)\s*(years?|yrs?|yo|y/o|y|months?|mos?|mths?|weeks?|wks?|days?|d)?\b",
    re.IGNORECASE,
)
_AGE_UNITS = {"month": 1 / 12, "mo": 1 / 12, "mth": 1 / 12, "week": 7 / 365, "wk": 7 / 365,
              "day": 1 / 365, "d": 1 / 365}


def parse_yes_no(text: str) -> str:
    """'yes' / 'no' / 'unknown' from a short free-text answer. Unclear means unknown."""
    if _DONT_KNOW.search(text or ""):
        return UNKNOWN
    if _YES.search(text or ""):
        return YES
    if _NO.search(text or ""):
        return NO
    return UNKNOWN


def is_stop(text: str) -> bool:
    """The patient wants to end the symptom check."""
    return bool(_STOP.match(text or ""))


def parse_age_years(text: str) -> float | None:
    """Age in years from an answer like "34", "6 weeks", "2 months old", "she's 4"."""
    if not text or _DONT_KNOW.search(text):
        return None
    match = _AGE_NUMBER.search(text)
    if not match:
        return None
    value = float(match.group(1))
    unit = (match.group(2) or "").lower().rstrip("s")
    for prefix, factor in _AGE_UNITS.items():
        if unit.startswith(prefix) and not unit.startswith("y"):
            return round(value * factor, 3)
    return value if value <= 120 else None


@dataclass
class InterviewState:
    """Everything the interview knows, as stored in Rasa slots (JSON-friendly)."""

    complaint: str
    age_years: float | None = None
    sex: str | None = None
    answers: dict[str, str] = field(default_factory=dict)  # question id -> yes/no/unknown/text
    asked: list[str] = field(default_factory=list)  # question ids in the order asked

    @classmethod
    def from_slots(cls, complaint: str, age: Any, answers: Any, asked: Any) -> InterviewState:
        return cls(
            complaint=complaint or "",
            age_years=float(age) if isinstance(age, int | float) else None,
            answers=dict(answers or {}),
            asked=list(asked or []),
        )

    def narrative(self) -> str:
        """The complaint plus informative free-text answers (duration, severity) as sentences;
        unknown answers add nothing, so "I don't know" to everything equals the first message."""
        parts = [self.complaint.strip()]
        notes = sorted(q for q in self.answers if q.startswith(NOTE_PREFIX))
        for qid in (DURATION_QUESTION, SEVERITY_QUESTION, *notes):
            answer = self.answers.get(qid)
            if answer and answer != UNKNOWN:
                text = answer.strip()
                if qid == SEVERITY_QUESTION and re.fullmatch(r"\d{1,2}", text):
                    text = f"severity {text}/10"
                if qid == DURATION_QUESTION and not re.search(r"[a-z]", text, re.I):
                    continue
                parts.append(text)
        return ". ".join(p.rstrip(".") for p in parts if p) + "."

    def rule_answers(self) -> dict[str, str]:
        """Yes/no answers to the rules' red-flag questions (unknown ones add nothing)."""
        return {q: a for q, a in self.answers.items()
                if not q.startswith("q_") and a in (YES, NO)}


@dataclass(frozen=True)
class Step:
    """What to do next: ask ``question_id`` (with ``text``) or stop (``question_id`` None)."""

    assessment: Assessment
    question_id: str | None = None
    text: str | None = None

    @property
    def done(self) -> bool:
        return self.question_id is None


def current_assessment(state: InterviewState) -> Assessment:
    return assess(state.narrative(), age=state.age_years, sex=state.sex,
                  answers=state.rule_answers())


def next_question(state: InterviewState) -> Step:
    """The next question to ask, or done. Deterministic for a given state."""
    assessment = current_assessment(state)
    if needs_emergency_reply(assessment.disposition, assessment.crisis):
        return Step(assessment)  # red flag: stop asking, act now
    if len(state.asked) >= MAX_QUESTIONS:
        return Step(assessment)
    facts = assessment.facts
    asked = set(state.asked)
    if AGE_QUESTION not in asked and state.age_years is None and facts.age_years is None:
        return Step(assessment, AGE_QUESTION, BUILTIN_TEXT[AGE_QUESTION])
    # Red-flag questions of the rules that matched come before duration/severity.
    for q in assessment.next_questions:
        if q.id not in asked:
            return Step(assessment, q.id, q.text)
    if DURATION_QUESTION not in asked and facts.duration_hours is None:
        return Step(assessment, DURATION_QUESTION, BUILTIN_TEXT[DURATION_QUESTION])
    if SEVERITY_QUESTION not in asked and facts.severity is None:
        return Step(assessment, SEVERITY_QUESTION, BUILTIN_TEXT[SEVERITY_QUESTION])
    return Step(assessment)


def record_answer(state: InterviewState, question_id: str, text: str) -> InterviewState:
    """Store the answer to ``question_id`` in the form the engine needs."""
    if question_id == AGE_QUESTION:
        state.age_years = parse_age_years(text)
        state.answers[question_id] = UNKNOWN if state.age_years is None else str(state.age_years)
        # "40, and it's crushing and going down my left arm": the words are evidence too.
        if len((text or "").split()) > 3:
            state.answers[f"{NOTE_PREFIX}{len(state.asked)}"] = (text or "").strip()[:300]
    elif question_id in (DURATION_QUESTION, SEVERITY_QUESTION):
        state.answers[question_id] = UNKNOWN if parse_yes_no(text) == UNKNOWN and \
            _DONT_KNOW.search(text or "") else (text or "").strip()[:200]
    else:
        state.answers[question_id] = parse_yes_no(text)
        # More than a yes/no ("no, but now I can't breathe"): the words are evidence too.
        if len((text or "").split()) > 3:
            state.answers[f"{NOTE_PREFIX}{len(state.asked)}"] = (text or "").strip()[:300]
    return state
