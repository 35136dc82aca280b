"""Appointment enumeration over the real stack (REST): a stranger who knows a patient's name and
date of birth sees no appointment and no code, guessing is locked after the limit in this and
any new conversation, and every attempt is in the audit stream without PHI."""

from __future__ import annotations

import json
import uuid

import redis

from actions.core.booking.verification import MAX_LOOKUP_FAILURES
from tests.e2e.helpers import say, texts
from tests.e2e.test_appointments_chat import book

NAME, DOB = "Lena Kowalski", "09/30/1977"


def conversation() -> str:
    return f"lookup-{uuid.uuid4().hex[:10]}"


def attempt(stack, sender: str, code: str) -> list[dict]:
    say(stack, sender, "show my appointments")
    say(stack, sender, NAME)
    asked = texts(say(stack, sender, DOB))
    assert "confirmation code" in asked or "For your privacy" in asked, asked
    return say(stack, sender, code)


def test_name_and_birthday_guessing_reveals_nothing_and_is_locked(stack) -> None:
    code = book(stack, conversation(), NAME, DOB)
    stranger = conversation()
    say(stack, stranger, "show my appointments")
    say(stack, stranger, NAME)
    asked = texts(say(stack, stranger, DOB))
    assert code not in asked and "Tuesday" not in asked and "confirmation code" in asked
    wrong = "ABCDEF" if code != "ABCDEF" else "ABCDEG"
    first = texts(say(stack, stranger, wrong))
    assert code not in first and "couldn't match" in first
    replies = []
    for _ in range(MAX_LOOKUP_FAILURES - 1):
        # After a failure the assistant asks for the name again (the form goes on).
        say(stack, stranger, NAME)
        say(stack, stranger, DOB)
        replies = say(stack, stranger, wrong)
    locked = texts(replies)
    assert "For your privacy" in locked and code not in locked
    assert any(b.get("payload") == "/request_human" for m in replies
               for b in m.get("buttons", []))
    # The right code from a brand-new conversation is refused too: the patient is locked.
    again = texts(attempt(stack, conversation(), code))
    assert "For your privacy" in again and code not in again
    # Every attempt is audited, with keyed hashes only.
    client = redis.Redis.from_url(stack.redis_settings.url, decode_responses=True)
    records = [json.loads(f["record"]) for _, f in client.xrange("audit:lookup")]
    outcomes = [r["outcome"] for r in records if r["task"] == "list"]
    assert outcomes.count("failed") >= MAX_LOOKUP_FAILURES - 1 and "locked" in outcomes
    dumped = json.dumps(records)
    for secret in (code, "Lena", "Kowalski", "1977", stranger):
        assert secret not in dumped
