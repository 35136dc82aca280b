"""Messages close together in one conversation: every one is processed exactly once, in the order
it was sent, and answered — on REST, web chat and SMS, with the stack's two Rasa workers.

Each message of a burst is written to the server 10 ms after the previous one (the connections
are opened first, so the gap is between the messages themselves). Before the turn lock was
replaced (bot/lock_store.py), bursts of 5 hung or lost messages and bursts of 30 hung for
minutes.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.resilience.helpers import (
    WebChat,
    rest_burst,
    sms_burst,
    sms_conversation_id,
    unanswered_user_turns,
    user_texts,
    wait_for_user_turns,
    webchat_conversation_id,
)

SIZES = [5, 30]
# A burst of 30 is about 30 turns in a row: generous, but a hang (the old lock) takes minutes.
TIMEOUT_S = {5: 60, 30: 180}


def numbered(size: int) -> list[str]:
    tag = uuid.uuid4().hex[:6]
    return [f"hello {tag} message {i}" for i in range(size)]


def assert_exactly_once_in_order(events: list[dict], sent: list[str]) -> None:
    received = user_texts(events)
    assert received == sent, "messages lost, repeated or reordered"
    assert unanswered_user_turns(events) == []


@pytest.mark.parametrize("size", SIZES)
def test_a_rest_burst_is_processed_once_each_in_order_with_replies(stack, size) -> None:
    sender = f"burst-rest-{uuid.uuid4().hex[:10]}"
    sent = numbered(size)
    replies = rest_burst(stack, sender, sent)
    assert [r.status for r in replies] == [200] * size
    assert all(json.loads(r.body) for r in replies), "a message got an empty reply"
    assert max(r.seconds for r in replies) < TIMEOUT_S[size]
    assert_exactly_once_in_order(wait_for_user_turns(stack, sender, size, 30), sent)


@pytest.mark.parametrize("size", SIZES)
def test_a_web_chat_burst_is_processed_once_each_in_order_with_replies(stack, size) -> None:
    chat = WebChat(stack)
    try:
        sent = numbered(size)
        chat.send_burst(sent)
        got = chat.wait_for(size, TIMEOUT_S[size])
        assert len(got) >= size, f"{len(got)} replies to {size} messages"
        conversation = webchat_conversation_id(stack, chat.conversation_token)
        assert_exactly_once_in_order(wait_for_user_turns(stack, conversation, size, 30), sent)
    finally:
        chat.close()


@pytest.mark.parametrize("size", SIZES)
def test_an_sms_burst_is_processed_once_each_in_order_with_replies(stack, size) -> None:
    phone = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    sent = numbered(size)
    acks = sms_burst(stack, phone, sent)
    assert [a.status for a in acks] == [200] * size
    conversation = sms_conversation_id(stack, phone)
    events = wait_for_user_turns(stack, conversation, size, TIMEOUT_S[size])
    assert_exactly_once_in_order(events, sent)
    assert len(stack.twilio_recorder.wait_for(phone, size, timeout=30)) >= size
