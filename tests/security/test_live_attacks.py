"""Attacks from the outside security test, replayed against a stack with production-looking
settings (tests/security/conftest.py). Each fails on the code before the fix:

- a REST client writing into an SMS patient's conversation (REST accepted any sender id, and
  the phone ids were keyed with a constant from the source);
- forged calls to the action server (it listened on 0.0.0.0 and ran any action for anyone);
- floods (no rate limit), deep metadata (500 with a traceback), huge bodies (accepted);
- an emergency text after STOP (dropped silently: nobody at the clinic saw it).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time

import httpx
import psutil
import pytest
import redis

from actions.core.escalation.model import PRIORITY_TOP
from actions.escalation.store import EscalationQueue
from bot.channels.twilio_policy import DEV_CHANNEL_ID_KEY, sender_id
from scripts.stack import Stack
from tests.security.conftest import PER_SENDER_LIMIT
from tests.security.twilio_client import conversation_id, new_number, send_sms
from tests.security.webchat_client import flood

pytestmark = pytest.mark.stack


def rest(stack: Stack, sender: str, text: str, **extra: object) -> httpx.Response:
    return httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                      json={"sender": sender, "message": text, **extra}, timeout=60)


def issued_id(stack: Stack) -> str:
    r = httpx.post(f"{stack.rasa_url}/webhooks/rest/conversations", timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["sender"]


def tracker_events(stack: Stack, conversation: str) -> list[dict]:
    r = httpx.get(f"{stack.rasa_url}/conversations/{conversation}/tracker",
                  params={"token": stack.auth_token}, timeout=10)
    r.raise_for_status()
    return r.json().get("events") or []


def wait_until(check, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def queue(stack: Stack) -> EscalationQueue:
    assert stack.redis_settings is not None
    return EscalationQueue.from_url(stack.redis_settings.url)


# ---- conversation takeover across channels ------------------------------------------------------

def test_rest_cannot_write_into_an_sms_patients_conversation(prod_stack: Stack) -> None:
    number = new_number()
    send_sms(prod_stack, number, "hello")
    assert prod_stack.twilio_recorder is not None
    assert prod_stack.twilio_recorder.wait_for(number, 1, timeout=60)
    phone_conversation = conversation_id(prod_stack, number)
    before = tracker_events(prod_stack, phone_conversation)

    # Even an attacker who computed the phone conversation's id (here: with the real key) is
    # refused, and nothing reaches that conversation.
    r = rest(prod_stack, phone_conversation, "show my appointments")
    assert r.status_code == 403
    assert "not issued by this REST channel" in r.json()["error"]
    after = tracker_events(prod_stack, phone_conversation)
    assert len(after) == len(before)
    assert all(e.get("input_channel") != "rest" for e in after if e.get("event") == "user")


def test_phone_conversation_ids_are_not_keyed_with_the_built_in_key(prod_stack: Stack) -> None:
    """The id an attacker could compute from the source's constant is not the patient's."""
    number = new_number()
    assert sender_id(number, DEV_CHANNEL_ID_KEY.encode()) != conversation_id(prod_stack, number)


@pytest.mark.parametrize("forged", [
    secrets.token_hex(16),  # the form of a web-chat conversation id
    "rest-" + secrets.token_hex(12) + "-" + secrets.token_hex(16),  # a REST id with a bad HMAC
    "patient-42",  # a client-chosen id: development mode only
])
def test_rest_refuses_ids_it_did_not_issue(prod_stack: Stack, forged: str) -> None:
    r = rest(prod_stack, forged, "hello")
    assert r.status_code == 403
    assert "/webhooks/rest/conversations" in r.json()["error"]


def test_rest_answers_on_an_id_it_issued(prod_stack: Stack) -> None:
    sender = issued_id(prod_stack)
    assert sender.startswith("rest-")
    r = rest(prod_stack, sender, "hello")
    assert r.status_code == 200
    assert "not a clinician" in " ".join(m.get("text") or "" for m in r.json())


# ---- the action server --------------------------------------------------------------------------

def forged_screen_call(sender: str, text: str) -> dict:
    user = {"event": "user", "text": text, "input_channel": "rest",
            "parse_data": {"text": text, "intent": {}, "entities": []}}
    return {"next_action": "action_safety_screen", "sender_id": sender, "domain": {},
            "version": "3.6.21",
            "tracker": {"sender_id": sender, "slots": {}, "latest_message": user["parse_data"],
                        "events": [user], "paused": False, "followup_action": None,
                        "active_loop": {}, "latest_action_name": "action_listen"}}


@pytest.mark.parametrize("headers", [{}, {"X-Action-Token": "not-the-token-0123456789"}])
def test_forged_action_server_calls_are_refused(prod_stack: Stack, headers: dict) -> None:
    sender = "forged-" + secrets.token_hex(6)
    r = httpx.post(f"{prod_stack.action_url}/webhook", headers=headers, timeout=30,
                   json=forged_screen_call(sender, "crushing chest pain, I can't breathe"))
    assert r.status_code == 401
    assert httpx.get(f"{prod_stack.action_url}/actions", headers=headers,
                     timeout=10).status_code == 401
    time.sleep(1.0)  # a fake top-priority emergency would be queued in the background
    assert queue(prod_stack).get(sender) is None
    assert httpx.get(f"{prod_stack.action_url}/health", timeout=10).status_code == 200


def test_the_action_server_runs_calls_that_carry_the_token(prod_stack: Stack) -> None:
    """The refusal above is the token's doing: the same call with it is served."""
    r = httpx.post(f"{prod_stack.action_url}/webhook", timeout=60,
                   headers={"X-Action-Token": prod_stack.action_token},
                   json=forged_screen_call("tokened-" + secrets.token_hex(6), "hello there"))
    assert r.status_code == 200


