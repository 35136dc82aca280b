"""Nothing is kept forever: conversations, audit streams, closed queue entries and MessageSid
markers expire after configurable, documented periods (bot/retention.py)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import redis

from actions import settings as action_settings
from actions.booking.lookup_guard import AUDIT_STREAM, RedisLookupGuard
from actions.core.escalation.model import Reason, Summary
from actions.escalation.store import EscalationQueue
from actions.triage import audit_store
from bot.channels.settings import ChannelSettings
from bot.channels.twilio_store import TwilioStore
from bot.retention import DAY_S, Retention, RetentionError
from console.audit import StaffAudit
from console.settings import Settings as ConsoleSettings
from scripts.stack import ROOT
from tests.e2e.helpers import say

README = ROOT / "README.md"


def test_defaults_are_finite_and_every_setting_can_change_them() -> None:
    defaults = Retention.from_env({})
    assert defaults == Retention()
    assert defaults.conversation_seconds == 30 * DAY_S
    assert defaults.audit_seconds == 400 * DAY_S
    assert defaults.queue_closed_seconds == 7 * DAY_S
    assert defaults.message_dedupe_seconds == 48 * 3600
    custom = Retention.from_env({"CONVERSATION_RETENTION_DAYS": "2", "AUDIT_RETENTION_DAYS":
                                 "90", "QUEUE_RETENTION_DAYS": "0.5",
                                 "MESSAGE_DEDUPE_HOURS": "6"})
    assert custom == Retention(2 * DAY_S, 90 * DAY_S, DAY_S // 2, 6 * 3600)
    for bad in ("0", "-1", "forever", "nan"):
        with pytest.raises(RetentionError, match="CONVERSATION_RETENTION_DAYS"):
            Retention.from_env({"CONVERSATION_RETENTION_DAYS": bad})
    # Every process reads the same variables.
    env = {"REDIS_URL": "redis://x", "TRIAGE_ENV": "development", "QUEUE_RETENTION_DAYS": "3"}
    assert ChannelSettings.from_env(env).retention.queue_closed_seconds == 3 * DAY_S
    assert ConsoleSettings.from_env(env).retention.queue_closed_seconds == 3 * DAY_S
    assert action_settings.ActionSettings.from_env(env).retention.queue_closed_seconds == \
        3 * DAY_S


def test_the_defaults_are_documented() -> None:
    text = README.read_text()
    for name in ("CONVERSATION_RETENTION_DAYS", "AUDIT_RETENTION_DAYS", "QUEUE_RETENTION_DAYS",
                 "MESSAGE_DEDUPE_HOURS"):
        assert f"`{name}`" in text, name
    assert "Retention" in (ROOT / "docs/architecture.md").read_text()
    assert "${CONVERSATION_RETENTION_SECONDS}" in (ROOT / "bot/endpoints.yml").read_text()


def test_a_conversation_expires_after_the_retention(stack) -> None:
    sender = f"retention-{time.time_ns()}"
    say(stack, sender, "hello")
    client = redis.Redis.from_url(stack.redis_settings.url, decode_responses=True)
    keys = [k for k in client.scan_iter(f"*{sender}") if k.startswith("tracker")]
    assert keys, "no tracker key for the conversation"
    ttl = client.ttl(keys[0])
    assert 29 * DAY_S < ttl <= 30 * DAY_S


def test_triage_audit_is_trimmed_by_age(redis_url: str, rclient: redis.Redis,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    current = action_settings.ActionSettings(redis_url=redis_url,
                                             retention=Retention(audit_seconds=3600))
    monkeypatch.setattr(action_settings, "current", lambda: current)
    monkeypatch.setattr(audit_store, "_client", None)
    two_hours_ago_ms = int((time.time() - 7200) * 1000)
    rclient.xadd(audit_store.STREAM, {"record": "{}"}, id=f"{two_hours_ago_ms}-0")
    asyncio.run(audit_store.append({"conversation": "abc123", "disposition": "routine"}))
    ids = [i for i, _ in rclient.xrange(audit_store.STREAM)]
    assert len(ids) == 1 and int(ids[0].split("-")[0]) > two_hours_ago_ms
    assert 0 < rclient.ttl(audit_store.conv_key("abc123")) <= 3600


def test_staff_and_lookup_audits_are_trimmed_by_age(rclient: redis.Redis) -> None:
    old_ms = int((time.time() - 7200) * 1000)
    rclient.xadd("audit:staff", {"what": "old"}, id=f"{old_ms}-0")
    StaffAudit(rclient, retention_s=3600).record("login_ok", "ann")
    assert [f["what"] for _, f in rclient.xrange("audit:staff")] == ["login_ok"]
    rclient.xadd(AUDIT_STREAM, {"record": "{}"}, id=f"{old_ms}-0")
    RedisLookupGuard(rclient, audit_retention_s=3600).audit({"outcome": "failed"})
    records = [json.loads(f["record"]) for _, f in rclient.xrange(AUDIT_STREAM)]
    assert records == [{"outcome": "failed"}]


def test_closed_queue_entries_expire_after_the_configured_period(rclient: redis.Redis) -> None:
    queue = EscalationQueue(rclient, closed_ttl_s=3600)
    queue.enqueue("conv-1", Summary(reason=Reason.PATIENT_REQUEST))
    assert rclient.ttl("escalation:entry:conv-1") == -1        # open entries stay open
    queue.claim("conv-1", "ann")
    queue.resolve("conv-1", "ann")
    assert 0 < rclient.ttl("escalation:entry:conv-1") <= 3600


def test_message_sid_markers_expire_after_the_configured_period(redis_url: str,
                                                                rclient: redis.Redis) -> None:
    async def claim() -> bool:
        store = TwilioStore(redis_url, dedupe_ttl_s=600)
        try:
            return await store.first_delivery("SM123")
        finally:
            await store.redis.aclose()

    assert asyncio.run(claim()) is True
    assert 0 < rclient.ttl("twilio:msg:SM123") <= 600


def test_stack_passes_the_retention_to_rasa(tmp_path: Path) -> None:
    from scripts.stack import conversation_retention_seconds

    assert conversation_retention_seconds({}) == 30 * DAY_S
    assert conversation_retention_seconds({"CONVERSATION_RETENTION_DAYS": "1"}) == DAY_S
