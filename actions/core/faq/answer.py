"""Turn a patient's question into what the FAQ assistant says: an answer, "not sure", or
"that's a medical question — let's check your symptoms".

Order matters: empty input first, then medical questions (a medical question is never answered
from the FAQ, even if some entry happens to match its words), then the retriever, whose
``confident`` flag alone decides between answering and offering a person. A "not sure" never
contains a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import yaml

from actions.core.faq.knowledge import DEFAULT_FAQ_DIR, FaqEntry, load_faq
from actions.core.faq.retriever import FaqMatch, FaqRetriever

MEDICAL_PATTERNS_FILE = "_medical_patterns.yml"

NOT_SURE_TEXT = (
    "I'm not sure I have the right answer to that, and I'd rather not guess. "
    "I can connect you with a person from our clinic team, or you can call the front desk "
    "at (555) 010-0100."
)
MEDICAL_TEXT = (
    "That sounds like a medical question, and I can't answer medical questions from our FAQ. "
    "I can run a quick symptom check to help you decide what to do next, or connect you with "
    "our clinic team. If this is an emergency, call 911."
)
EMPTY_TEXT = (
    "What would you like to know about the clinic? For example: opening hours, parking, "
    "insurance, refills or test results."
)


class FaqMatcher(Protocol):
    """FaqRetriever (words) or HybridFaq (words confirmed by sentence embeddings)."""

    def match(self, text: str) -> FaqMatch: ...


@dataclass(frozen=True)
class FaqDecision:
    kind: str  # "answer" | "not_sure" | "medical" | "empty"
    entry: FaqEntry | None
    text: str  # what the patient sees


def answer_text(entry: FaqEntry) -> str:
    """The entry's answer and the page it comes from, so the patient can read more."""
    return f"{entry.answer}\nSource: {entry.page} — {entry.url}"


# ---------------------------------------------------------------------------------------------
# Medical questions


def _normalise(text: str) -> str:
    text = re.sub(r"[’‘`´]", "'", text.lower())
    return " ".join(text.split())


def _strings(values: object, path: Path, field: str) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{path.name}: '{field}' must be a list of strings (quote yes/no/on/off)")
    return values


def _word_list(terms: list[str], not_followed_by: list[str]) -> str:
    alts = "|".join(re.escape(t.lower()) for t in sorted(set(terms), key=len, reverse=True))
    guard = ""
    if not_followed_by:
        stops = "|".join(re.escape(t.lower()) for t in sorted(set(not_followed_by)))
        guard = rf"(?! (?:{stops})\b)"
    return rf"(?:{alts})(?:e?s)?(?![\w-]){guard}"


@dataclass(frozen=True)
class MedicalDetector:
    """Regular expressions over the message, from data/faq/_medical_patterns.yml."""

    patterns: tuple[re.Pattern, ...]

    @classmethod
    def load(cls, path: Path) -> MedicalDetector:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        guards = data.get("not_followed_by") or {}
        lists = {name: _word_list(_strings(data.get(name), path, name),
                                  _strings(guards.get(name), path, f"not_followed_by: {name}"))
                 for name in ("drug", "symptom", "condition")}
        compiled = []
        for raw in _strings(data.get("patterns"), path, "patterns"):
            source = raw
            for name, regex in lists.items():
                source = source.replace("{" + name + "}", regex)
            try:
                compiled.append(re.compile(source, re.IGNORECASE))
            except re.error as exc:
                raise ValueError(f"{path.name}: bad pattern {raw!r}: {exc}") from exc
        if not compiled:
            raise ValueError(f"{path.name}: no patterns")
        return cls(tuple(compiled))

    def first_match(self, text: str) -> str | None:
        """The matched span of the first pattern that fires (for tests), else None."""
        norm = _normalise(text)
        for pattern in self.patterns:
            m = pattern.search(norm)
            if m:
                return m.group(0)
        return None

    def is_medical(self, text: str) -> bool:
        return self.first_match(text) is not None


@lru_cache(maxsize=1)
def default_medical_detector() -> MedicalDetector:
    return MedicalDetector.load(DEFAULT_FAQ_DIR / MEDICAL_PATTERNS_FILE)


# ---------------------------------------------------------------------------------------------


def is_empty(text: str | None) -> bool:
    """Blank input, or a bare button payload such as "/ask_clinic_info"."""
    stripped = (text or "").strip()
    return not stripped or stripped.startswith("/") or not re.search(r"\w", stripped)


def decide(text: str, retriever: FaqMatcher, symptoms_mentioned: bool = False) -> FaqDecision:
    if is_empty(text):
        return FaqDecision(kind="empty", entry=None, text=EMPTY_TEXT)
    if symptoms_mentioned or default_medical_detector().is_medical(text):
        return FaqDecision(kind="medical", entry=None, text=MEDICAL_TEXT)
    match = retriever.match(text)
    if match.entry is not None and match.confident:
        return FaqDecision(kind="answer", entry=match.entry, text=answer_text(match.entry))
    return FaqDecision(kind="not_sure", entry=None, text=NOT_SURE_TEXT)


@lru_cache(maxsize=1)
def default_retriever() -> FaqRetriever:
    """Loads DEFAULT_FAQ_DIR once per process (the action server keeps it for its lifetime)."""
    return FaqRetriever(load_faq())
