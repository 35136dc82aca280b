"""detect_language: per-message Spanish/English, cases in language_cases.yml (written first)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from actions.core.language import detect_language

CASES = yaml.safe_load((Path(__file__).parent / "language_cases.yml").read_text(encoding="utf-8"))


def test_enough_cases() -> None:
    assert len(CASES["en"]) >= 40 and len(CASES["es"]) >= 40


@pytest.mark.parametrize("text", CASES["en"])
def test_english_or_too_short_to_tell(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", CASES["es"])
def test_spanish(text: str) -> None:
    assert detect_language(text) == "es"


@pytest.mark.parametrize("text", ["", "   ", "?!", "👍", "12:30", "ok!!"])
def test_nothing_to_go_on_is_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_fast_and_deterministic() -> None:
    texts = CASES["en"] + CASES["es"]
    start = time.perf_counter()
    first = [detect_language(t) for t in texts]
    per_message_ms = (time.perf_counter() - start) * 1000 / len(texts)
    assert per_message_ms < 5, per_message_ms
    assert first == [detect_language(t) for t in texts]
