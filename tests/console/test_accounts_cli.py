"""`python -m console.accounts` as staff administrators run it (subprocess, real Redis)."""

from __future__ import annotations

import os
import subprocess
import sys

import redis

from console.accounts import AccountStore
from console.auth import PAIR_FREE_FAILURES, LoginBackoff
from scripts.stack import ROOT

PASSWORD = "a-long-enough-secret-9"


def cli(redis_url: str | None, *args: str, password: str | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CONSOLE_PASSWORD")}
    env["PYTHONPATH"] = str(ROOT)
    if redis_url:
        env["REDIS_URL"] = redis_url
    if password is not None:
        env["CONSOLE_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "console.accounts", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, input=stdin,
                          check=False)


def test_add_list_disable(redis_url: str, rclient: redis.Redis) -> None:
    added = cli(redis_url, "add", "Maria", "--role", "agent", "--display-name", "Maria Lopez",
                password=PASSWORD)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added maria (agent)"
    sup = cli(redis_url, "add", "sam", "--role", "supervisor", password=PASSWORD + "x")
    assert sup.returncode == 0, sup.stderr

    listed = cli(redis_url, "list")
    assert listed.returncode == 0
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines()[1:]}
    assert rows["maria"][1:3] == ["agent", "active"] and "Maria Lopez" in listed.stdout
    assert rows["sam"][1:3] == ["supervisor", "active"]

    store = AccountStore(rclient)
    assert store.verify("maria", PASSWORD) is not None
    disabled = cli(redis_url, "disable", "maria")
    assert disabled.returncode == 0 and disabled.stdout.strip() == "disabled maria"
    assert store.verify("maria", PASSWORD) is None
    assert cli(redis_url, "list").stdout.count("disabled") == 1
    assert cli(redis_url, "enable", "maria").returncode == 0
    assert store.verify("maria", PASSWORD) is not None

    for proc in (added, sup, listed, disabled):
        assert PASSWORD not in proc.stdout + proc.stderr
    whats = [f["what"] for _id, f in rclient.xrange("audit:staff")]
    assert whats[:3] == ["account_added", "account_added", "account_disabled"]


def test_add_refuses_bad_input(redis_url: str, rclient: redis.Redis) -> None:
    short = cli(redis_url, "add", "maria", "--role", "agent", password="short-pass")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    role = cli(redis_url, "add", "maria", "--role", "admin", password=PASSWORD)
    assert role.returncode == 2
    name = cli(redis_url, "add", "bad name!", "--role", "agent", password=PASSWORD)
    assert name.returncode == 1 and "username" in name.stderr
    # A password is never taken from the command line.
    argv = cli(redis_url, "add", "maria", "--role", "agent", "--password", PASSWORD)
    assert argv.returncode == 2
    # Without CONSOLE_PASSWORD and without a terminal to prompt on: a clear refusal.
    no_tty = cli(redis_url, "add", "maria", "--role", "agent", stdin="")
    assert no_tty.returncode == 1 and "CONSOLE_PASSWORD" in no_tty.stderr
    assert cli(redis_url, "add", "maria", "--role", "agent", password=PASSWORD).returncode == 0
    again = cli(redis_url, "add", "MARIA", "--role", "agent", password=PASSWORD)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert rclient.smembers("console:accounts") == {"maria"}


def test_set_password_and_unlock(redis_url: str, rclient: redis.Redis) -> None:
    assert cli(redis_url, "add", "lee", "--role", "agent", password=PASSWORD).returncode == 0
    store = AccountStore(rclient)
    backoff = LoginBackoff(rclient)
    for _ in range(PAIR_FREE_FAILURES + 1):
        backoff.record_failure("lee", "10.0.0.9")
    assert backoff.wait_s("lee", "10.0.0.9") > 0
    unlocked = cli(redis_url, "unlock", "lee")
    assert unlocked.returncode == 0 and backoff.wait_s("lee", "10.0.0.9") == 0

    new_password = "another-long-secret-77"
    changed = cli(redis_url, "set-password", "lee", password=new_password)
    assert changed.returncode == 0
    assert store.verify("lee", new_password) is not None
    assert store.verify("lee", PASSWORD) is None
    assert cli(redis_url, "set-password", "ghost", password=new_password).returncode == 1
    assert cli(redis_url, "unlock", "ghost").returncode == 1


def test_needs_redis_url() -> None:
    proc = cli(None, "list")
    assert proc.returncode == 2 and "REDIS_URL" in proc.stderr
