"""Crashes and restarts under the supervisor of scripts/stack.py (the one `make run` uses).

One supervised stack for the module (two Rasa workers). In turn: Redis is SIGKILLed and comes back
with everything it held; a Rasa worker, the action server and Rasa's main process are SIGKILLed
during a turn. After each, an emergency and a crisis message get the 911 / 988 line within 2 s,
other messages still get an answer (no hang), and the supervisor restores the stack.
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
import redis

from scripts.stack import Stack, Supervisor, redis_ping
from tests.resilience.helpers import (
    sms_conversation_id,
    sms_request,
    tracker_events,
    user_texts,
)

pytestmark = pytest.mark.stack  # starts its own supervised stack

EMERGENCY = "crushing chest pain and my left arm is numb"
CRISIS = "I want to kill myself"
WITHIN_S = 2.0


@pytest.fixture(scope="module")
def supervised(output_dir: Path) -> Iterator[tuple[Stack, Supervisor]]:
    log_dir = output_dir / "resilience"
    for old in log_dir.glob("*.log"):
        old.unlink()
    for sub in ("redis", "outbox"):
        for path in sorted((log_dir / sub).glob("*"), reverse=True):
            path.unlink()
    os.environ.pop("REDIS_URL", None)
    stack = Stack(log_dir=log_dir, rasa_workers=2, with_console=False,
                  extra_env={"LOG_LEVEL": "INFO",
                             "SCHEDULING_DB": str(log_dir / "scheduling.sqlite3")})
    stack.start(with_site=False)
    supervisor = Supervisor(stack).start()
    try:
        yield stack, supervisor
    finally:
        supervisor.stop()
        stack.stop()


def post(stack: Stack, sender: str, text: str, timeout: float = 30) -> tuple[list[dict], float]:
    start = time.monotonic()
    r = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                   json={"sender": sender, "message": text}, timeout=timeout)
    assert r.status_code == 200, r.text
    return r.json(), time.monotonic() - start


def joined(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def assert_safety_lines_fast(stack: Stack, sender: str) -> None:
    for text, line in ((EMERGENCY, "Call 911"), (CRISIS, "988")):
        reply, seconds = post(stack, sender, text, timeout=10)
        assert line in joined(reply), f"no {line!r} for {text!r}: {reply}"
        assert seconds < WITHIN_S, f"{line!r} took {seconds:.1f} s"


def assert_answers(stack: Stack, sender: str) -> None:
    reply, _ = post(stack, sender, "what are your opening hours?", timeout=15)
    assert joined(reply).strip(), "an empty reply"


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, httpx.HTTPError, redis.RedisError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def turn_in_background(stack: Stack, sender: str, text: str) -> dict:
    """Start a REST turn; the returned dict gets 'reply' or 'error' when it ends."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["reply"] = post(stack, sender, text, timeout=60)[0]
        except Exception as exc:  # the process serving it may be the one we kill
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    outcome["thread"] = thread
    time.sleep(0.3)
    return outcome


def rclient(stack: Stack) -> redis.Redis:
    assert stack.redis_settings is not None
    return redis.Redis.from_url(stack.redis_settings.url, decode_responses=True)


# ---- Redis ------------------------------------------------------------------------------------

def test_a_redis_crash_loses_no_opt_out_account_queue_entry_or_conversation(supervised) -> None:
    stack, _ = supervised
    r = rclient(stack)
    # A conversation, a STOP opt-out, a staff account and an emergency in the queue.
    sender = f"durable-{uuid.uuid4().hex[:8]}"
    post(stack, sender, "hi")
    post(stack, sender, "what can you do?")
    phone = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    stopped = sms_conversation_id(stack, phone)
    body, ctype, headers = sms_request(stack, phone, "STOP")
    assert httpx.post(f"{stack.rasa_url}/webhooks/twilio_sms/webhook", content=body,
                      headers={"Content-Type": ctype, **headers}, timeout=10).status_code == 200
    wait_until(lambda: r.exists(f"twilio:optout:{stopped}"), 20, "opt-out stored")
    stack.add_staff(f"nurse{uuid.uuid4().hex[:6]}", secrets.token_urlsafe(16))
    accounts = r.smembers("console:accounts")
    urgent = f"durable-q-{uuid.uuid4().hex[:8]}"
    post(stack, urgent, EMERGENCY)
    wait_until(lambda: r.exists(f"escalation:entry:{urgent}"), 30, "emergency queued")
    before_users = user_texts(tracker_events(stack, sender))
    assert accounts and before_users == ["hi", "what can you do?"]

    time.sleep(1.5)  # the append-only file is synced every second
    assert stack.redis is not None
    old_pid = stack.redis.pid
    os.kill(old_pid, signal.SIGKILL)
    # The supervisor notices and starts it again on the same port, with the same data.
    wait_until(lambda: stack.redis is not None and stack.redis.pid != old_pid
               and redis_ping("127.0.0.1", stack.redis_settings.port), 60, "redis restarted")

    r = rclient(stack)
    assert r.exists(f"twilio:optout:{stopped}")
    assert r.smembers("console:accounts") == accounts
    assert r.zscore("escalation:open", urgent) is not None
    assert user_texts(tracker_events(stack, sender)) == before_users

    # The STOPped number still gets nothing; every webhook after the restart is answered
    # (a stale pooled connection used to fail the first one on each worker with a 500).
    fresh = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    for number, text in [(phone, "hello")] + [(fresh, f"hello {i}") for i in range(4)]:
        body, ctype, headers = sms_request(stack, number, text)
        resp = httpx.post(f"{stack.rasa_url}/webhooks/twilio_sms/webhook", content=body,
                          headers={"Content-Type": ctype, **headers}, timeout=10)
        assert resp.status_code == 200
    assert stack.twilio_recorder is not None
    assert len(stack.twilio_recorder.wait_for(fresh, 4, timeout=60)) >= 4
    assert stack.twilio_recorder.messages(phone) == []


