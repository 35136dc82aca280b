"""Safety language (English): emergencies about another person, family history / hypotheticals,
indirect suicidal language and negated / idiomatic crisis words, on our own case file.

The case file was written and committed before the rules were changed for it; its `split` was
fixed at creation. Rules are tuned on `dev` only; `heldout` is reported (run with -s to see the
figures). Emergency- and crisis-positive cases must be 100% on BOTH halves: a missed 911 or 988
is the failure patients can die of. Negatives (must not fire) must be 100% on dev, and held-out
is asserted at a bar fixed before the first run (0.8): an over-triage costs far less than a miss.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.core.triage.engine import assess

CASES_FILE = Path(__file__).with_name("safety_language_cases.yml")
HELDOUT_NEGATIVE_BAR = 0.8  # fixed before the first run; see module docstring


def _cases() -> list[dict]:
    with open(CASES_FILE, encoding="utf-8") as fh:
        return list(yaml.safe_load(fh)["cases"])


def _positive(case: dict) -> bool:
    return case["expect_emergency"] is True or case["expect_crisis"] is True


def _passes(case: dict) -> tuple[bool, str]:
    a = assess(case["text"])
    ok = a.crisis == bool(case["expect_crisis"])
    if case["expect_emergency"] is not None:
        ok = ok and (a.disposition == "emergency") == case["expect_emergency"]
    return ok, f"{a.disposition} crisis={a.crisis} fired={a.fired}"


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[dict, bool, str]]:
    return {c["id"]: (c, *_passes(c)) for c in _cases()}


def test_case_file_shape() -> None:
    cases = _cases()
    kinds = {c["kind"] for c in cases}
    assert len(cases) >= 60
    assert sum(c["kind"] == "other_emergency" for c in cases) >= 20
    assert sum(c["kind"] == "history_negative" for c in cases) >= 10
    assert sum(c["kind"] in {"crisis_emergency", "crisis_positive"} for c in cases) >= 20
    assert sum(c["kind"] == "crisis_negative" for c in cases) >= 10
    assert kinds == {"other_emergency", "history_negative", "crisis_emergency",
                     "crisis_positive", "crisis_negative"}
    assert {c["split"] for c in cases} == {"dev", "heldout"}
    assert len({c["id"] for c in cases}) == len(cases)


def _report(results: dict, split: str) -> str:
    lines = [f"safety-language {split}:"]
    by_kind: dict[str, list[bool]] = {}
    for case, ok, _ in results.values():
        if case["split"] == split:
            by_kind.setdefault(case["kind"], []).append(ok)
    for kind, oks in sorted(by_kind.items()):
        lines.append(f"  {kind:18s} {sum(oks)}/{len(oks)}")
    return "\n".join(lines)


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_every_emergency_and_crisis_fires(results, split: str) -> None:
    print("\n" + _report(results, split))
    missed = [f"{c['id']}: {c['text']!r} -> {why}" for c, ok, why in results.values()
              if c["split"] == split and _positive(c) and not ok]
    assert not missed, "\n".join(missed)


def test_dev_negatives_do_not_fire(results) -> None:
    wrong = [f"{c['id']}: {c['text']!r} -> {why}" for c, ok, why in results.values()
             if c["split"] == "dev" and not _positive(c) and not ok]
    assert not wrong, "\n".join(wrong)


def test_heldout_negatives_mostly_do_not_fire(results) -> None:
    negatives = [(c, ok, why) for c, ok, why in results.values()
                 if c["split"] == "heldout" and not _positive(c)]
    rate = sum(ok for _, ok, _ in negatives) / len(negatives)
    wrong = [f"{c['id']}: {c['text']!r} -> {why}" for c, ok, why in negatives if not ok]
    print(f"\nheld-out negatives correct: {rate:.2f}\n" + "\n".join(wrong))
    assert rate >= HELDOUT_NEGATIVE_BAR


# ---------------------------------------------------------------- long messages
_RAMBLE = (
    "Sorry this is long, I wanted to give you the whole picture. On Monday I went to work as "
    "usual, had lunch with a colleague, picked up groceries and cooked dinner, then we watched a "
    "film and I talked to my sister about her garden, the neighbours and the rain this week. "
)


def _long(ending: str, size: int) -> str:
    body = (_RAMBLE * (size // len(_RAMBLE) + 1))[: size - len(ending) - 1]
    return body + " " + ending


def test_red_flag_at_the_end_of_a_long_message_fires() -> None:
    text = _long("Right now my husband just collapsed and he's not breathing.", 10_000)
    assert len(text) >= 9_900
    assert assess(text).disposition == "emergency"


def test_crisis_at_the_end_of_a_long_message_fires() -> None:
    text = _long("I have saved up my pills and tonight I will take them all.", 10_000)
    a = assess(text)
    assert a.crisis and a.disposition == "emergency"


def test_twenty_thousand_characters_are_screened_whole_and_in_reasonable_time() -> None:
    import time

    assess("warm up")  # the pipeline is built once per process
    dense = ("I feel sick. My back aches. No rash. No fever, and what if I get chest pain? " * 300)
    body = dense[: 20_000 - 60]
    text = body[: body.rindex("? ") + 2] + "My wife passed out and won't really respond."
    text = (_RAMBLE * 2)[: 20_000 - len(text)] + text
    start = time.perf_counter()
    a = assess(text)
    elapsed = time.perf_counter() - start
    assert len(text) >= 19_900
    assert a.disposition == "emergency"
    # Generous for a shared 2-core machine; it took over 20 s before the text was parsed in pieces.
    assert elapsed < 10, elapsed
