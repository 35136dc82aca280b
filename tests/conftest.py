"""Shared fixtures. The ``stack`` fixture starts a real Redis (throwaway, free port), the action
server and the Rasa server once per test session — the same code path as `make run`."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.stack import ROOT, Stack

# Real throwaway Redis fixtures (redis_url, rclient, queue) for the queue store and the console.
pytest_plugins = ["tests.redis_fixtures", "tests.postgres_fixtures"]

# The tests use the built-in development keys (as `make run` does); tests/security starts its own
# stacks with production-looking settings.
os.environ.setdefault("TRIAGE_ENV", "development")

OUTPUT = ROOT / "test-output"
CLINIC_NOW = "2027-03-01T09:30:00-05:00"  # Monday, 09:30 in the clinic's time zone


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def stack(output_dir: Path) -> Iterator[Stack]:
    log_dir = output_dir / "logs"
    for old in log_dir.glob("*.log"):
        old.unlink()
    # Never a configured production Redis: tests always get their own throwaway server.
    os.environ.pop("REDIS_URL", None)
    # A fresh appointment book and a fixed clinic clock (a Monday morning), so scheduling tests
    # see the same free slots every run.
    db = log_dir / "scheduling.sqlite3"
    for path in log_dir.glob("scheduling.sqlite3*"):
        path.unlink()
    # The embedded Redis is durable (scripts/stack.py): each session starts from an empty one.
    shutil.rmtree(log_dir / "redis", ignore_errors=True)
    # Every request comes from 127.0.0.1 and some tests drive one conversation fast: the rate
    # limits are tested on their own stack (tests/security).
    s = Stack(log_dir=log_dir, extra_env={"LOG_LEVEL": "INFO", "SCHEDULING_DB": str(db),
                                          "CLINIC_NOW": CLINIC_NOW, "RATE_LIMIT_PER_SENDER": "0",
                                          "RATE_LIMIT_PER_IP": "0"})
    s.start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def sender() -> str:
    """A fresh conversation id per test."""
    return f"test-{uuid.uuid4().hex[:12]}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)
