"""Temperature, duration, severity, age and pregnancy extraction."""

from __future__ import annotations

import pytest

from actions.nlp import quantities as q


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("temp of 101.5f", 38.6),
        ("39.2°c", 39.2),
        ("fever of 102", 38.9),
        ("it's 38.4 under the arm", 38.4),
        ("temperature is 37", 37.0),
        ("104 degrees", 40.0),
    ],
)
def test_temperature(text, celsius):
    assert q.parse_temperature_c(text) == pytest.approx(celsius, abs=0.05)


def test_no_temperature_in_scores_or_ages():
    assert q.parse_temperature_c("pain is 8/10, my 38 year old son") is None


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("for 3 days", 72),
        ("since yesterday", 18),
        ("2 weeks now", 336),
        ("started 20 minutes ago", 1 / 3),
        ("a couple of hours", 2),
    ],
)
def test_duration(text, hours):
    assert q.parse_duration_hours(text) == pytest.approx(hours, rel=0.01)


def test_age_is_not_a_duration_and_old_events_are_not_durations():
    assert q.parse_duration_hours("my 3 year old") is None
    assert q.parse_duration_hours("I had a seizure 10 years ago") is None


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("pain is 8/10", 8),
        ("9 out of 10", 9),
        ("severe pain", 8),
        ("mild ache", 2),
        ("worst ever", 9),
    ],
)
def test_severity(text, severity):
    assert q.parse_severity(text) == severity


@pytest.mark.parametrize(
    ("text", "years", "about_other"),
    [
        ("my 6 week old", 6 / 52, True),
        ("my 3yo has a rash", 3, True),
        ("i'm 72 and dizzy", 72, False),
        ("my 4 month old", 4 / 12, True),
        ("she's 15", 15, True),
    ],
)
def test_age(text, years, about_other):
    ages = q.parse_ages(text)
    assert any(
        a.years == pytest.approx(years, rel=0.01) and a.about_other == about_other for a in ages
    )


def test_pregnancy_weeks():
    assert q.parse_pregnancy_weeks("i'm 32 weeks pregnant") == 32


def test_facts_pick_the_patient_age(facts_of):
    facts = facts_of("I'm 30 and my 6 week old has a temp of 38.5")
    assert facts.age_years == pytest.approx(6 / 52, rel=0.01)
    assert facts.temperature_c == 38.5
    assert "fever" in facts.present  # a measured fever counts without the word


def test_baby_overrides_adult_form_age(facts_of):
    facts = facts_of("my baby has a fever", age=34)
    assert facts.age_years is None and facts.infant


def test_pregnancy_fact(facts_of):
    facts = facts_of("I'm 30 weeks pregnant and bleeding")
    assert facts.pregnant and facts.pregnancy_weeks == 30
    assert not facts_of("I'm not pregnant").pregnant
