"""The PostgreSQL appointment book's schema comes only from the numbered migrations, applied
once each, in order, atomically — also when several action servers start at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from actions.booking import migrations
from actions.booking.migrations import MigrationError, available, current_version, migrate
from scripts.postgres_server import PostgresServer
from tests.postgres_fixtures import fresh_schema


@pytest.fixture
def url(pg_server: PostgresServer) -> Iterator[str]:
    with fresh_schema(pg_server.url) as fresh:
        yield fresh


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_the_shipped_migrations_are_numbered_without_gaps() -> None:
    shipped = available()
    assert [m.version for m in shipped] == list(range(1, len(shipped) + 1))
    assert shipped[0].path.name == "0001_appointment_book.sql"


def test_migrate_creates_the_book_once(url: str) -> None:
    assert current_version(url) == 0
    assert migrate(url) == [m.version for m in available()]
    assert {"slots", "generated_days", "appointments", "held_cells",
            "schema_migrations"} <= tables(url)
    assert migrate(url) == []  # up to date: nothing runs twice
    assert current_version(url) == len(available())


def test_a_new_file_is_applied_on_top_and_a_broken_one_leaves_no_trace(
        url: str, tmp_path: Path) -> None:
    for m in available():
        (tmp_path / m.path.name).write_text(m.path.read_text())
    migrate(url, tmp_path)
    (tmp_path / "0002_broken.sql").write_text(
        "CREATE TABLE half_done (x INT); SELECT no_such_function();")
    with pytest.raises(psycopg.errors.UndefinedFunction):
        migrate(url, tmp_path)
    assert "half_done" not in tables(url) and current_version(url) == 1
    (tmp_path / "0002_broken.sql").write_text(
        "CREATE TABLE reminders (code TEXT REFERENCES appointments (code));")
    assert migrate(url, tmp_path) == [2] and "reminders" in tables(url)


def test_gaps_and_a_newer_database_are_refused(url: str, tmp_path: Path) -> None:
    (tmp_path / "0002_x.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="without gaps"):
        available(tmp_path)
    migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'future')")
    with pytest.raises(MigrationError, match="newer than this code"):
        migrate(url)


def test_servers_starting_together_apply_each_migration_once(url: str) -> None:
    results: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait(timeout=30)
        try:
            results.append(migrate(url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(v for r in results for v in r) == [m.version for m in available()]


def test_the_command_line_step(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert migrations.main(["migrations", url]) == 0
    assert f"schema at version {len(available())}" in capsys.readouterr().out
    assert migrations.main(["migrations", "sqlite:///x"]) == 2
