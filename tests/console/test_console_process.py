"""`python -m console` as the run command starts it: a real process, its logs, its shutdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from actions.core.escalation.model import Reason, Summary
from actions.core.privacy import conversation_hash
from actions.escalation import EscalationQueue
from scripts.stack import ROOT, Proc, free_port, http_get
from tests.console.harness import TOKEN, FakeRasaServer, login, post_login
from tests.console.test_security import dump_everything

PASSWORD = "process-test-password-5"
# Patient-like data that must stay out of the logs (PHI stand-ins).
CONVERSATION = "whatsapp-jane-doe-5550100"
COMPLAINT = "Jane Doe has crushing chest pain"
REPLY = "Jane, please call 911 now, I am staying on the line"
NOTE = "Jane lives alone at 12 Elm St"


@pytest.fixture
def console_process(redis_url: str, rclient: redis.Redis,
                    tmp_path: Path) -> Iterator[tuple[str, Proc, FakeRasaServer]]:
    rasa = FakeRasaServer()
    env = {**os.environ, "REDIS_URL": redis_url, "RASA_URL": rasa.url, "RASA_TOKEN": TOKEN,
           "PYTHONPATH": str(ROOT), "LOG_LEVEL": "DEBUG", "CONSOLE_PASSWORD": PASSWORD}
    added = subprocess.run([sys.executable, "-m", "console.accounts", "add", "ann", "--role",
                            "agent"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=60, check=False)
    assert added.returncode == 0, added.stderr
    port = free_port()
    env.pop("CONSOLE_PASSWORD")
    proc = Proc("console", [sys.executable, "-m", "console", "--host", "127.0.0.1",
                            "--port", str(port)], env, tmp_path / "console.log").start()
    base = f"http://127.0.0.1:{port}"
    try:
        proc.wait_ready(lambda: http_get(base + "/health")[0] == 200, timeout=60)
        yield base, proc, rasa
    finally:
        proc.stop()
        rasa.close()


def test_run_login_take_over_and_logs_stay_clean(console_process, redis_url: str) -> None:
    base, proc, rasa = console_process
    queue = EscalationQueue.from_url(redis_url)
    queue.enqueue(CONVERSATION, Summary(Reason.EMERGENCY, chief_complaint=COMPLAINT,
                                        disposition="emergency", channel="whatsapp"))
    with httpx.Client(base_url=base, timeout=10) as client:
        assert post_login(client, "ann", "wrong-password-123").status_code == 401
        assert post_login(client, PASSWORD, PASSWORD).status_code == 401  # password as username
        token = login(client, "ann", PASSWORD)
        h = {"X-CSRF-Token": token}
        entries = client.get("/api/queue").json()["entries"]
        assert entries[0]["summary"]["chief_complaint"] == COMPLAINT
        assert client.post(f"/api/conversations/{CONVERSATION}/claim", headers=h
                           ).status_code == 200
        assert client.post(f"/api/conversations/{CONVERSATION}/reply", headers=h,
                           json={"text": REPLY}).status_code == 200
        assert client.post(f"/api/conversations/{CONVERSATION}/notes", headers=h,
                           json={"text": NOTE}).status_code == 200
        assert client.post(f"/api/conversations/{CONVERSATION}/resolve", headers=h
                           ).status_code == 200
        assert client.post("/logout", headers=h).status_code == 303
    assert rasa.requests[1]["json"] == [{"event": "bot", "text": REPLY,
                                         "metadata": {"agent": "ann", "agent_name": "ann"}}]
    queue.redis.close()

    proc.stop()          # SIGTERM: a clean, quick shutdown
    assert proc.popen is not None and proc.popen.returncode == 0

    lines = proc.log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]   # every line is JSON
    audit = [r["audit"] for r in records if r.get("logger") == "console.audit"]
    assert audit == [
        "login_failed", "login_failed", "login_ok", "claim", "reply", "note", "resolve",
        "logout"]
    assert conversation_hash(CONVERSATION) in "\n".join(lines)
    text = "\n".join(lines)
    for secret in (PASSWORD, CONVERSATION, COMPLAINT, REPLY, NOTE, "Jane", "Elm"):
        assert secret not in text, secret


def test_redis_holds_hashes_not_passwords(console_process, rclient: redis.Redis) -> None:
    base, _proc, _rasa = console_process
    with httpx.Client(base_url=base, timeout=10) as client:
        login(client, "ann", PASSWORD)
        post_login(httpx.Client(base_url=base), "ann", PASSWORD + "-typo")
    dump = dump_everything(rclient)
    assert "$argon2id$" in dump and PASSWORD not in dump


def test_missing_redis_url_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["PYTHONPATH"] = str(ROOT)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "console", "--port", str(free_port())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 2 and "REDIS_URL" in proc.stderr
    assert time.monotonic() - started < 30
