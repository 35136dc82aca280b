from actions.core.triage import interview
from actions.core.triage.interview import (
    AGE_QUESTION,
    MAX_QUESTIONS,
    InterviewState,
    next_question,
    parse_age_years,
    parse_yes_no,
    record_answer,
)


def test_yes_no_dont_know() -> None:
    assert parse_yes_no("yes") == "yes"
    assert parse_yes_no("Yeah, a bit") == "yes"
    assert parse_yes_no("no") == "no"
    assert parse_yes_no("nope") == "no"
    for unsure in ("I don't know", "idk", "not sure", "dunno", "maybe", "?", "purple"):
        assert parse_yes_no(unsure) == "unknown", unsure


def test_age_answers() -> None:
    assert parse_age_years("34") == 34
    assert parse_age_years("she's 4") == 4
    assert parse_age_years("6 weeks") == round(6 * 7 / 365, 3)
    assert parse_age_years("2 months old") == round(2 / 12, 3)
    assert parse_age_years("I don't know") is None
    assert parse_age_years("old enough") is None


def test_stop_words() -> None:
    assert interview.is_stop("stop")
    assert interview.is_stop("Cancel.")
    assert not interview.is_stop("the pain won't stop")


def test_red_flag_in_complaint_means_no_questions() -> None:
    step = next_question(InterviewState("my face is drooping and my speech is slurred"))
    assert step.done
    assert step.assessment.disposition == "emergency"


def test_crisis_means_no_questions() -> None:
    step = next_question(InterviewState("I want to kill myself"))
    assert step.done and step.assessment.crisis


def test_interview_asks_age_first_and_ends_within_the_limit() -> None:
    state = InterviewState("I have a sore throat")
    step = next_question(state)
    assert step.question_id == AGE_QUESTION
    asked = 0
    while not step.done:
        state.asked.append(step.question_id)
        record_answer(state, step.question_id, "I don't know")
        asked += 1
        step = next_question(state)
    assert asked <= MAX_QUESTIONS


def test_all_dont_know_equals_the_first_message_alone() -> None:
    first = "my lower back hurts after lifting boxes"
    state = InterviewState(first)
    step = next_question(state)
    while not step.done:
        state.asked.append(step.question_id)
        record_answer(state, step.question_id, "I don't know")
        step = next_question(state)
    assert state.narrative() == InterviewState(first).narrative()
    assert state.rule_answers() == {}


def test_yes_to_a_red_flag_question_escalates_and_stops() -> None:
    state = InterviewState("I have chest pain")
    step = next_question(state)
    while not step.done and step.question_id.startswith("q_"):
        state.asked.append(step.question_id)
        record_answer(state, step.question_id, "I don't know")
        step = next_question(state)
    assert not step.done  # a red-flag question about the chest pain
    state.asked.append(step.question_id)
    record_answer(state, step.question_id, "yes")
    after = next_question(state)
    assert after.done and after.assessment.disposition == "emergency"


def test_free_text_detail_in_an_answer_counts_as_evidence() -> None:
    state = InterviewState("I have a sore throat")
    state.asked.append("cold_swallow")
    record_answer(state, "cold_swallow", "no but now my lips are turning blue")
    assert next_question(state).assessment.disposition == "emergency"


def test_i_dont_know_never_lowers_urgency() -> None:
    state = InterviewState("I have chest pain")
    before = next_question(state).assessment.disposition
    for qid in ("q_age", "q_duration", "q_severity"):
        state.asked.append(qid)
        record_answer(state, qid, "I don't know")
    assert next_question(state).assessment.disposition == before


def test_breathlessness_interview_asks_the_deciding_modifier() -> None:
    # "Short of breath" alone is urgent; after an operation or a long journey it is an emergency.
    state = InterviewState("I've been short of breath today", age_years=45)
    step = next_question(state)
    asked = []
    while not step.done and step.question_id != "sob_clot":
        asked.append(step.question_id)
        state.asked.append(step.question_id)
        record_answer(state, step.question_id, "no")
        step = next_question(state)
    assert step.question_id == "sob_clot", asked
    assert len(state.asked) < MAX_QUESTIONS
    before = step.assessment.disposition
    state.asked.append("sob_clot")
    record_answer(state, "sob_clot", "yes, I flew back from Australia on Sunday")
    after = next_question(state)
    assert before == "urgent"
    assert after.done and after.assessment.disposition == "emergency"
