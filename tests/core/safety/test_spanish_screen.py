"""Spanish safety floor: recall on every positive, no false fire on any negative, in both the dev
and the held-out half of tests/core/safety/spanish_cases.yml (cases written before the matcher)."""

from __future__ import annotations

import ast
import dataclasses
import time
from pathlib import Path

import pytest
import yaml

from actions.core.safety import spanish
from actions.core.safety.spanish import (
    TALK_TO_PERSON_ES,
    SpanishScreen,
    screen_spanish,
    spanish_reply,
)
from tests.core.safety.split_cases import assign_splits

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
CASES: list[dict] = yaml.safe_load((HERE / "spanish_cases.yml").read_text(encoding="utf-8"))[
    "cases"
]
POSITIVES = [c for c in CASES if c["emergency"] or c["crisis"]]
NEGATIVES = [c for c in CASES if not (c["emergency"] or c["crisis"])]
CLINIC_PHONE = str(yaml.safe_load((ROOT / "data" / "clinic.yml").read_text())["phone"])


def _misses(case: dict) -> list[str]:
    """What is wrong with the screen of one case (empty = correct)."""
    r = screen_spanish(case["text"])
    wrong = []
    if case["emergency"] or case["crisis"]:
        if case["emergency"] and not r.emergency:
            wrong.append("emergency missed")
        if case["crisis"] and not r.crisis:
            wrong.append("crisis missed")
        if r.about_other != case["about_other"]:
            wrong.append(f"about_other={r.about_other}")
    elif r.emergency or r.crisis:
        wrong.append(f"false fire {r.findings}")
    return wrong


def test_case_file_shape_and_split_come_from_the_fixed_seed() -> None:
    assert len(POSITIVES) >= 60 and len(NEGATIVES) >= 25
    assert sum(c["about_other"] for c in POSITIVES) * 3 >= len(POSITIVES)
    assert len({c["id"] for c in CASES}) == len(CASES)
    expected = assign_splits(CASES)
    assert {c["id"]: c["split"] for c in CASES} == expected


@pytest.mark.parametrize("split", ["dev", "held_out"])
def test_recall_and_false_fires_per_split(split: str, capsys: pytest.CaptureFixture) -> None:
    pos = [c for c in POSITIVES if c["split"] == split]
    neg = [c for c in NEGATIVES if c["split"] == split]
    pos_wrong = {c["id"]: (c["text"], _misses(c)) for c in pos if _misses(c)}
    neg_wrong = {c["id"]: (c["text"], _misses(c)) for c in neg if _misses(c)}
    with capsys.disabled():
        print(f"\n[spanish screen] {split}: recall {len(pos) - len(pos_wrong)}/{len(pos)} "
              f"positives (flags + about_other), false fires {len(neg_wrong)}/{len(neg)} "
              "negatives")
    assert not pos_wrong, pos_wrong
    assert not neg_wrong, neg_wrong


# The three messages from the bug report, and the "starts with no" patterns that negation handling
# must not break.
@pytest.mark.parametrize(("text", "emergency", "crisis", "other"), [
    ("mi esposo no responde y no respira bien", True, False, True),
    ("me duele mucho el pecho y no puedo respirar", True, False, False),
    ("quiero morir", False, True, False),
    ("no puedo respirar", True, False, False),
    ("no respira", True, False, True),
    ("NO RESPIRA", True, False, True),
    ("no, no puedo respirar", True, False, False),
    ("no quiero vivir", False, True, False),
])
def test_bug_report_messages(text: str, emergency: bool, crisis: bool, other: bool) -> None:
    r = screen_spanish(text)
    assert (r.emergency, r.crisis, r.about_other) == (emergency, crisis, other), r


def test_result_is_frozen_and_deterministic() -> None:
    r = screen_spanish("mi esposo no responde")
    assert isinstance(r, SpanishScreen) and r.findings
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.emergency = False  # type: ignore[misc]
    assert all(screen_spanish(c["text"]) == screen_spanish(c["text"]) for c in CASES)
    assert screen_spanish("") == SpanishScreen(False, False, False, ())


def test_fast() -> None:
    texts = [c["text"] for c in CASES]
    screen_spanish(texts[0])  # compile on first use is not a per-message cost
    start = time.perf_counter()
    for _ in range(5):
        for t in texts:
            screen_spanish(t)
    per_message_ms = (time.perf_counter() - start) * 1000 / (5 * len(texts))
    assert per_message_ms < 5, per_message_ms
    # A 5,000-character message (every case at once) stays linear: this guards against
    # catastrophic regex backtracking, not a latency budget (it takes ~20 ms; shared CI cores).
    long = " ".join(texts)
    start = time.perf_counter()
    screen_spanish(long)
    assert (time.perf_counter() - start) * 1000 < 200


# --- replies ---------------------------------------------------------------------------------

def _reply(text: str) -> list[str]:
    lines = spanish_reply(screen_spanish(text), CLINIC_PHONE)
    assert all(0 < len(line) <= 300 for line in lines), lines
    assert "no un profesional de salud" in lines[-1].lower()
    return lines


def test_emergency_self_reply() -> None:
    lines = _reply("me duele mucho el pecho y no puedo respirar")
    assert lines[0].startswith("Llame al 911 ahora")
    assert "sala de emergencias" in lines[0]
    assert not any("988" in line for line in lines)
    assert not any("altavoz" in line for line in lines)


def test_emergency_bystander_reply() -> None:
    lines = _reply("mi esposo no responde y no respira bien")
    assert lines[0].startswith("Llame al 911 ahora")
    text = " ".join(lines)
    for must in ("altavoz", "operador del 911", "quédese con la persona", "RCP"):
        assert must in text, must


def test_crisis_reply_gives_988_spanish_options_and_911() -> None:
    lines = _reply("quiero morir")
    text = " ".join(lines)
    assert "988" in lines[0]
    assert "oprima el 2" in text and "AYUDA" in text
    assert "911" in text
    assert not lines[0].startswith("Llame al 911")


def test_crisis_about_someone_else_reply() -> None:
    text = " ".join(_reply("mi amiga dice que se quiere morir"))
    assert "988" in text and "otra persona" in text


def test_emergency_and_crisis_reply_puts_911_first_then_988() -> None:
    lines = _reply("tengo pastillas guardadas y quiero morir esta noche")
    assert lines[0].startswith("Llame al 911 ahora")
    assert "988" in lines[1]


def test_neither_reply_offers_a_person_and_the_clinic_number() -> None:
    lines = _reply("necesito una cita")
    text = " ".join(lines)
    assert CLINIC_PHONE == "(555) 010-0100"
    assert CLINIC_PHONE in text
    assert "inglés" in text and "emergencias" in text and "persona" in text
    assert "911" not in lines[0] and "988" not in text


def test_button_titles() -> None:
    assert TALK_TO_PERSON_ES == "Hablar con una persona"


def test_module_is_pure() -> None:
    """No rasa/rasa_sdk/sanic, no network, no environment: the gate calls it on every message."""
    for module in (spanish, __import__("actions.core.language", fromlist=["x"])):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert imported <= {"__future__", "dataclasses", "re", "unicodedata", "functools",
                            "typing", "collections"}, imported
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "environ" not in source and "getenv" not in source
