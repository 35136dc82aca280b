"""Shared scoring of a labelled question set (held-out or development) against decide()."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.core.faq.answer import FaqMatcher, decide

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Labelled:
    q: str
    expect: tuple[str, ...]  # entry ids (any one is right), or ("handoff",) / ("medical",)

    @property
    def kind(self) -> str:
        return self.expect[0] if self.expect[0] in ("handoff", "medical") else "entry"


@dataclass
class Figures:
    total: int = 0
    correct: int = 0
    wrong_confident: list[str] = field(default_factory=list)
    answered_right: int = 0
    entry_questions: int = 0
    not_sure: int = 0
    medical_found: int = 0
    medical_total: int = 0
    missed: list[str] = field(default_factory=list)
    # Strict: the right entry answered, "not sure" only where the FAQ has no answer, "medical"
    # for medical questions. A "not sure" on a question the FAQ answers is safe but not correct.
    strict_correct: int = 0

    @property
    def correct_rate(self) -> float:
        return self.correct / self.total

    @property
    def strict_rate(self) -> float:
        return self.strict_correct / self.total

    def strict_summary(self, name: str) -> str:
        answered_wrong = len(self.wrong_confident)
        return (f"{name}: {self.total} questions; answered correctly {self.strict_correct} "
                f"({self.strict_rate:.1%}); not sure {self.not_sure} "
                f"({self.not_sure / self.total:.1%}); wrong with confidence {answered_wrong} "
                f"({answered_wrong / self.total:.1%})")

    def summary(self, name: str) -> str:
        return (
            f"{name}: {self.total} questions; correct answer-or-handoff "
            f"{self.correct}/{self.total} = {self.correct_rate:.1%}; "
            f"wrong confident answers {len(self.wrong_confident)}; "
            f"answered the right entry {self.answered_right}/{self.entry_questions} "
            f"({self.answered_right / max(1, self.entry_questions):.0%}); "
            f"not sure {self.not_sure}; medical found {self.medical_found}/{self.medical_total}"
        )


def load_labelled(path: Path) -> list[Labelled]:
    items = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
        expect = raw["expect"]
        expect = tuple(expect) if isinstance(expect, list) else (str(expect),)
        # "none": the FAQ does not cover it, so "not sure" + a person is the right reply.
        expect = tuple("handoff" if x == "none" else x for x in expect)
        items.append(Labelled(str(raw["q"]), expect))
    return items


def evaluate(items: list[Labelled], retriever: FaqMatcher) -> Figures:
    """Correct = the right entry answered confidently, or "not sure" (a person is always an
    acceptable reply), or "medical" for a medical question."""
    f = Figures()
    for item in items:
        d = decide(item.q, retriever)
        f.total += 1
        f.not_sure += d.kind == "not_sure"
        if item.kind == "entry":
            f.entry_questions += 1
        if item.kind == "medical":
            f.medical_total += 1
            f.medical_found += d.kind == "medical"
        if d.kind == "answer":
            assert d.entry is not None
            if d.entry.id in item.expect:
                f.answered_right += 1
                f.correct += 1
                f.strict_correct += 1
            else:
                f.wrong_confident.append(f"{item.q!r} -> {d.entry.id} (expected {item.expect})")
        elif d.kind == "not_sure" or (d.kind == "medical" and item.kind == "medical"):
            f.correct += 1
            f.strict_correct += d.kind == "medical" or item.kind == "handoff"
        else:
            f.missed.append(f"{item.q!r} -> {d.kind} (expected {item.expect})")
    return f


def normalise(text: str) -> str:
    """Case- and punctuation-insensitive form used to compare questions with the KB and NLU."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