def listening_addresses(pid: int) -> set[str]:
    leader = psutil.Process(pid)
    found = set()
    for proc in [leader, *leader.children(recursive=True)]:
        for conn in proc.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN:
                found.add(conn.laddr.ip)
    return found


def test_the_action_server_and_every_internal_port_listen_on_loopback_only(
        prod_stack: Stack) -> None:
    assert prod_stack.actions is not None and prod_stack.rasa is not None
    assert prod_stack.redis is not None
    for proc in (prod_stack.actions, prod_stack.rasa, prod_stack.redis):
        assert listening_addresses(proc.pid) == {"127.0.0.1"}, proc.name


# ---- floods and malformed input -----------------------------------------------------------------

def test_a_sender_over_the_rate_limit_gets_a_kind_429(prod_stack: Stack) -> None:
    sender = issued_id(prod_stack)
    statuses = [rest(prod_stack, sender, "hello").status_code
                for _ in range(PER_SENDER_LIMIT + 2)]
    assert statuses[:PER_SENDER_LIMIT] == [200] * PER_SENDER_LIMIT
    assert statuses[-1] == 429
    limited = rest(prod_stack, sender, "hello")
    assert limited.status_code == 429
    text = " ".join(m["text"] for m in limited.json())
    assert "faster than I can read" in text and "911" in text
    # An emergency over the limit still gets the 911 line itself.
    urgent = rest(prod_stack, sender, "my dad collapsed and is not breathing")
    assert urgent.status_code == 429
    assert urgent.json()[0]["text"].startswith("Call 911")


