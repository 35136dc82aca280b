"""decide(): answer with its source page, "not sure" without a guess, medical questions routed to
the symptom check, empty input and button payloads."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from actions.core.faq.answer import (
    MEDICAL_TEXT,
    NOT_SURE_TEXT,
    MedicalDetector,
    decide,
    default_medical_detector,
    default_retriever,
)
from actions.core.faq.knowledge import load_faq


@pytest.fixture(scope="module")
def retriever():
    return default_retriever()


def test_answer_names_its_source_page(retriever) -> None:
    d = decide("what are your opening hours", retriever)
    assert d.kind == "answer" and d.entry is not None and d.entry.id == "opening_hours"
    first, second = d.text.split("\n")
    assert first == d.entry.answer
    assert second == "Source: Opening hours — https://riversidefamilyhealth.example/hours"


@pytest.mark.parametrize("text", ["", "   ", "\n", "/ask_clinic_info", " /greet", "?!", "..."])
def test_empty_input_and_button_payloads(retriever, text: str) -> None:
    d = decide(text, retriever)
    assert d.kind == "empty" and d.entry is None
    assert "clinic" in d.text


@pytest.mark.parametrize(
    "text",
    [
        # the brief's examples
        "is this rash serious?",
        "should I worry about my chest pain",
        "what dose of ibuprofen should I take",
        "do I need antibiotics",
        # more ways patients ask
        "how much tylenol can I give my 2 year old",
        "can I take advil with my blood pressure medicine",
        "is it safe to get the flu shot while pregnant",
        "is the covid vaccine safe for kids",
        "what causes migraines",
        "my son has a fever of 102",
        "could this be strep throat",
        "should I go to the ER or urgent care",
        "what are the side effects of the shingles vaccine",
        "how do I treat a sunburn",
        "what's good for a sore throat",
        "why does my back hurt when I sit",
        "I have a lump in my neck",
        "what should I take for a headache",
        "is it normal to feel tired after a booster",
        "do I need stitches",
    ],
)
def test_medical_questions_go_to_the_symptom_check(retriever, text: str) -> None:
    d = decide(text, retriever)
    assert d.kind == "medical" and d.entry is None
    assert d.text == MEDICAL_TEXT
    assert "symptom check" in d.text and "can't answer medical questions" in d.text


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("do you do flu shots", "flu_shot"),
        ("how do I get my test results", "test_results"),
        ("can I get a refill of my pain medication", "controlled_refills"),
        ("is it ok to bring my kids to my appointment", "bringing_children"),
        ("should I bring my pill bottles", "what_to_bring"),
        ("how do I stop getting text messages", "text_opt_out"),
        ("do you have covid vaccines", "covid_vaccine"),
        ("where should I get my flu shot", "flu_shot"),
    ],
)
def test_clinic_questions_with_medical_words_are_not_medical(retriever, text: str,
                                                             entry_id: str) -> None:
    d = decide(text, retriever)
    assert d.kind != "medical"
    assert d.kind == "not_sure" or (d.entry is not None and d.entry.id == entry_id)


def test_no_faq_question_or_alternate_looks_medical() -> None:
    detector = default_medical_detector()
    hits = {(e.id, t): detector.first_match(t)
            for e in load_faq() for t in (e.question, *e.alternates)}
    assert {k: v for k, v in hits.items() if v} == {}


def test_medical_wins_over_a_matching_entry(retriever) -> None:
    text = "is the flu shot safe during pregnancy"
    assert retriever.match("flu shot during pregnancy").entry.id == "flu_shot"
    assert decide(text, retriever).kind == "medical"


def test_symptoms_found_by_the_caller_route_to_medical(retriever) -> None:
    assert decide("where can I park", retriever).kind == "answer"
    d = decide("where can I park", retriever, symptoms_mentioned=True)
    assert d.kind == "medical" and d.entry is None


@pytest.mark.parametrize(
    "text", ["what's the weather", "who won the game", "do you do acupuncture",
             "can I bring my dog"])
def test_unrelated_questions_get_a_person_not_a_guess(retriever, text: str) -> None:
    d = decide(text, retriever)
    assert d.kind == "not_sure" and d.entry is None
    assert d.text == NOT_SURE_TEXT
    assert "not sure" in d.text and "clinic team" in d.text
    assert all(e.answer not in d.text for e in load_faq())


def test_decide_logs_nothing(retriever, caplog: pytest.LogCaptureFixture) -> None:
    # Patients' words are PHI: the FAQ core never logs them (or anything else).
    with caplog.at_level(logging.DEBUG):
        for text in ("my name is Jane Doe, DOB 1/2/1980, where do I park", "is this rash serious"):
            decide(text, retriever)
    assert caplog.records == []


def test_medical_patterns_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "_medical_patterns.yml"
    path.write_text("drug: [tylenol]\npatterns:\n  - '\\btake {drug}\\b'\n", encoding="utf-8")
    detector = MedicalDetector.load(path)
    assert detector.is_medical("can I take Tylenol") and not detector.is_medical("take a seat")
    path.write_text("patterns:\n  - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad pattern"):
        MedicalDetector.load(path)
    path.write_text("symptom: [rash, no]\npatterns: ['{symptom}']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="quote yes/no/on/off"):
        MedicalDetector.load(path)
