"""Acceptance: the Rasa server is killed mid-conversation and restarted; the conversation goes on
from Redis with its slots and history."""

from __future__ import annotations

from tests.e2e.helpers import say, texts, tracker


def test_conversation_survives_a_rasa_crash_and_restart(stack, sender) -> None:
    assert "not a clinician" in texts(say(stack, sender, "hi"))
    say(stack, sender, "what can you do?")
    before = tracker(stack, sender)
    assert before["slots"]["consent_shown"] is True
    user_turns_before = [e["text"] for e in before["events"] if e["event"] == "user"]
    assert user_turns_before == ["hi", "what can you do?"]

    old_pid = stack.rasa.pid
    stack.restart_rasa()  # SIGKILL: no chance to flush anything on the way down
    assert stack.rasa.pid != old_pid

    after = tracker(stack, sender)
    assert after["slots"]["consent_shown"] is True
    assert [e["text"] for e in after["events"] if e["event"] == "user"] == user_turns_before

    # The next message continues the same conversation: a returning patient is welcomed back.
    reply = texts(say(stack, sender, "hello again"))
    assert "Welcome back" in reply
    final = tracker(stack, sender)
    assert [e["text"] for e in final["events"] if e["event"] == "user"] == [
        "hi", "what can you do?", "hello again"]
