"""One shared cluster per test module (tests/cluster/): Redis, PostgreSQL, nginx, two Rasa
servers and two action servers, the console — started by scripts/cluster.py, like `make cluster`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.cluster import Cluster
from tests.conftest import CLINIC_NOW


@pytest.fixture(scope="module")
def cluster(output_dir: Path) -> Iterator[Cluster]:
    # Never a configured Redis or database: tests get their own throwaway servers.
    saved = {k: os.environ.pop(k) for k in ("REDIS_URL", "SCHEDULING_DB_URL") if k in os.environ}
    c = Cluster(base_dir=output_dir / "cluster", keep_data=False, durable_db=False,
                with_site=False, extra_env={"LOG_LEVEL": "INFO", "CLINIC_NOW": CLINIC_NOW,
                           # Every test request comes from 127.0.0.1: rate limits have
                           # their own tests (tests/security).
                           "RATE_LIMIT_PER_SENDER": "0", "RATE_LIMIT_PER_IP": "0"})
    c.start()
    try:
        yield c
    finally:
        c.stop()
        os.environ.update(saved)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)
