"""Files that may hold PHI are owner-only: the appointment book (and its WAL), the process logs,
anything the stack's children write (Redis data). Files 0600, directories 0700, whatever the
umask of whoever starts the stack."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.core.scheduling.clinic import load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from actions.core.scheduling.store import Patient
from scripts.stack import Proc, open_private_log

NOW = datetime(2027, 3, 1, 9, 30, tzinfo=ZoneInfo("America/New_York"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual 022 umask (files 0644): the code must not rely on a strict one."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_the_appointment_book_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "scheduling.sqlite3"
    store = SqliteAppointmentStore(path, load_clinic(), now=lambda: NOW)
    reader = sqlite3.connect(path)  # keeps the WAL file in place while the booking writes
    try:
        reader.execute("SELECT count(*) FROM meta").fetchone()
        slot = store.find_slots("follow_up", NOW.replace(day=2), NOW.replace(day=3), limit=1)[0]
        store.book(slot.slot_id, Patient("Jane Smith", datetime(1985, 3, 14).date()), "knee")
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and mode(wal) == 0o600
    finally:
        reader.close()
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600


def test_an_existing_world_readable_book_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "scheduling.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    SqliteAppointmentStore(path, load_clinic(), now=lambda: NOW)
    assert mode(path) == 0o600


def test_logs_are_owner_only_even_when_they_existed(tmp_path: Path) -> None:
    old = tmp_path / "logs" / "rasa.log"
    old.parent.mkdir(mode=0o755)
    old.write_text("earlier run\n")
    old.chmod(0o644)
    with open_private_log(old) as log:
        log.write(b"more\n")
    assert mode(old) == 0o600 and mode(old.parent) == 0o700
    fresh = tmp_path / "new-logs" / "actions.log"
    open_private_log(fresh).close()
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700


def test_files_the_stack_children_write_are_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "written-by-child"
    proc = Proc("writer", [sys.executable, "-c",
                           f"open({str(target)!r}, 'w').write('x'); import os; "
                           f"os.mkdir({str(tmp_path / 'child-dir')!r})"],
                dict(os.environ), tmp_path / "logs" / "writer.log").start()
    assert proc.popen is not None and proc.popen.wait(timeout=60) == 0
    assert mode(target) == 0o600
    assert mode(tmp_path / "child-dir") == 0o700
    assert mode(tmp_path / "logs" / "writer.log") == 0o600


def test_the_running_stack_keeps_its_logs_and_book_private(stack) -> None:
    logs = sorted(stack.log_dir.glob("*.log"))
    assert logs
    for log in logs:
        assert mode(log) == 0o600, log
    book = stack.log_dir / "scheduling.sqlite3"
    assert book.exists() and mode(book) == 0o600
