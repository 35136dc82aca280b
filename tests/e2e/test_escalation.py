"""Escalation to staff across the real system: the assistant queues the conversation in Redis,
an agent signs in to the console, claims, replies into the patient's own channel (SMS through the
real twilio Client to the local recording endpoint), the assistant stays silent, then resumes."""

from __future__ import annotations

import time
import uuid

import pytest

from actions.escalation.store import EscalationQueue
from tests.e2e.console_client import ConsoleUser, new_staff
from tests.e2e.helpers import say, texts
from tests.e2e.test_twilio_channels import (
    SMS,
    bodies,
    chat,
    new_address,
    our_address,
    quiet,
    rasa_sender,
    send,
)


def queue(stack) -> EscalationQueue:
    return EscalationQueue.from_url(stack.redis_settings.url)


def test_sms_patient_asks_for_a_person_agent_claims_replies_and_hands_back(stack) -> None:
    address = new_address(SMS)
    conversation = rasa_sender(stack, address)
    told = bodies(chat(stack, SMS, address, "can I talk to a real person please"))
    assert "asked a person from the clinic team" in told

    agent = ConsoleUser(stack, *new_staff(stack))
    entry = agent.wait_for_entry(conversation)
    assert entry["summary"]["reason"] == "patient_request"
    assert entry["summary"]["channel"] == "sms"

    before = len(stack.twilio_recorder.messages(address))
    assert agent.act(conversation, "claim").status_code == 200
    joined = stack.twilio_recorder.wait_for(address, before + 1)[before:]
    assert "from the clinic team" in bodies(joined)

    before = len(stack.twilio_recorder.messages(address))
    r = agent.act(conversation, "reply", text="Hi, this is Dana at the front desk. How can I help?")
    assert r.status_code == 200, r.text
    reply = stack.twilio_recorder.wait_for(address, before + 1)[before:]
    assert reply[0]["Body"] == "Hi, this is Dana at the front desk. How can I help?"
    assert reply[0]["To"] == address and reply[0]["From"] == our_address(stack, SMS)

    # While a person owns the conversation the assistant says nothing, and the agent sees the
    # patient's message in the transcript.
    count = len(stack.twilio_recorder.messages(address))
    send(stack, SMS, address, "I need to change my prescription pickup")
    assert quiet(stack, address, count, seconds=3)
    transcript = agent.conversation(conversation)["transcript"]
    assert any(t["role"] == "patient" and "prescription pickup" in t["text"] for t in transcript)
    assert any(t["role"] == "agent" and "Dana" in t["text"] for t in transcript)

    before = len(stack.twilio_recorder.messages(address))
    assert agent.act(conversation, "handback").status_code == 200
    assert stack.twilio_recorder.wait_for(address, before + 1)[before:]
    assert "not a clinician" in bodies(chat(stack, SMS, address, "hello"))
    assert queue(stack).get(conversation).status == "handed_back"


def test_emergency_creates_a_top_priority_entry_within_a_second(stack) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    reply = say(stack, sender, "crushing chest pain going down my left arm and I'm sweating")
    replied_at = time.time()
    assert texts(reply).startswith("Call 911 now")
    q = queue(stack)
    entry = None
    while time.time() - replied_at < 1.0 and entry is None:
        entry = q.get(sender)
        time.sleep(0.02)
    assert entry is not None, "no queue entry within 1 s of the 911 reply"
    assert entry.priority == 0 and entry.summary.reason.value == "emergency"
    assert entry.summary.disposition == "emergency" and entry.summary.red_flags
    waiting = q.waiting()
    top = [e for e in waiting if e.priority == 0]
    assert waiting[:len(top)] == top  # priority 0 entries come first


def test_crisis_is_queued_and_the_patient_gets_988(stack) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    reply = texts(say(stack, sender, "I want to kill myself"))
    assert "988" in reply
    deadline = time.time() + 2
    entry = None
    while time.time() < deadline and entry is None:
        entry = queue(stack).get(sender)
        time.sleep(0.05)
    assert entry is not None and entry.priority == 0
    assert entry.summary.reason.value == "crisis"


def test_one_entry_per_conversation_and_the_patient_is_told_once(stack) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    assert "asked a person" in texts(say(stack, sender, "I want to speak to a human"))
    again = texts(say(stack, sender, "agent please"))
    assert "already in the queue" in again
    assert sum(1 for e in queue(stack).open_entries() if e.conversation_id == sender) == 1


def test_unanswerable_faq_then_person_records_the_reason(stack) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    unsure = say(stack, sender, "do you offer acupuncture?")
    payload = next(b["payload"] for m in unsure for b in m.get("buttons", [])
                   if b["title"] == "Talk to a person")
    assert "asked a person" in texts(say(stack, sender, payload))
    assert queue(stack).get(sender).summary.reason.value == "faq_unanswered"


def test_two_fallbacks_in_a_row_escalate(stack) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    assert "didn't quite understand" in texts(say(stack, sender, "qwzx plorf vuuump"))
    second = texts(say(stack, sender, "zzkv blorptang quux"))
    assert "asked a person" in second
    assert queue(stack).get(sender).summary.reason.value == "repeated_fallback"


def test_a_second_agent_cannot_reply_to_a_claimed_conversation(stack) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    say(stack, sender, "let me talk to a real person")
    first = ConsoleUser(stack, *new_staff(stack))
    second = ConsoleUser(stack, *new_staff(stack))
    first.wait_for_entry(sender)
    assert first.act(sender, "claim").status_code == 200
    assert second.act(sender, "claim").status_code == 409
    assert second.act(sender, "reply", text="hello").status_code == 403
    assert second.conversation(sender)["notes"] is None
    supervisor = ConsoleUser(stack, *new_staff(stack, role="supervisor"))
    assert supervisor.act(sender, "reply", text="A supervisor here.").status_code == 200
    assert first.act(sender, "resolve").status_code == 200
    assert "not a clinician" in texts(say(stack, sender, "hello"))


@pytest.mark.parametrize(("opening", "question"), [
    ("I'd like to book an appointment", "What kind of visit"),
    ("book a follow-up visit", "what is the visit for"),  # a free-text answer is expected here
])
def test_asking_for_a_person_mid_booking_ends_the_form_and_queues(stack, opening,
                                                                  question) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    assert question in texts(say(stack, sender, opening))
    reply = texts(say(stack, sender, "can I just talk to a real person"))
    assert "asked a person" in reply and question not in reply
    assert queue(stack).get(sender).summary.reason.value == "patient_request"
    assert "not a clinician" in texts(say(stack, sender, "hello"))  # no booking question


def test_red_flags_still_get_911_while_a_person_owns_the_conversation(stack) -> None:
    sender = f"esc-{uuid.uuid4().hex[:10]}"
    say(stack, sender, "I want to talk to a person")
    agent = ConsoleUser(stack, *new_staff(stack))
    agent.wait_for_entry(sender)
    assert agent.act(sender, "claim").status_code == 200
    assert queue(stack).get(sender).priority == 2
    # Ordinary messages are for the person: the assistant stays silent.
    assert say(stack, sender, "I wanted to ask about my bill") == []
    # A red flag is the one exception: the 911 instruction at once, and the entry goes to the top.
    reply = texts(say(stack, sender, "now my chest is crushing and my left arm is numb"))
    assert reply.startswith("Call 911 now")
    deadline = time.time() + 2
    while time.time() < deadline and queue(stack).get(sender).priority != 0:
        time.sleep(0.05)
    entry = queue(stack).get(sender)
    assert entry.priority == 0 and entry.status == "claimed" and entry.owner
    assert say(stack, sender, "ok") == []  # still paused for the person
