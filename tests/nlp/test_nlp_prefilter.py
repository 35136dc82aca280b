"""The regex prefilter only skips work: every lexicon match is still found."""

from __future__ import annotations

import csv
import random
import re
import re._constants as _c  # type: ignore[import-not-found]
import re._parser as _parser  # type: ignore[import-not-found]
from pathlib import Path

import pytest

from actions.nlp.lexicon import load_lexicon
from actions.nlp.prefilter import PatternIndex, required_literals

CASES = Path(__file__).resolve().parents[1] / "triage_eval"


@pytest.fixture(scope="module")
def lexicon_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(c.id, p) for c in load_lexicon().concepts.values() for p in c.patterns]


@pytest.fixture(scope="module")
def index(lexicon_patterns) -> PatternIndex:
    return PatternIndex(lexicon_patterns)


def _clauses(pattern: str) -> set[frozenset[str]]:
    return set(required_literals(re.compile(pattern)))


def test_literals_alternatives_and_lookbehinds_are_required():
    # (Python's parser moves the shared "knee" out of "knee|knees".)
    assert _clauses(r"(?:sore|painful) (?:knee|knees)") == {
        frozenset({"sore", "painful"}), frozenset({" knee"})}
    # A lookbehind's words must be in the text too; an optional part requires nothing.
    assert _clauses(r"(?<=\bpee )(?:\w+ ){0,2}burn(?:s|ing)?") == {frozenset({"pee "}),
                                                                 frozenset({"burn"})}


def test_nothing_is_required_when_it_cannot_be_read_safely():
    assert _clauses(r"(?i)chest pain") == set()
    assert _clauses(r"(?:fever)?\d+ ?%") == set()
    assert _clauses(r"(?:chest|) pain") == {frozenset({" pain"})}  # an empty alternative
    assert _clauses(r"(?i:chest) pain") == {frozenset({" pain"})}
    assert _clauses(r"ab\d") == set()  # too short to be worth a search


def test_short_and_unknown_texts_run_only_patterns_without_requirements(index):
    always = {label for label, p in index.candidates("") if not required_literals(p)}
    assert {label for label, _ in index.candidates("")} == always
    assert len(always) < len(index) // 20


def _example(items, rnd: random.Random) -> str | None:
    """A string meant to match the parsed pattern (checked by the caller)."""
    out: list[str] = []
    for op, arg in items:
        if op is _c.LITERAL:
            out.append(chr(arg))
        elif op is _c.NOT_LITERAL or op is _c.ANY:
            out.append("x" if chr(arg if op is _c.NOT_LITERAL else 0) != "x" else "y")
        elif op is _c.IN:
            choices = [chr(a) for o, a in arg if o is _c.LITERAL]
            choices += [chr(a[0]) for o, a in arg if o is _c.RANGE]
            if any(o is _c.CATEGORY and a is _c.CATEGORY_DIGIT for o, a in arg):
                choices.append("5")
            if any(o is _c.CATEGORY and a is _c.CATEGORY_WORD for o, a in arg):
                choices.append("a")
            if any(o is _c.CATEGORY and a is _c.CATEGORY_SPACE for o, a in arg):
                choices.append(" ")
            if not choices or any(o is _c.NEGATE for o, _ in arg):
                return None
            out.append(rnd.choice(choices))
        elif op is _c.BRANCH:
            part = _example(rnd.choice(arg[1]), rnd)
            if part is None:
                return None
            out.append(part)
        elif op is _c.SUBPATTERN:
            part = _example(arg[3], rnd)
            if part is None:
                return None
            out.append(part)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            low, high, sub = arg
            for _ in range(rnd.randint(low, min(high, low + 2))):
                part = _example(sub, rnd)
                if part is None:
                    return None
                out.append(part)
        elif op is _c.ASSERT and arg[0] < 0:  # lookbehind: its text goes just before
            part = _example(arg[1], rnd)
            if part is None:
                return None
            out.append(part)
        elif op in (_c.AT, _c.ASSERT_NOT, _c.ASSERT):
            continue
        else:
            return None
    return "".join(out)


def test_every_generated_match_is_still_a_candidate(lexicon_patterns, index):
    """Random strings built from each lexicon pattern: whenever one matches, the filter must let
    that pattern run on it."""
    rnd = random.Random(20261202)
    tried: set[int] = set()
    for number, (label, pattern) in enumerate(lexicon_patterns):
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        for _ in range(8):
            example = _example(parsed, rnd)
            if example is None:
                continue
            text = f"well, {example} since monday."
            if not pattern.search(text):
                continue
            tried.add(number)
            assert (label, pattern) in list(index.candidates(text)), (label, text)
    assert len(tried) >= 0.9 * len(lexicon_patterns)


def _case_messages() -> list[str]:
    messages: list[str] = []
    for name in ("dev_cases.csv", "robustness_cases.csv"):
        with open(CASES / name, encoding="utf-8") as fh:
            messages += [row["message"].lower() for row in csv.DictReader(fh)]
    return messages


def test_same_matches_as_running_every_pattern(lexicon_patterns, index):
    messages = _case_messages()
    texts = messages + [" ".join(messages[i: i + 40]) for i in range(0, len(messages), 40)]
    found = 0
    for text in texts:
        expected = [(label, m.span()) for label, p in lexicon_patterns for m in p.finditer(text)]
        assert [(label, m.span()) for label, m in index.finditer(text)] == expected
        found += len(expected)
    assert found > 100
