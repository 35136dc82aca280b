"""Console sign-in and sessions: no account enumeration, no lockout anyone can trigger, the live
stream ends at sign-out, Secure cookies unless in development or on plain-http loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
import redis
from argon2 import PasswordHasher

from actions.core.escalation.model import Reason, Summary
from console.accounts import AccountStore
from console.auth import (
    ACCOUNT_FREE_FAILURES,
    ACCOUNT_MAX_WAIT_S,
    BACKOFF_WINDOW_S,
    PAIR_FREE_FAILURES,
    PAIR_MAX_WAIT_S,
    LoginBackoff,
    backoff_wait,
)
from console.settings import Settings
from tests.console.conftest import PASSWORDS, Console, start_console
from tests.console.harness import login, login_form_token, post_login
from tests.console.test_stream import next_event, sse_events


@pytest.fixture
def console(redis_url, rclient, queue) -> Iterator[Console]:
    accounts = AccountStore(rclient)
    for name, role in (("ann", "agent"), ("bob", "agent"), ("sue", "supervisor")):
        accounts.create(name, role, PASSWORDS[name])
    # The production heartbeat (15 s): sign-out must not wait for it.
    c = start_console(redis_url, rclient, queue, accounts, heartbeat_s=15.0)
    try:
        yield c
    finally:
        for client in c.clients:
            client.close()
        c.served.stop()


def client_from(console: Console, ip: str) -> httpx.Client:
    """A client whose connections come from another loopback address (another 'IP')."""
    c = httpx.Client(base_url=console.base_url, timeout=10,
                     transport=httpx.HTTPTransport(local_address=ip))
    console.clients.append(c)
    return c


def test_a_failed_sign_in_reads_the_same_for_real_and_unknown_accounts(console: Console) -> None:
    c = console.client()
    token = login_form_token(c)

    def attempt(username: str) -> httpx.Response:
        return c.post("/login", data={"username": username, "password": "not-the-password-1",
                                      "csrf_token": token})

    real, unknown = attempt("sue"), attempt("nobody-here")
    assert real.status_code == unknown.status_code == 401
    assert real.text == unknown.text
    assert "sue" not in real.text
    assert sorted(real.headers.get_list("set-cookie")) == \
        sorted(unknown.headers.get_list("set-cookie"))


def test_unknown_and_real_accounts_cost_the_same_argon2_work(rclient: redis.Redis) -> None:
    """Timing says nothing either: one argon2 verification per attempt, account or not."""
    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append("verify")
            return super().verify(hash, password)

    store = AccountStore(rclient, hasher=CountingHasher())
    store.create("sue", "supervisor", PASSWORDS["sue"])
    for name in ("sue", "nobody-here", "Not A Valid Name!"):
        calls.clear()
        assert store.verify(name, "not-the-password-1") is None
        assert calls == ["verify"], name


def test_failures_from_one_ip_cannot_lock_a_supervisor_out(console: Console) -> None:
    attacker = client_from(console, "127.0.0.2")
    statuses = [post_login(attacker, "sue", f"guess-{i}").status_code for i in range(30)]
    # The attacker is slowed down (429 with a wait) after a few failures...
    assert statuses[:PAIR_FREE_FAILURES + 1] == [401] * (PAIR_FREE_FAILURES + 1)
    assert set(statuses[PAIR_FREE_FAILURES + 1:]) == {429}
    # ...and the supervisor, on her own network, signs in at once (the old lockout refused her).
    supervisor = client_from(console, "127.0.0.3")
    started = time.monotonic()
    login(supervisor, "sue", PASSWORDS["sue"])
    assert time.monotonic() - started < 10


class FakeClock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_one_ip_trying_as_fast_as_allowed_never_slows_the_owner_down(
        rclient: redis.Redis) -> None:
    clock = FakeClock()
    backoff = LoginBackoff(rclient, now=clock)
    start, failures = clock.t, 0
    while clock.t < start + BACKOFF_WINDOW_S:
        wait = backoff.wait_s("sue", "203.0.113.9")
        if wait > 0:
            clock.t += wait
            continue
        backoff.record_failure("sue", "203.0.113.9")
        failures += 1
        assert backoff.wait_s("sue", "198.51.100.7") == 0    # the owner's own network
    assert failures < ACCOUNT_FREE_FAILURES


def test_a_spread_out_attack_slows_every_ip_but_never_for_more_than_a_minute(
        rclient: redis.Redis) -> None:
    clock = FakeClock()
    backoff = LoginBackoff(rclient, now=clock)
    for i in range(ACCOUNT_FREE_FAILURES + 10):
        backoff.record_failure("sue", f"203.0.113.{i}")
    owner_wait = backoff.wait_s("sue", "198.51.100.7")
    assert 0 < owner_wait <= ACCOUNT_MAX_WAIT_S
    assert backoff.wait_s("ann", "198.51.100.7") == 0     # other accounts untouched
    # The same for a name that is no account at all: nothing tells them apart.
    for i in range(ACCOUNT_FREE_FAILURES + 10):
        backoff.record_failure("no-such-user", f"203.0.113.{i}")
    assert backoff.wait_s("no-such-user", "198.51.100.7") == owner_wait


def test_the_wait_doubles_per_failure_up_to_its_cap() -> None:
    assert [backoff_wait(n, 3, 60) for n in range(3, 10)] == [0, 1, 2, 4, 8, 16, 32]
    assert backoff_wait(10, 3, 60) == 60
    assert backoff_wait(100_000, PAIR_FREE_FAILURES, PAIR_MAX_WAIT_S) == PAIR_MAX_WAIT_S


def test_the_live_stream_ends_at_sign_out(console: Console) -> None:
    client = console.client()
    token = login(client, "ann", PASSWORDS["ann"])
    with sse_events(client) as events:
        next_event(events, "queue")
        other = console.client()
        other.cookies.update(client.cookies)
        assert other.post("/logout", headers={"X-CSRF-Token": token,
                                              "Accept": "application/json"}).status_code == 200
        signed_out = time.monotonic()
        # New queue data right after sign-out must not reach the signed-out page.
        console.queue.enqueue("conv-after-logout", Summary(reason=Reason.EMERGENCY))
        logout_at, _ = next_event(events, "logout", timeout=2)
        assert logout_at - signed_out < 2
        next_event(events, "closed", timeout=2)
        seen = []
        while not events.empty():
            seen.append(events.get_nowait())
        assert not [e for e in seen if e[1] == "queue"]


def secure_flags(response: httpx.Response) -> dict[str, bool]:
    return {h.split("=", 1)[0]: "secure" in h.lower() for h in
            response.headers.get_list("set-cookie")}


def test_cookies_are_secure_by_default_except_plain_http_loopback_and_development(
        console: Console) -> None:
    assert Settings.from_env({"REDIS_URL": "redis://r"}).secure_cookies is None   # automatic
    assert Settings.from_env({"REDIS_URL": "redis://r",
                              "TRIAGE_ENV": "development"}).secure_cookies is False
    assert Settings.from_env({"REDIS_URL": "redis://r", "TRIAGE_ENV": "development",
                              "CONSOLE_SECURE_COOKIES": "1"}).secure_cookies is True
    c = console.client()
    # Reached by its public name (as through a TLS proxy): Secure.
    public = c.get("/login", headers={"Host": "console.clinic.example"})
    assert secure_flags(public) == {"console_login": True}
    proxied = c.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert secure_flags(proxied) == {"console_login": True}
    # Plain http on loopback (make run, this test): not Secure, or the browser could not sign in.
    assert secure_flags(c.get("/login")) == {"console_login": False}
