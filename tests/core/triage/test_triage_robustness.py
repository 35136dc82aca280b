"""Lay phrasings found in the robustness pass (tests/triage_eval/robustness_cases.csv).

Each group is a general fix, so every test uses phrasings that differ from the robustness-set
messages: the point is that the fix generalises, not that one message passes.
"""

from __future__ import annotations

import pytest

from actions.core.triage.engine import assess

# NHS "when to call 999": chest pain that feels tight, heavy, crushing or like pressure, or that
# spreads to the arms, back, neck or jaw, or comes with breathlessness, sweating or sickness.
CARDIAC_CHEST_PAIN = [
    "crushing chest pain",
    "crushing pain in my chest going down my left arm",
    "squeezing chest pain",
    "it's like a heavy weight pressing on my chest",
    "there's a tight band around my chest",
    "my chest feels like it's being squeezed in a vice",
    "pressure behind my breastbone",
    "heaviness in chest since this morning",
    "chest pain down my left arm",
    "pain in chest, it go into my jaw",
    "ache in the middle of my chest moving up into my neck",
    "I think I'm having a heart attack",
    "pain in centre of chest and I'm sweating a lot",
]


@pytest.mark.parametrize("text", CARDIAC_CHEST_PAIN)
def test_cardiac_chest_pain_phrasings_are_emergencies(text: str) -> None:
    assert assess(text).disposition == "emergency", text


def test_chest_tightness_with_a_cold_is_not_automatically_an_emergency() -> None:
    # A tight chest from a chesty cold is asked about (urgent), not sent to 911 by this rule.
    result = assess("chesty cough and a bit of a tight chest from the cold", age=30)
    assert "em_chest_pressure" not in result.fired


def test_relatives_heart_attack_is_family_history_not_chest_pain() -> None:
    result = assess(
        "my mum had a heart attack when she was 60, I'm 40 and well, can I get a check?"
    )
    assert "chest_pain" not in result.facts.present
    assert result.disposition != "emergency"


def test_heartburn_simile_does_not_hide_chest_pain_in_older_adult() -> None:
    # NHS: heart pain can feel like indigestion; the simile is not a report of indigestion.
    result = assess("new pain in my chest, feels like indigestion but it's different", age=70)
    assert result.disposition == "emergency"


STROKE_SIGNS = [
    "can't feel the right side of my face",
    "his face isn't straight any more",
    "my wife's words are coming out jumbled",
    "he can't get his words out properly",
    "dad is talking strangely and seems off",
    "the left side of her body has gone weak",
]


@pytest.mark.parametrize("text", STROKE_SIGNS)
def test_stroke_sign_lay_phrasings_are_emergencies(text: str) -> None:
    assert assess(text).disposition == "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "worst pain ever in my head, came on suddenly",
        "my headache is the worst I've ever had",
        "headache felt like being hit with a hammer",
    ],
)
def test_worst_ever_head_pain_is_an_emergency(text: str) -> None:
    assert assess(text).disposition == "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "my reliever inhaler isn't helping and I'm wheezing",
        "done 10 puffs of ventolin and still can't get my breath",
        "I can only say two words at a time, I'm so breathless",
        "swelling in my throat after eating cashews",
        "lower back pain and now I can't pee",
        "got some bleach in my eye",
        "coughing up a lot of dark blood",
        "cut my arm on a saw and it won't stop",
        "my 2 year old ate some of nana's pills",
        "we can hardly keep him awake",
        "her lips puffed up after peanut butter and she's wheezy",
        "took my whole prescription of sleeping tablets by mistake",
    ],
)
def test_other_emergency_lay_phrasings(text: str) -> None:
    assert assess(text).disposition == "emergency", text


CRISIS = [
    ("it would be easier for everyone if I wasn't around", "urgent"),
    ("life isn't worth it anymore", "urgent"),
    ("I wish I could just disappear", "urgent"),
    ("took a load of pills to end it", "emergency"),
    ("my dad says he'll kill himself tonight", "emergency"),
    ("she's bought a rope", "emergency"),
    ("I don't see a way out and keep thinking about dying", "urgent"),
    ("I've got a knife and I'm going to stab my neighbour", "emergency"),
    ("sliced my arm way too deep and it won't stop bleeding", "emergency"),
]


@pytest.mark.parametrize(("text", "level"), CRISIS)
def test_crisis_phrasings(text: str, level: str) -> None:
    result = assess(text)
    assert result.crisis, text
    assert result.disposition == level, text


@pytest.mark.parametrize(
    "text",
    [
        "Not suicidal, just worn down by work",
        "life is worth living, I'm just tired of this cough",
        "I could murder a curry, and I've got a runny nose",
        "my feet are murdering me after a long walk",
        "headache from stress at work",
    ],
)
def test_denials_and_idioms_are_not_crisis(text: str) -> None:
    assert not assess(text).crisis, text


SELF_CARE = [
    ("mild headache, I think I'm a bit dehydrated", None),
    ("a bit of a sniffle and a tickly throat", None),
    ("my stomach is a bit upset since breakfast, otherwise fine", 30),
    ("diarea since last night, drinking ok", 30),
    ("sor throte since yesterday", None),
    ("my knees ache after a long walk", 40),
    ("nettle sting, itchy and tingly", None),
    ("tension headache from stress at work", 30),
]


@pytest.mark.parametrize(("text", "age"), SELF_CARE)
def test_minor_problems_stay_self_care(text: str, age: float | None) -> None:
    assert assess(text, age=age).disposition == "self_care", text


def test_dehydration_word_still_matters_for_a_baby() -> None:
    assert assess("my baby seems dehydrated", age=0.5).disposition == "emergency"
    assert assess("dehydrated and keep vomiting", age=30).disposition == "urgent"


def test_long_standing_palpitations_are_routine() -> None:
    assert assess("heart flutters now and then for months, fine right now").disposition == "routine"


@pytest.mark.parametrize(
    "text",
    ["blood in my pee and it stings", "my skin has turned yellow", "burn on my hand has blistered"],
)
def test_urgent_lay_phrasings(text: str) -> None:
    assert assess(text).disposition == "urgent", text
