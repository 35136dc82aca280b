"""Lexicon coverage: lay phrasings, SMS shorthand, misspellings, idioms."""

from __future__ import annotations

import pytest

from actions.nlp.fuzzy import SpellingCorrector, damerau_levenshtein
from actions.nlp.lexicon import load_lexicon


def test_lexicon_is_broad():
    lexicon = load_lexicon()
    symptoms = [c for c in lexicon.concepts.values() if c.category in {"symptom", "crisis"}]
    assert len(symptoms) >= 100
    for concept in lexicon.concepts.values():
        for target in concept.implies:
            assert target in lexicon.concepts


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("cant catch my breath", "shortness_of_breath"),
        ("SOB since this morning", "shortness_of_breath"),
        ("throwing up blood", "vomiting_blood"),
        ("worst headache of my life", "thunderclap_headache"),
        ("chest pian", "chest_pain"),
        ("my bby wont wake up", "unresponsive"),
        ("crushing pain in the middle of my chest", "chest_pain"),
        ("pain in my lower right tummy", "abdominal_pain"),
        ("it burns when I pee", "dysuria"),
        ("my lips are turning blue", "blue_lips"),
        ("rash that doesn't fade under a glass", "non_blanching_rash"),
        ("vomitting all night", "vomiting"),
        ("diarhea for 2 days", "diarrhoea"),
        ("sore thraot", "sore_throat"),
        ("twisted my ankle", "sprain"),
        ("got stung by a wasp", "insect_bite"),
        ("sunburnt shoulders", "sunburn"),
        ("my face is drooping", "face_drooping"),
        ("slurring her words", "speech_difficulty"),
        ("he's having a fit", "seizure"),
        ("took too many pills", "overdose"),
        ("kms", "suicidal_ideation"),
        ("I want to end it all", "suicidal_ideation"),
        ("I keep wanting to hurt myself", "self_harm"),
        ("I'm going to kill him", "harm_others"),
    ],
)
def test_lay_phrasings(facts_of, text, concept):
    assert concept in facts_of(text).present, text


@pytest.mark.parametrize(
    "text",
    [
        "this headache is killing me",
        "I'm dying to know when my results are back",
        "my feet are killing me after that walk",
        "I could kill for a coffee",
        "I fell and hurt myself at the gym",
        "bored to death in the waiting room",
    ],
)
def test_idioms_are_not_crisis(facts_of, text):
    facts = facts_of(text)
    crisis = {"suicidal_ideation", "self_harm", "harm_others", "suicide_plan", "suicide_attempt"}
    assert not crisis & facts.present, text


def test_spelling_correction_is_conservative():
    fixer = SpellingCorrector({"sweating", "throat", "breathing", "vomiting"})
    assert fixer.correct("thraot") == "throat"
    assert fixer.correct("swearing") is None  # a real English word is never "fixed"
    assert fixer.correct("brething") == "breathing"
    assert damerau_levenshtein("pian", "pain") == 1
