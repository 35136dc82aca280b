"""Who the message is about, and every interview question rephrased for that person."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.core.triage.interview import BUILTIN_TEXT
from actions.core.triage.subject import SELF, Subject, ask_about, detect_subject

REPO = Path(__file__).resolve().parents[3]


def _all_questions() -> list[str]:
    texts: list[str] = []
    for path in sorted((REPO / "data" / "triage" / "rules").glob("*.yml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            texts.extend(str(q["text"]) for q in rule.get("ask") or [])
    defaults = REPO / "data" / "triage" / "defaults.yml"
    default = yaml.safe_load(defaults.read_text(encoding="utf-8")) or {}
    texts.extend(str(q["text"]) for q in (default.get("default") or {}).get("ask") or [])
    texts.extend(BUILTIN_TEXT.values())
    return sorted(set(texts))


QUESTIONS = _all_questions()

# Verb agreement for is/are/does/do/has/have/was/were next to the pronoun, in either order. After
# does/did/can/will... the base form is right ("Does she have"), so those are not counted.
_WRONG_FOR = {"she": ("are", "do", "have", "were"), "he": ("are", "do", "have", "were"),
              "they": ("is", "does", "has", "was")}
_MODALS = r"(?:does|did|do|can|could|will|would|should|may|might|must)"


def _disagrees(text: str, pronoun: str) -> bool:
    wrong = "|".join(_WRONG_FOR[pronoun])
    inverted = re.search(rf"\b(?:{wrong})\s+{pronoun}\b", text, re.IGNORECASE)
    plain = [m for m in re.finditer(rf"(\w+\s+)?\b{pronoun}\s+(?:{wrong})\b", text, re.IGNORECASE)
             if not (m.group(1) and re.fullmatch(_MODALS, m.group(1).strip(), re.IGNORECASE))]
    return bool(inverted or plain)


def test_agreement_check_itself() -> None:
    assert _disagrees("Are she short of breath?", "she")
    assert _disagrees("Is it the worst she have ever had?", "she")
    assert _disagrees("Is they confused?", "they")
    assert not _disagrees("Does she have a fever?", "she")
    assert not _disagrees("Is he short of breath?", "he")


@pytest.mark.parametrize(
    ("text", "about_other", "pronoun", "relation"),
    [
        ("my wife passed out and now she's breathing weird and won't really respond", True, "she",
         "wife"),
        ("my dad is slurring his words right now", True, "he", "dad"),
        ("my son fell and won't wake up", True, "he", "son"),
        ("she collapsed in the kitchen", True, "she", None),
        ("he's making gurgling noises", True, "he", None),
        ("my husband is having crushing chest pain", True, "he", "husband"),
        ("my friend says she wants to die", True, "she", "friend"),
        ("my partner is breathing funny, his lips are blue", True, "he", "partner"),
        ("our 6 week old has a fever", True, "they", "baby"),
        ("I have a question about my mum, she's very confused", True, "she", "mum"),
        ("my grandpa had a seizure just now", True, "he", "grandpa"),
        # The writer's own symptoms, or a family history.
        ("I have chest pain and my dad had a heart attack at 50", False, None, None),
        ("my dad had a stroke", False, None, None),
        ("my mom died of a heart attack", False, None, None),
        ("heart disease runs in my family", False, None, None),
        ("I think I'm having a heart attack, my wife is driving me in", False, None, None),
        ("I've had a headache for three days", False, None, None),
    ],
)
def test_detect_subject(text: str, about_other: bool, pronoun: str | None,
                        relation: str | None) -> None:
    assert detect_subject(text) == Subject(about_other, pronoun, relation)


def test_examples() -> None:
    she, he = Subject(True, "she", "wife"), Subject(True, "he", "son")
    assert ask_about("Are you having any trouble breathing?", she) == \
        "Is she having any trouble breathing?"
    assert ask_about("Do you have a fever?", he) == "Does he have a fever?"
    assert ask_about("Is the pain in your chest?", she) == "Is the pain in her chest?"
    assert ask_about("Are you having any trouble breathing?", SELF) == \
        "Are you having any trouble breathing?"


def test_there_are_questions_to_check() -> None:
    assert len(QUESTIONS) >= 30


@pytest.mark.parametrize("pronoun", ["she", "he", "they"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_every_question_reads_right_for_another_person(question: str, pronoun: str) -> None:
    out = ask_about(question, Subject(True, pronoun, None))
    assert not re.search(r"\byou(?:r|rs|rself|'re|'ve|'d|'ll)?\b", out, re.IGNORECASE), out
    assert not _disagrees(out, pronoun), out
    # The same sentence shape: still a question, nothing lost but the person.
    assert out.endswith(question[-1])
    assert out[:1].isupper()
    if pronoun != "they":
        assert not re.search(r"\bthey\b|\bthem\b|\btheir\b", out, re.IGNORECASE), out
