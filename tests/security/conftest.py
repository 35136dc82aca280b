"""One stack per module with production-looking settings: TRIAGE_ENV=production, keys of its own
(no built-in development key), a small per-sender rate limit. The Twilio side is the stack's
loopback sink, as in every test."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.stack import Stack

PER_SENDER_LIMIT = 6


@pytest.fixture(scope="module")
def prod_stack(output_dir: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    log_dir = output_dir / "logs-security" / request.module.__name__.rsplit(".", 1)[-1]
    for old in log_dir.glob("*.log"):
        old.unlink()
    env = {
        "TRIAGE_ENV": "production",
        "LOG_HASH_KEY": secrets.token_hex(32),
        "CHANNEL_ID_KEY": secrets.token_hex(32),
        "RATE_LIMIT_PER_SENDER": str(PER_SENDER_LIMIT),
        "RATE_LIMIT_PER_IP": "10000",  # every test request comes from 127.0.0.1
        "SCHEDULING_DB": str(log_dir / "scheduling.sqlite3"),
    }
    s = Stack(log_dir=log_dir, with_console=False, extra_env=env)
    s.start(with_site=False)
    try:
        yield s
    finally:
        s.stop()
