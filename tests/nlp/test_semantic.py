"""The semantic finding matcher: adds paraphrased findings, never removes one, and ConText still
decides negation, family history and hypotheticals for what it adds."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from actions.embeddings.factory import default_encoder
from actions.nlp import semantic
from actions.nlp.extract import extract_facts
from actions.nlp.lexicon import load_lexicon


@pytest.fixture(scope="module")
def matcher() -> Iterator[semantic.SemanticFindings]:
    """The matcher switched on (TRIAGE_SEMANTIC=1) for this module's tests."""
    built = semantic._build()
    assert built is not None, "models/minilm missing: run make setup"
    saved = semantic.semantic_findings
    semantic.semantic_findings = lambda: built  # type: ignore[assignment]
    yield built
    semantic.semantic_findings = saved  # type: ignore[assignment]


def _without_semantic(text: str) -> set[str]:
    saved = semantic.semantic_findings
    semantic.semantic_findings = lambda: None
    try:
        return extract_facts(text).present
    finally:
        semantic.semantic_findings = saved  # type: ignore[assignment]


def test_examples_name_lexicon_concepts() -> None:
    examples = semantic.load_examples()
    concepts = load_lexicon().concepts
    assert len(examples) >= 30
    assert all(c in concepts and phrases for c, phrases in examples.items())


# Built-in keys are allowed only in development mode (bot/runtime_mode.py).
DEV = {"TRIAGE_ENV": "development"}


def test_off_by_default() -> None:
    from actions.settings import ActionSettings

    assert not ActionSettings.from_env(DEV).triage_semantic
    assert ActionSettings.from_env({**DEV, "TRIAGE_SEMANTIC": "1"}).triage_semantic
    assert not ActionSettings.from_env({**DEV, "FAQ_SEMANTIC": "0"}).faq_semantic


def test_encoder_rows_are_unit_length_and_paraphrases_are_close() -> None:
    enc = default_encoder()
    assert enc is not None
    v = enc.encode(["i can't catch my breath", "I am short of breath", "how do I pay my bill"])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_clauses_cut_at_commas_and_joining_words(matcher: semantic.SemanticFindings) -> None:
    from actions.nlp.pipeline import get_pipeline

    doc = get_pipeline()("my words are coming out jumbled, and my smile looks lopsided")
    assert [c.text for c in semantic.clauses(doc)] == ["my words are coming out jumbled",
                                                       "my smile looks lopsided"]


@pytest.mark.parametrize(("text", "concept"), [
    ("the room keeps spinning", "dizziness"),
    ("the baby hasn't wanted her bottle all day", "poor_feeding"),
])
def test_adds_a_paraphrased_finding_the_lexicon_misses(text: str, concept: str,
                                                       matcher: semantic.SemanticFindings) -> None:
    assert concept not in _without_semantic(text)
    facts = extract_facts(text)
    assert concept in facts.present
    assert any(f.semantic and f.concept == concept for f in facts.findings)


def test_negation_applies_to_an_added_finding(matcher: semantic.SemanticFindings) -> None:
    facts = extract_facts("my mouth is not sagging on one side")
    added = [f for f in facts.findings if f.semantic and f.concept == "face_drooping"]
    assert added and added[0].negated  # the matcher found it; ConText negated it
    assert "face_drooping" not in facts.present


def test_hypothetical_applies_to_an_added_finding(matcher: semantic.SemanticFindings) -> None:
    assert "dizziness" not in extract_facts("what if the room spins").present


@pytest.mark.parametrize("text", [
    "I have chest pain and I can't catch my breath, no fever",
    "my baby has a rash and won't take her bottle",
    "sore throat for two days but no trouble swallowing",
])
def test_never_removes_a_finding(text: str, matcher: semantic.SemanticFindings) -> None:
    assert _without_semantic(text) <= extract_facts(text).present