def test_with_redis_down_every_message_is_still_answered_and_queued_later(supervised) -> None:
    stack, supervisor = supervised
    assert stack.redis is not None and stack.twilio_recorder is not None
    supervisor.pause()  # keep Redis down for this test
    try:
        stack.redis.stop(sig=signal.SIGKILL)
        sender = f"noredis-{uuid.uuid4().hex[:8]}"
        assert_safety_lines_fast(stack, sender)
        reply, _ = post(stack, sender, "what are your opening hours?", timeout=15)
        assert "phone the clinic" in joined(reply)
        phone = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
        body, ctype, headers = sms_request(stack, phone, EMERGENCY)
        resp = httpx.post(f"{stack.rasa_url}/webhooks/twilio_sms/webhook", content=body,
                          headers={"Content-Type": ctype, **headers}, timeout=10)
        assert resp.status_code == 200
        texts = [m.get("Body", "") for m in stack.twilio_recorder.wait_for(phone, 1, 10)]
        assert any("Call 911" in t for t in texts), texts
    finally:
        supervisor.resume()
    # Back up: the supervisor restarts Redis, and the staff queue learns of the emergencies.
    r = rclient(stack)
    wait_until(lambda: r.zscore("escalation:open", sender) is not None, 60, "queue learned")
    wait_until(lambda: r.zscore("escalation:open", sms_conversation_id(stack, phone))
               is not None, 30, "queue learned the SMS emergency")


# ---- Rasa worker ------------------------------------------------------------------------------

def test_a_killed_rasa_worker_leaves_no_hang_and_safety_lines_within_2s(supervised) -> None:
    stack, supervisor = supervised
    assert stack.rasa is not None
    workers = [p for p in stack.rasa.members() if p != stack.rasa.pid]
    assert len(workers) == 2
    sender = f"worker-{uuid.uuid4().hex[:8]}"
    post(stack, sender, "hi")
    turn = turn_in_background(stack, sender, "I have had a headache for two days")
    os.kill(workers[0], signal.SIGKILL)
    turn["thread"].join(60)
    assert not turn["thread"].is_alive(), "the turn hung"
    # The conversation whose turn died goes on at once (its lock holder is gone), as do others.
    assert_safety_lines_fast(stack, sender)
    assert_safety_lines_fast(stack, f"worker-new-{uuid.uuid4().hex[:8]}")
    assert_answers(stack, sender)
    wait_until(lambda: any("worker exited" in e for e in supervisor.events), 10,
               "the supervisor logged the dead worker")


# ---- action server ----------------------------------------------------------------------------

def test_a_killed_action_server_leaves_no_hang_and_the_queue_learns_later(supervised) -> None:
    stack, supervisor = supervised
    assert stack.actions is not None
    old_pid = stack.actions.pid
    sender = f"actions-{uuid.uuid4().hex[:8]}"
    post(stack, sender, "hi")
    turn = turn_in_background(stack, sender, "I have had a headache for two days")
    for pid in stack.actions.members():  # the server (one process: scripts/action_server.py)
        os.kill(pid, signal.SIGKILL)
    turn["thread"].join(30)
    assert joined(turn.get("reply") or []).strip(), f"the turn in flight: {turn}"
    assert_safety_lines_fast(stack, sender)
    other = f"actions-new-{uuid.uuid4().hex[:8]}"
    assert_safety_lines_fast(stack, other)
    for _ in range(3):  # no hang afterwards: each turn answers at once
        reply, seconds = post(stack, sender, "what are your opening hours?", timeout=15)
        assert joined(reply).strip() and seconds < 10
    # The supervisor restarts the action server; the emergencies answered meanwhile reach the
    # staff queue at top priority.
    wait_until(lambda: stack.actions is not None and stack.actions.pid != old_pid
               and httpx.get(f"{stack.action_url}/health", timeout=2).status_code == 200,
               400, "action server restarted")
    r = rclient(stack)
    wait_until(lambda: r.zscore("escalation:open", other) is not None, 30, "queue learned")
    assert '"priority": 0' in (r.get(f"escalation:entry:{other}") or "")
    assert any("action-server" in e and "restarting" in e for e in supervisor.events)


# ---- Rasa main process ------------------------------------------------------------------------

def test_a_killed_rasa_main_process_leaves_no_workers_and_comes_back(supervised) -> None:
    stack, supervisor = supervised
    assert stack.rasa is not None
    leader = stack.rasa.pid
    old_group = [psutil.Process(p) for p in stack.rasa.members()]
    sender = f"main-{uuid.uuid4().hex[:8]}"
    post(stack, sender, "hi")
    os.kill(leader, signal.SIGKILL)
    # Its workers do not stay behind on the port: the supervisor stops the whole group.
    _gone, alive = psutil.wait_procs(old_group, timeout=30)
    assert alive == []
    wait_until(stack._rasa_ready, 400, "rasa restarted")
    assert stack.rasa.pid != leader
    assert_safety_lines_fast(stack, sender)
    assert_answers(stack, sender)
    assert any("rasa-server exited" in e for e in supervisor.events)
