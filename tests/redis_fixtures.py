"""Redis fixtures shared by the queue store's tests (tests/actions/escalation/) and the console's:
one real throwaway Redis per session, flushed before each test. Import them in a conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from actions.escalation import EscalationQueue
from tests.redis_server import throwaway_redis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_redis(tmp_path_factory.mktemp("queue-redis")) as url:
        yield url


@pytest.fixture
def rclient(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def queue(rclient: redis.Redis) -> EscalationQueue:
    return EscalationQueue(rclient)
