"""The engine on hand-built Facts: no spaCy needed, so these pin the rule logic itself."""

from __future__ import annotations

from actions.core.triage.engine import assess_facts
from actions.nlp.extract import Facts


def facts(*present: str, **kw) -> Facts:
    return Facts(present=set(present), **kw)


def test_nothing_matched_defaults_to_routine_with_questions():
    result = assess_facts(facts())
    assert result.disposition == "routine"
    assert result.next_questions and not result.decided


def test_emergency_beats_everything_and_stops_questions():
    result = assess_facts(facts("common_cold", "chest_pain", "sweating"))
    assert result.disposition == "emergency"
    assert "em_cardiac_chest_pain" in result.red_flags
    assert result.next_questions == [] and result.decided


def test_order_emergency_urgent_routine_self_care():
    assert assess_facts(facts("common_cold")).disposition == "self_care"
    assert assess_facts(facts("common_cold", "dysuria")).disposition == "routine"
    assert assess_facts(facts("common_cold", "dysuria", "flank_pain")).disposition == "urgent"
    assert assess_facts(facts("common_cold", "dysuria", "seizure")).disposition == "emergency"


def test_combination_raises_level():
    assert assess_facts(facts("fever")).disposition != "emergency"
    assert assess_facts(facts("fever", "stiff_neck")).disposition == "emergency"


def test_infant_fever_by_age():
    assert assess_facts(facts("fever", age_years=0.1)).disposition == "emergency"
    assert assess_facts(facts("fever", age_years=0.4)).disposition == "urgent"
    assert assess_facts(facts(temperature_c=38.2, age_years=0.1)).disposition == "emergency"


def test_temperature_threshold():
    assert assess_facts(facts("fever", temperature_c=40.2, age_years=30)).disposition == "urgent"


def test_duration_moves_self_care_to_routine():
    assert assess_facts(facts("cough", duration_hours=48)).disposition == "self_care"
    assert assess_facts(facts("cough", duration_hours=24 * 30)).disposition == "routine"


def test_severity_keeps_severe_pain_out_of_self_care():
    assert assess_facts(facts("headache", severity=3, age_years=30)).disposition == "self_care"
    assert assess_facts(facts("headache", severity=9, age_years=30)).disposition == "urgent"


def test_pregnancy_with_bleeding():
    assert assess_facts(facts("vaginal_bleeding", pregnant=True)).disposition == "urgent"
    late = facts("vaginal_bleeding", pregnant=True, pregnancy_weeks=30)
    assert assess_facts(late).disposition == "emergency"
    heavy = facts("vaginal_bleeding", "dizziness", pregnant=True)
    assert assess_facts(heavy).disposition == "emergency"


def test_crisis_flag_and_level():
    ideation = assess_facts(facts("suicidal_ideation"))
    assert ideation.crisis and ideation.disposition == "urgent"
    plan = assess_facts(facts("suicidal_ideation", "suicide_plan"))
    assert plan.crisis and plan.disposition == "emergency"
    harm = assess_facts(facts("harm_others"))
    assert harm.crisis and harm.disposition == "urgent"


def test_answers_yes_raise_and_no_never_removes_text_evidence():
    base = facts("headache", age_years=30)
    first = assess_facts(base)
    assert first.disposition == "self_care"
    assert any(q.concept == "thunderclap_headache" for q in first.next_questions)
    raised = assess_facts(facts("headache", age_years=30), answers={"ha_sudden": "yes"})
    assert raised.disposition == "emergency"
    kept = assess_facts(facts("chest_pain", "sweating"), answers={"chest_sweat_sob": "no"})
    assert kept.disposition == "emergency"


def test_self_care_never_for_young_babies():
    assert assess_facts(facts("common_cold", age_years=0.1)).disposition == "routine"


def test_self_care_results_carry_advice_and_precautions():
    result = assess_facts(facts("sunburn", age_years=30))
    assert result.disposition == "self_care"
    assert result.advice and result.return_precautions and result.sources
