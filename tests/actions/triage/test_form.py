import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.triage.form import ActionAskTriageAnswer, ValidateTriageForm
from tests.actions.helpers import make_tracker


def run(coro):
    return asyncio.run(coro)


def test_opening_message_with_symptoms_becomes_the_complaint() -> None:
    form = ValidateTriageForm()
    tracker = make_tracker("my ankle is swollen after I twisted it")
    assert run(form.extract_triage_complaint(CollectingDispatcher(), tracker, {})) == {
        "triage_complaint": "my ankle is swollen after I twisted it"}


def test_check_my_symptoms_is_not_a_complaint() -> None:
    form = ValidateTriageForm()
    tracker = make_tracker("check my symptoms")
    assert run(form.extract_triage_complaint(CollectingDispatcher(), tracker, {})) == {}


def test_required_slots_stop_at_once_on_a_red_flag() -> None:
    form = ValidateTriageForm()
    tracker = make_tracker(slots={"triage_complaint": "I can't breathe and my lips are blue"})
    slots = run(form.required_slots(["triage_complaint", "triage_answer"],
                                    CollectingDispatcher(), tracker, {}))
    assert slots == ["triage_complaint"]


def test_ask_action_records_the_question_it_asked() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"triage_complaint": "I have a sore throat"})
    events = run(ActionAskTriageAnswer().run(dispatcher, tracker, {}))
    asked = {e["name"]: e["value"] for e in events}
    assert asked["triage_question"] == "q_age"
    assert asked["triage_asked"] == ["q_age"]
    assert "How old" in dispatcher.messages[0]["text"]


def test_answer_is_recorded_and_cleared_for_the_next_question() -> None:
    form = ValidateTriageForm()
    tracker = make_tracker("34", slots={"triage_complaint": "I have a sore throat",
                                        "triage_question": "q_age", "triage_asked": ["q_age"]})
    result = run(form.validate_triage_answer("34", CollectingDispatcher(), tracker, {}))
    assert result["triage_answer"] is None
    assert result["triage_age"] == 34
    assert result["triage_answers"]["q_age"] == "34.0"


def test_stop_ends_the_form() -> None:
    form = ValidateTriageForm()
    tracker = make_tracker("stop", slots={"triage_complaint": "rash"})
    assert run(form.validate_triage_answer("stop", CollectingDispatcher(), tracker, {}))[
        "triage_stopped"] is True
