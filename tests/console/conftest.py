"""Fixtures for the queue store and staff console tests: one real throwaway Redis per session
(flushed before each test), the console app served in-process with a fake Rasa, and accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import redis

from actions.escalation import EscalationQueue
from console.accounts import AccountStore
from console.app import create_app
from console.settings import Settings
from tests.console.harness import FakeRasa, ServedApp, unique_name

PASSWORDS = {
    "ann": "ann-correct-horse-1",
    "bob": "bob-battery-staple-2",
    "sue": "sue-supervises-all-3",
}


@pytest.fixture
def accounts(rclient: redis.Redis) -> AccountStore:
    store = AccountStore(rclient)
    store.create("ann", "agent", PASSWORDS["ann"], "Ann Lee")
    store.create("bob", "agent", PASSWORDS["bob"], "Bob Diaz")
    store.create("sue", "supervisor", PASSWORDS["sue"], "Sue Park")
    return store


@dataclass
class Console:
    served: ServedApp
    rasa: FakeRasa
    queue: EscalationQueue
    accounts: AccountStore
    redis: redis.Redis
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.served.base_url

    def client(self) -> httpx.Client:
        c = httpx.Client(base_url=self.base_url, timeout=10)
        self.clients.append(c)
        return c


def start_console(redis_url: str, rclient: redis.Redis, queue: EscalationQueue,
                  accounts: AccountStore, **settings: object) -> Console:
    rasa = FakeRasa()
    options: dict[str, object] = {"heartbeat_s": 1.0, "stream_poll_s": 0.1, **settings}
    app = create_app(Settings(redis_url=redis_url, **options), rasa=rasa,  # type: ignore[arg-type]
                     name=unique_name())
    return Console(ServedApp(app).start(), rasa, queue, accounts, rclient)


@pytest.fixture
def console(redis_url: str, rclient: redis.Redis, queue: EscalationQueue,
            accounts: AccountStore) -> Iterator[Console]:
    c = start_console(redis_url, rclient, queue, accounts)
    try:
        yield c
    finally:
        for client in c.clients:
            client.close()
        c.served.stop()
