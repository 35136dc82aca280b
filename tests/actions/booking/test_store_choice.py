"""The action server picks the appointment book from its settings: SQLite by default, the
shared PostgreSQL book when SCHEDULING_DB_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions import settings
from actions.booking import form
from actions.booking.postgres_store import PostgresAppointmentStore
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from scripts.postgres_server import PostgresServer
from tests.postgres_fixtures import fresh_schema


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    settings.current.cache_clear()
    form.store.cache_clear()
    yield
    settings.current.cache_clear()
    form.store.cache_clear()


def test_sqlite_is_the_embedded_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEDULING_DB_URL", raising=False)
    monkeypatch.setenv("SCHEDULING_DB", str(tmp_path / "book.sqlite3"))
    chosen = form.store()
    assert type(chosen) is SqliteAppointmentStore and chosen.path == tmp_path / "book.sqlite3"


def test_a_postgresql_url_selects_the_shared_book(pg_server: PostgresServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with fresh_schema(pg_server.url) as url:
        monkeypatch.setenv("SCHEDULING_DB_URL", url)
        chosen = form.store()
        assert isinstance(chosen, PostgresAppointmentStore) and chosen.url == url
        assert chosen.find_slots("follow_up", chosen._now_utc(),
                                 chosen.clinic.horizon_end(chosen._now_utc()))


def test_another_url_scheme_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDULING_DB_URL", "mysql://x/y")
    with pytest.raises(ValueError, match="postgresql://"):
        form.store()
