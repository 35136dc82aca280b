"""The faster ConText gives exactly medspacy's own results: same triggers, same findings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from medspacy.context import ConText
from spacy.tokens import Doc

from actions.nlp.context_runner import required_words
from actions.nlp.lexicon import load_context_rules
from actions.nlp.pipeline import SPAN_GROUP, _context_rules, build_pipeline

CASES = Path(__file__).resolve().parents[1] / "triage_eval"
EXTRA = [
    "No fever. My dad had a stroke last year; I have chest pain now.",
    "I don't have chest pain but my jaw hurts. What if he gets a fever? Not sure if it's bad.",
    "denies shortness of breath, no vomiting : none. My mom was diagnosed with diabetes.",
    "He can't stop vomiting and isn't breathing well.\nShe used to get migraines as a child.",
    "",
    "thanks",
]


def _messages() -> list[str]:
    messages: list[str] = []
    for name in ("dev_cases.csv", "robustness_cases.csv"):
        with open(CASES / name, encoding="utf-8") as fh:
            messages += [row["message"] for row in csv.DictReader(fh)]
    joined = [" ".join(messages[i: i + 12]) for i in range(0, len(messages), 12)]
    return messages + joined + EXTRA


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


@pytest.fixture(scope="module")
def stock(nlp) -> ConText:
    context = ConText(nlp, rules=None, prune_on_target_overlap=True, input_span_type="group",
                      span_group_name=SPAN_GROUP)
    context.add(_context_rules(load_context_rules()))
    return context


def _before_context(nlp, text: str) -> Doc:
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name != "medspacy_context":
            doc = component(doc)
    return doc


def _context_of(doc: Doc) -> list[tuple]:
    return [(t.label_, t.start, t.end, t._.is_negated, t._.is_family, t._.is_hypothetical,
             t._.is_historical, t._.is_uncertain,
             [(m.category, m.modifier_span, m.scope_span) for m in t._.modifiers])
            for t in doc.spans[SPAN_GROUP]]


def _edges(doc: Doc) -> list[tuple]:
    return [(m.category, m.modifier_span, t.start, t.end) for t, m in doc._.context_graph.edges]


def test_same_results_as_medspacy_context(nlp, stock):
    runner = nlp.get_pipe("medspacy_context")
    modified = 0
    for text in _messages():
        expected_doc = stock(_before_context(nlp, text))
        doc = runner(_before_context(nlp, text))
        expected = _context_of(expected_doc)
        assert _context_of(doc) == expected, text
        assert _edges(doc) == _edges(expected_doc), text
        modified += sum(1 for finding in expected if finding[-1])
    assert modified > 100  # the comparison covers real negations, families, histories


def test_required_words_skip_optional_tokens():
    pattern = [{"LOWER": {"IN": ["if", "when"]}}, {"LOWER": "my", "OP": "?"},
               {"IS_ALPHA": True}, {"NORM": "not"}, {"LOWER": {"NOT_IN": ["x"]}}]
    assert required_words(pattern) == (("LOWER", frozenset({"if", "when"})),
                                       ("NORM", frozenset({"not"})))
