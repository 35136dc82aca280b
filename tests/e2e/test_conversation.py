"""A patient chats over REST with the real stack: greeting, menu, capabilities, fallbacks."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.helpers import say, texts


def test_greeting_has_notice_911_and_the_three_capabilities(stack, sender) -> None:
    reply = say(stack, sender, "hello")
    assert "not a clinician" in texts(reply)
    assert "911" in texts(reply)
    titles = [b["title"] for m in reply for b in m.get("buttons", [])]
    assert titles == ["Questions about the clinic", "Appointments", "Check my symptoms"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("what can you do?", "questions about the clinic, appointments, and checking symptoms"),
        ("are you a bot?", "not a person and not a clinician"),
        ("are you a real human", "not a person and not a clinician"),
        ("thank you so much", "You're welcome"),
        ("goodbye", "Goodbye"),
        ("tell me a joke", "can't help with that"),
        ("can I talk to a real person", "asked a person from the clinic team"),
    ],
)
def test_small_talk_and_menu(stack, sender, message, expected) -> None:
    assert expected in texts(say(stack, sender, message))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("/ask_clinic_info", "What would you like to know about the clinic?"),
        ("what are your opening hours on saturday", "Source:"),
        ("/manage_appointment", "book a new appointment, reschedule or cancel"),
        ("I need to reschedule my appointment", "confirmation code"),
    ],
)
def test_each_capability_starts_from_the_menu_or_in_words(stack, sender, message,
                                                          expected) -> None:
    assert expected in texts(say(stack, sender, message))


def test_gibberish_gets_low_confidence_fallback_with_menu(stack, sender) -> None:
    reply = say(stack, sender, "qwzx plorf vuuump")
    assert "didn't quite understand" in texts(reply)
    assert any(m.get("buttons") for m in reply)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "valid JSON"),
        (b"[]", "JSON object"),
        (b'{"message": "hi"}', "'sender' is required"),
        (b'{"sender": "abc"}', "'message' is required"),
        (b'{"sender": "abc", "message": ""}', "'message' is required"),
    ],
)
def test_malformed_requests_get_400_with_a_reason(stack, body, reason) -> None:
    r = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=body,
                   headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 400
    assert reason in r.json()["error"]
    assert "Traceback" not in r.text


def test_a_long_message_is_read_to_its_end(stack, sender) -> None:
    story = ("I have been feeling off for a few weeks, tired after work and not sleeping well, "
             "and my knees ache when I climb the stairs. ") * 40
    message = story + "Right now I have crushing chest pain going into my left arm."
    assert len(message) > 5000
    r = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                   json={"sender": sender, "message": message}, timeout=30)
    assert r.status_code == 200
    texts = [m.get("text") or "" for m in r.json()]
    assert texts and "911" in texts[0]


def test_a_message_far_beyond_any_real_one_is_cut_kindly_not_refused(stack, sender) -> None:
    message = "my knees ache a little. " * 1200 + "I want to end my life tonight."
    assert len(message) > 25_000
    r = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                   json={"sender": sender, "message": message}, timeout=30)
    assert r.status_code == 200
    texts = " ".join(m.get("text") or "" for m in r.json())
    assert "988" in texts and "very long" in texts


def test_an_abusive_body_is_refused_with_a_reason(stack, sender) -> None:
    r = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                   json={"sender": sender, "message": "a" * 250_000}, timeout=30)
    assert r.status_code == 400
    assert "too long" in r.json()["error"]


def test_patient_script_over_rest_keeps_buttons_structured(stack, sender) -> None:
    """The same script as tests/e2e/test_twilio_channels.py: on REST (and the web widget) quick
    replies stay structured buttons instead of numbered text."""
    greeting = say(stack, sender, "hello")
    assert "not a clinician" in texts(greeting)
    assert "Reply 1" not in texts(greeting)
    assert [b["title"] for m in greeting for b in m.get("buttons", [])] == [
        "Questions about the clinic", "Appointments", "Check my symptoms"]
    assert "Source:" in texts(say(stack, sender, "when are you open"))
    booking = say(stack, sender, "book an appointment")
    assert "What kind of visit" in texts(booking)
    assert "Follow-up visit" in [b["title"] for m in booking for b in m.get("buttons", [])]
    assert "stopped" in texts(say(stack, sender, "stop"))
    question = say(stack, sender, "I have a runny nose and a mild cough")
    assert "How old" in texts(question)
    assert [b["title"] for m in question for b in m.get("buttons", [])] == ["I don't know"]
    follow_up = say(stack, sender, "I don't know")
    assert [b["title"] for m in follow_up for b in m.get("buttons", [])] == [
        "Yes", "No", "I don't know"]
