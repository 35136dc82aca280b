"""Refusals at start, without a running stack: the built-in development keys outside development
mode, the action server without its token, `scripts/stack.py run` with an unmet checklist."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from scripts.action_server import token_accepted
from scripts.production_checklist import _command, redis_persistent
from scripts.stack import ROOT, VENVS, redis_binary


def clean_env(**extra: str) -> dict[str, str]:
    drop = ("TRIAGE_ENV", "LOG_HASH_KEY", "CHANNEL_ID_KEY", "ACTION_SERVER_TOKEN", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TWILIO_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def run(cmd: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def action_server(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([str(VENVS / "actions/bin/python"), "-m", "scripts.action_server",
                "--port", "9"], env)


def test_the_action_server_refuses_the_built_in_key_outside_development() -> None:
    done = action_server(clean_env(ACTION_SERVER_TOKEN="t" * 32))
    assert done.returncode == 2
    assert "LOG_HASH_KEY must be set" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_action_server_refuses_to_start_without_a_token() -> None:
    done = action_server(clean_env(TRIAGE_ENV="development"))
    assert done.returncode == 2
    assert "ACTION_SERVER_TOKEN must be set" in done.stderr


def test_the_token_check_needs_the_exact_token() -> None:
    assert token_accepted("a" * 32, "a" * 32)
    assert not token_accepted("a" * 32, None) and not token_accepted("a" * 32, "")
    assert not token_accepted("a" * 32, "a" * 31 + "b")


def test_the_run_command_refuses_an_unmet_production_checklist() -> None:
    done = run([sys.executable, "scripts/stack.py", "run", "--rasa-port", "9", "--action-port",
                "9", "--web-port", "9", "--console-port", "9"],
               clean_env(TRIAGE_ENV="production", LOG_HASH_KEY="triage-assistant-dev-only-"
                         "log-hash-key"))
    assert done.returncode == 1
    assert "production settings checklist is not met" in done.stderr
    for item in ("LOG_HASH_KEY is a built-in development key", "CHANNEL_ID_KEY is not set",
                 "ACTION_SERVER_TOKEN is not set", "TWILIO_PUBLIC_BASE_URL",
                 "CONSOLE_SECURE_COOKIES", "REDIS_URL is not set"):
        assert item in done.stderr
    assert "Starting Redis" not in done.stdout  # nothing was started


def test_the_checklist_asks_redis_whether_it_persists(tmp_path: Path) -> None:
    """A real redis-server without AOF or snapshots is named; with a snapshot rule it passes."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([redis_binary(), "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while redis_persistent(url) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert redis_persistent(url) is False
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(_command("CONFIG", "SET", "save", "900 1"))
            assert conn.recv(64).startswith(b"+OK")
        assert redis_persistent(url) is True
    finally:
        server.kill()
        server.wait(timeout=10)
