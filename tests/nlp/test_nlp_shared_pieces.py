"""The gate parses a message with and without the interview's context; pieces the two texts share
are parsed once, and both Facts are exactly what separate parses give."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from actions.nlp import extract
from actions.nlp.extract import CHUNK_CHARS, ParsedPieces, extract_facts

CASES = Path(__file__).resolve().parents[1] / "triage_eval"


def _messages() -> list[str]:
    out: list[str] = []
    for name in ("dev_cases.csv", "robustness_cases.csv"):
        with (CASES / name).open(newline="") as handle:
            out.extend(row["message"].strip() for row in csv.DictReader(handle))
    return out


def _long_messages(count: int) -> list[str]:
    """Pasted histories: eval messages joined (different sentences, unlike a repeated one)."""
    messages = _messages()
    rnd = random.Random(20261202)
    return [" ".join(rnd.choice(messages) for _ in range(rnd.randint(10, 45)))
            for _ in range(count)]


def _same(a: extract.Facts, b: extract.Facts) -> None:
    assert a == b  # dataclass equality: text, findings in order with offsets, every number


@pytest.mark.parametrize("context", ["sore throat since yesterday", "cough for a week",
                                     "my 3 year old has a fever of 39.5"])
def test_shared_pieces_give_the_facts_separate_parses_give(context: str) -> None:
    texts = [*_messages()[::15], *_long_messages(12)]
    for text in texts:
        combined = f"{context}. {text}"
        parsed: ParsedPieces = {}
        _same(extract_facts(combined, age=40, parsed=parsed), extract_facts(combined, age=40))
        _same(extract_facts(text, age=40, parsed=parsed), extract_facts(text, age=40))


def test_a_long_message_is_mostly_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed_pieces: list[str] = []
    real = extract._piece_result

    def counting(doc, nlp, with_semantic):  # type: ignore[no-untyped-def]
        parsed_pieces.append(doc.text)
        return real(doc, nlp, with_semantic)

    monkeypatch.setattr(extract, "_piece_result", counting)
    long = [t for t in _long_messages(20) if len(t) > 2 * CHUNK_CHARS]
    assert long
    again = total = 0
    for text in long:
        parsed: ParsedPieces = {}
        extract_facts(f"cough for a week. {text}", parsed=parsed)
        before = len(parsed_pieces)
        extract_facts(text, parsed=parsed)
        again += len(parsed_pieces) - before
        total += len(extract._chunks(text))
    # The first piece always differs (it starts with the context); most later pieces line up.
    assert again < total / 2, (again, total)
