"""Settings from the environment, the per-IP login slow-down, and the CSRF helpers."""

from __future__ import annotations

import logging
import time

import pytest
import redis

from actions.core.privacy import conversation_hash
from console import csrf
from console.app import RedactConversationIds  # importing the app installs the filter
from console.auth import IP_BLOCK_FAILURES, IP_FREE_FAILURES, IpThrottle
from console.settings import Settings, SettingsError
from tests.console.conftest import PASSWORDS, Console
from tests.console.harness import login_form_token


def test_settings_from_env() -> None:
    s = Settings.from_env({"REDIS_URL": "redis://r:6379/1", "RASA_URL": "http://rasa:5005/",
                           "RASA_TOKEN": "t0k", "CONSOLE_SECURE_COOKIES": "1",
                           "CONSOLE_SESSION_HOURS": "0.5",
                           "CONSOLE_ALLOWED_ORIGINS": "https://Console.Example/, ,"})
    assert s.redis_url == "redis://r:6379/1" and s.rasa_url == "http://rasa:5005"
    assert s.rasa_token == "t0k" and s.secure_cookies is True
    assert s.session_seconds == 1800
    assert s.allowed_origins == ("https://console.example",)
    defaults = Settings.from_env({"REDIS_URL": "redis://r"})
    assert defaults.session_seconds == 8 * 3600 and defaults.secure_cookies is None  # automatic
    assert defaults.rasa_url == "http://127.0.0.1:5005"
    for bad in ({}, {"REDIS_URL": "redis://r", "CONSOLE_SESSION_HOURS": "eight"},
                {"REDIS_URL": "redis://r", "CONSOLE_SESSION_HOURS": "0"}):
        with pytest.raises(SettingsError):
            Settings.from_env(bad)


def test_origin_check() -> None:
    own = "http://127.0.0.1:8090"
    assert csrf.origin_allowed(None, own)                       # non-browser client
    assert csrf.origin_allowed("http://127.0.0.1:8090", own)
    assert csrf.origin_allowed("http://127.0.0.1:8090/", own)
    assert not csrf.origin_allowed("http://127.0.0.1:8091", own)
    assert not csrf.origin_allowed("null", own)
    assert not csrf.origin_allowed("", own)
    assert not csrf.origin_allowed("http://127.0.0.1:8090", own, sec_fetch_site="cross-site")
    assert csrf.origin_allowed("https://console.example", own, ("https://console.example",))
    assert csrf.tokens_match("abc", "abc") and not csrf.tokens_match("abc", "abd")
    assert not csrf.tokens_match("", "") and not csrf.tokens_match(None, "x")


def test_ip_throttle_counts_and_expires(rclient: redis.Redis) -> None:
    throttle = IpThrottle(rclient)
    assert throttle.failures("10.0.0.1") == 0
    for _ in range(3):
        throttle.record_failure("10.0.0.1")
    assert throttle.failures("10.0.0.1") == 3 and throttle.failures("10.0.0.2") == 0
    key = next(iter(rclient.scan_iter("console:ipfail:*")))
    assert "10.0.0.1" not in key and 0 < rclient.ttl(key) <= 15 * 60
    assert IpThrottle.delay_for(IP_FREE_FAILURES) == 0
    assert IpThrottle.delay_for(IP_FREE_FAILURES + 2) == pytest.approx(1.0)
    assert IpThrottle.delay_for(10_000) == 5.0
    assert not IpThrottle.blocked(IP_BLOCK_FAILURES - 1) and IpThrottle.blocked(IP_BLOCK_FAILURES)


def _seed_ip_failures(rclient: redis.Redis, count: int) -> None:
    throttle = IpThrottle(rclient)
    for _ in range(count):
        throttle.record_failure("127.0.0.1")


def test_many_failures_from_one_ip_slow_down_then_block(console: Console,
                                                        rclient: redis.Redis) -> None:
    _seed_ip_failures(rclient, IP_FREE_FAILURES + 2)          # -> about 1 s extra per attempt
    c = console.client()
    token = login_form_token(c)
    started = time.monotonic()
    r = c.post("/login", data={"username": "ann", "password": PASSWORDS["ann"],
                               "csrf_token": token})
    assert r.status_code == 303                              # slowed, not refused
    assert time.monotonic() - started >= 0.9
    _seed_ip_failures(rclient, IP_BLOCK_FAILURES)
    c2 = console.client()
    token = login_form_token(c2)
    r = c2.post("/login", data={"username": "ann", "password": PASSWORDS["ann"],
                                "csrf_token": token})
    assert r.status_code == 429 and "console_session" not in r.headers.get("set-cookie", "")


def test_sanic_log_lines_never_carry_raw_conversation_ids(caplog) -> None:
    assert any(isinstance(f, RedactConversationIds)
               for f in logging.getLogger("sanic.root").filters)
    caplog.set_level("INFO")
    logging.getLogger("sanic.root").info(
        "Request: GET %s stopped. Transport is closed.",
        "http://127.0.0.1:8090/api/conversations/whatsapp-5550100/reply")
    logged = caplog.records[-1].getMessage()
    assert "whatsapp-5550100" not in logged
    assert f"/api/conversations/conv:{conversation_hash('whatsapp-5550100')}/reply" in logged