def test_an_sms_flood_gets_one_kind_notice(prod_stack: Stack) -> None:
    number = new_number()
    for _ in range(PER_SENDER_LIMIT + 4):
        send_sms(prod_stack, number, "what are your opening hours")
    assert prod_stack.twilio_recorder is not None
    time.sleep(2)
    assert wait_until(lambda: len(prod_stack.twilio_recorder.messages(number)) >= 1)
    time.sleep(8)  # let the accepted turns finish
    notices = [m for m in prod_stack.twilio_recorder.messages(number)
               if "faster than I can read" in str(m.get("Body"))]
    assert len(notices) == 1


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("depth", [20, 5000])
def test_deeply_nested_metadata_gets_400_without_a_traceback(prod_stack: Stack,
                                                             depth: int) -> None:
    sender = issued_id(prod_stack)
    # Written out by hand: json.dumps itself cannot nest 5,000 levels.
    deep = '{"a": ' * depth + "{}" + "}" * depth
    body = json.dumps({"sender": sender, "message": "hello", "metadata": "M"}).replace(
        '"M"', deep)
    r = httpx.post(f"{prod_stack.rasa_url}/webhooks/rest/webhook", content=body.encode(),
                   headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400
    assert "nested too deeply" in r.json()["error"]
    assert "Traceback" not in r.text
    log = (prod_stack.log_dir / "rasa.log").read_text(errors="replace")
    assert "RecursionError" not in log and "Traceback" not in log


def test_shallow_metadata_is_still_accepted(prod_stack: Stack) -> None:
    r = rest(prod_stack, issued_id(prod_stack), "hello", metadata=nested(3))
    assert r.status_code == 200


@pytest.mark.parametrize("size", [300 * 1024, 2 * 1024 * 1024])
def test_an_oversized_body_is_refused(prod_stack: Stack, size: int) -> None:
    body = json.dumps({"sender": issued_id(prod_stack), "message": "a" * size})
    r = httpx.post(f"{prod_stack.rasa_url}/webhooks/rest/webhook", content=body.encode(),
                   headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413
    assert "Traceback" not in r.text


# ---- STOP still screens -------------------------------------------------------------------------

def opted_out(stack: Stack, number: str) -> bool:
    assert stack.redis_settings is not None
    client = redis.Redis.from_url(stack.redis_settings.url, decode_responses=True)
    return bool(client.exists(f"twilio:optout:{conversation_id(stack, number)}"))


@pytest.mark.parametrize(("text", "reason"), [
    ("my husband collapsed and is not breathing", "emergency"),
    ("I want to kill myself tonight", "crisis"),
])
def test_an_emergency_after_stop_is_queued_at_top_priority_and_never_texted(
        prod_stack: Stack, text: str, reason: str) -> None:
    number = new_number()
    conversation = conversation_id(prod_stack, number)
    send_sms(prod_stack, number, "STOP")
    assert wait_until(lambda: opted_out(prod_stack, number))
    send_sms(prod_stack, number, "what time do you open on saturday")
    time.sleep(3)
    assert queue(prod_stack).get(conversation) is None  # an ordinary message stays unread

    send_sms(prod_stack, number, text)
    assert wait_until(lambda: queue(prod_stack).get(conversation) is not None)
    entry = queue(prod_stack).get(conversation)
    assert entry is not None
    assert entry.priority == PRIORITY_TOP
    assert entry.summary.reason.value == reason and entry.summary.channel == "sms"
    time.sleep(2)
    assert prod_stack.twilio_recorder is not None
    assert prod_stack.twilio_recorder.messages(number) == []  # no automated SMS at all


def test_a_web_chat_flood_gets_the_kind_message(prod_stack: Stack) -> None:
    # One socket's messages are handled one after another, and the bucket refills a little
    # during each turn: some of the extra messages may get through, not all of them.
    texts = asyncio.run(flood(
        prod_stack.rasa_url, prod_stack.web_url, PER_SENDER_LIMIT + 4, wait_s=60,
        done=lambda seen: any("faster than I can read" in t for t in seen)))
    limited = [t for t in texts if "faster than I can read" in t]
    assert limited, texts
    assert "911" in limited[0]
    assert any("not a clinician" in t for t in texts)  # the messages within the limit: answered
