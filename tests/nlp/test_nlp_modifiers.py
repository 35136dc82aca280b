"""Risk modifiers, trajectory and severity said in passing, in everyday words."""

from __future__ import annotations

import pytest

from actions.core.triage.engine import assess


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("just flew back from Australia yesterday", "recent_travel"),
        ("got back from Kenya 10 days ago", "recent_travel"),
        ("had my gallbladder out last week", "recent_surgery"),
        ("knee replacement 10 days ago", "recent_surgery"),
        ("gave birth 4 days ago", "recent_birth"),
        ("had a miscarriage last week", "recent_birth"),
        ("I came out of hospital on Monday", "recent_hospital_stay"),
        ("I have COPD", "long_term_condition"),
        ("I've got sickle cell", "long_term_condition"),
        ("I'm on chemo for breast cancer", "immunosuppressed"),
        ("I take rivaroxaban", "blood_thinners"),
        ("paracetamol doesn't touch it", "treatment_not_helping"),
        ("tried everything from the chemist", "treatment_not_helping"),
        ("she gets headaches a couple of times a week", "recurring"),
        ("I feel like I'm going to pass out", "near_fainting"),
    ],
)
def test_modifier_in_lay_words(facts_of, text, concept) -> None:
    assert concept in facts_of(text).present


def test_denied_modifier_is_not_counted(facts_of) -> None:
    assert "recent_surgery" not in facts_of("no operations recently, just a cough").present


@pytest.mark.parametrize(
    ("text", "age", "level"),
    [
        # the same finding, raised by who the patient is or what happened lately
        ("short of breath today", 40, "urgent"),
        ("short of breath today, I had a c section 10 days ago", 31, "emergency"),
        ("suddenly short of breath", 40, "emergency"),
        ("cough getting worse with yellow phlegm", 30, "self_care"),
        ("cough getting worse with yellow phlegm", 78, "urgent"),
        ("temperature of 38.3 and shivery", 40, "self_care"),
        ("temperature of 38.3 and shivery, I'm on chemo", 40, "emergency"),
        ("fever and aches", 30, "routine"),
        ("fever and aches, just back from Nigeria", 30, "urgent"),
        ("bumped my head, small lump", 40, "urgent"),
        ("bumped my head, small lump, I take warfarin", 40, "emergency"),
        # severity and trajectory in everyday words
        ("tummy pain so bad I can't stand up", 40, "emergency"),
        ("a bit of tummy ache after too many sweets", 8, "self_care"),
        ("back pain so bad and painkillers aren't touching it", 45, "urgent"),
    ],
)
def test_patterns_combine_finding_and_modifier(text, age, level) -> None:
    assert assess(text, age=age).disposition == level


def test_new_findings_carry_short_lay_examples_for_the_semantic_matcher() -> None:
    # Findings added for patterns and topics carry `examples:` (short lay phrasings) that a
    # paraphrase-tolerant matcher can compare clauses with; ids stay stable.
    from pathlib import Path

    import yaml

    from actions.nlp.lexicon import DEFAULT_LEXICON, load_lexicon

    raw = yaml.safe_load(Path(DEFAULT_LEXICON).read_text(encoding="utf-8"))["concepts"]
    with_examples = {cid: spec["examples"] for cid, spec in raw.items()
                     if spec and spec.get("examples")}
    assert len(with_examples) >= 60
    concepts = load_lexicon().concepts
    for cid, examples in with_examples.items():
        assert cid in concepts and concepts[cid].category != "idiom", cid
        assert all(isinstance(e, str) and 2 <= len(e.split()) <= 14 for e in examples), cid
    for cid in ("recent_travel", "recent_surgery", "recent_birth", "long_term_condition",
                "treatment_not_helping", "near_fainting", "bilious_vomit", "cant_keep_fluids_down"):
        assert cid in with_examples, cid
