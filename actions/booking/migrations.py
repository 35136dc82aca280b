"""Versioned schema migrations for the PostgreSQL appointment book.

The schema is never made by hand: numbered SQL files in actions/booking/sql/
(``0001_appointment_book.sql``, ``0002_...``) are applied in order, each in its own transaction
together with its row in ``schema_migrations``, so a failed migration leaves no trace and is
tried again next time. A transaction-scoped advisory lock makes concurrent starters (several
action servers booting at once) apply each file exactly once.

Run it as a deployment step (``python -m actions.booking.migrations postgresql://...``, or
`make cluster` does it); the store also applies what is missing when it opens.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

MIGRATIONS_DIR = Path(__file__).resolve().parent / "sql"
# pg_advisory_xact_lock(key1, key2) namespace of this application's locks ("TRIA").
LOCK_NAMESPACE = 0x54524941
MIGRATION_LOCK = 0
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def available(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The numbered files, in order; numbers must run 1, 2, 3... without gaps or repeats."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE.match(path.name)
        if not match:
            raise MigrationError(f"migration file {path.name!r} is not named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations in {directory} must be numbered 0001, 0002, ... "
                             "without gaps")
    return found


def migrate(url: str, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply the missing migrations; return the versions applied now (empty if up to date)."""
    wanted = available(directory)
    applied_now: list[int] = []
    with psycopg.connect(url, autocommit=True) as conn:
        for migration in wanted:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                             (LOCK_NAMESPACE, MIGRATION_LOCK))
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
                done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
                newest = max(done, default=0)
                if newest > len(wanted):
                    raise MigrationError(
                        f"the database is at schema version {newest}, newer than this code "
                        f"knows ({len(wanted)}): deploy the newer code")
                if migration.version in done:
                    continue
                conn.execute(migration.path.read_text())  # no parameters: several statements
                conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                             (migration.version, migration.name))
                applied_now.append(migration.version)
    return applied_now


def current_version(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0) if row else 0


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].startswith(("postgresql://", "postgres://")):
        print("usage: python -m actions.booking.migrations postgresql://user:pw@host/db",
              file=sys.stderr)
        return 2
    applied = migrate(argv[1])
    print(f"schema at version {current_version(argv[1])}"
          + (f" (applied {', '.join(map(str, applied))})" if applied else " (up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
