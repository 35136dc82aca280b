"""ConText: negated, family, hypothetical and historical mentions are not present findings."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "absent_concept", "flag"),
    [
        ("no chest pain, just a cough", "chest_pain", "negated"),
        ("I don't have a fever", "fever", "negated"),
        ("denies any vomiting", "vomiting", "negated"),
        ("my father had a stroke", "stroke_signs", "family"),
        ("Mother had chest pain for years", "chest_pain", "family"),
        ("family history of heart attack", "chest_pain", "family"),
        ("what if my baby gets a fever", "fever", "hypothetical"),
        ("what should I do if he gets a rash", "rash", "hypothetical"),
        ("I had a seizure 10 years ago", "seizure", "historical"),
        ("history of stroke", "stroke_signs", "historical"),
    ],
)
def test_context_flags_make_findings_not_present(facts_of, text, absent_concept, flag):
    facts = facts_of(text)
    assert absent_concept not in facts.present
    mentions = [f for f in facts.findings if f.concept == absent_concept]
    assert mentions, f"{absent_concept} should still be found in {text!r}"
    assert all(getattr(f, flag) for f in mentions)


def test_negation_stops_at_new_clause(facts_of):
    facts = facts_of("no chest pain, just a cough")
    assert "cough" in facts.present
    facts = facts_of("my dad had a stroke and now I have chest pain")
    assert "chest_pain" in facts.present
    assert "stroke_signs" not in facts.present


def test_negation_covers_a_list(facts_of):
    facts = facts_of("no fever, cough or rash")
    assert not {"fever", "cough", "rash"} & facts.present


def test_trigger_inside_a_symptom_phrase_does_not_negate_it(facts_of):
    assert "suicidal_ideation" in facts_of("everyone would be better off without me").present
    assert "suicidal_ideation" in facts_of("I don't want to live anymore").present
    assert "vomiting" in facts_of("I can't stop vomiting").present
    assert "severe_bleeding" in facts_of("the cut won't stop bleeding").present


def test_uncertain_mentions_still_count(facts_of):
    # "I think" / "maybe" is a worried guess, not a denial: it stays present for triage.
    facts = facts_of("I think I might be having a stroke")
    assert "stroke_signs" in facts.present


def test_my_son_is_not_family_history(facts_of):
    assert "fever" in facts_of("my son has a fever").present


def test_crisis_phrase_survives_inside_a_longer_symptom_span(facts_of):
    # "cut my wrist too deep" sits inside "cut ... and it won't stop bleeding": both must count.
    facts = facts_of("cut my wrist too deep and it won't stop bleeding")
    assert "self_harm" in facts.present
    assert "severe_bleeding" in facts.present


def test_sentence_initial_not_negates(facts_of):
    facts = facts_of("Not suicidal. Not dizzy either, just tired")
    assert "suicidal_ideation" not in facts.present
    assert "dizziness" not in facts.present


def test_not_inside_a_symptom_phrase_does_not_negate_it(facts_of):
    facts = facts_of("he's not breathing and not making sense")
    assert "unresponsive" in facts.present
    assert "confusion" in facts.present
