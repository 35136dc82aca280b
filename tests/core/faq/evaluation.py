"""Shared scoring of a labelled question set (held-out or development) against decide()."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.core.faq.answer import decide
from actions.core.faq.retriever import FaqRetriever

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

    @property
    def correct_rate(self) -> float:
        return self.correct / self.total

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
        items.append(Labelled(str(raw["q"]),
                              tuple(expect) if isinstance(expect, list) else (str(expect),)))
    return items


def evaluate(items: list[Labelled], retriever: FaqRetriever) -> Figures:
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
            else:
                f.wrong_confident.append(f"{item.q!r} -> {d.entry.id} (expected {item.expect})")
        elif d.kind == "not_sure" or (d.kind == "medical" and item.kind == "medical"):
            f.correct += 1
        else:
            f.missed.append(f"{item.q!r} -> {d.kind} (expected {item.expect})")
    return f


def normalise(text: str) -> str:
    """Case- and punctuation-insensitive form used to compare questions with the KB and NLU."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
