"""parse_dob, the store's path and clock settings, formatting helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from actions.core.scheduling.clinic import REPO_ROOT, ClinicConfig
from actions.core.scheduling.fmt import format_day, format_slot, format_time
from actions.core.scheduling.sqlite_store import clock_from_setting, default_store_path
from actions.core.scheduling.store import Slot, parse_dob
from tests.core.scheduling.conftest import local

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(("text", "expected"), [
    ("12/03/1980", date(1980, 12, 3)),  # US order: month first
    ("3/12/1980", date(1980, 3, 12)),
    ("03-12-1980", date(1980, 3, 12)),
    ("March 12 1980", date(1980, 3, 12)),
    ("March 12th, 1980", date(1980, 3, 12)),
    ("mar. 12 1980", date(1980, 3, 12)),
    ("1980-03-12", date(1980, 3, 12)),
    ("3 Dec 1980", date(1980, 12, 3)),
    ("3rd of December 1980", date(1980, 12, 3)),
    ("  12 march 1980 ", date(1980, 3, 12)),
    ("2/29/2024", date(2024, 2, 29)),  # a leap year
    ("3/12/80", date(1980, 3, 12)),
    ("3/12/05", date(2005, 3, 12)),
    ("3/1/2026", date(2026, 3, 1)),  # born yesterday
    ("3/3/1905", date(1905, 3, 3)),  # 120, the day before turning 121
])
def test_parse_dob_accepts(text: str, expected: date) -> None:
    assert parse_dob(text, TODAY) == expected


@pytest.mark.parametrize("text", [
    "13/45/1990", "13/12/1990",  # no month 13 (US order)
    "2/29/2023", "Feb 29 2023",  # not a leap year
    "April 31 1990", "0/10/1990",
    "3/3/2026", "1/1/2030",  # future
    "3/2/1905",  # turned 121 today
    "yesterday", "", "1980", "12/03", "soon", "32 March 1980",
])
def test_parse_dob_rejects(text: str) -> None:
    assert parse_dob(text, TODAY) is None


def test_default_store_path(tmp_path: Path) -> None:
    assert default_store_path() == REPO_ROOT / "var" / "scheduling.sqlite3"
    assert default_store_path(" ") == REPO_ROOT / "var" / "scheduling.sqlite3"
    assert default_store_path(str(tmp_path / "x.sqlite3")) == tmp_path / "x.sqlite3"


def test_clock_from_setting() -> None:
    clock = clock_from_setting("2026-03-02T10:15:00-05:00")
    assert clock() == datetime(2026, 3, 2, 15, 15, tzinfo=UTC) == clock()
    with pytest.raises(ValueError, match="offset"):
        clock_from_setting("2026-03-02T10:15:00")
    real = clock_from_setting("")()
    assert real.tzinfo is not None and real.utcoffset().total_seconds() == 0


def test_formatting(clinic: ClinicConfig) -> None:
    assert format_day(date(2026, 3, 3)) == "Tuesday 3 March"
    assert format_time(local(2026, 3, 3, 9, 20)) == "9:20 am"
    assert format_time(local(2026, 3, 3, 12)) == "noon"
    assert format_time(local(2026, 3, 3, 16)) == "4 pm"
    slot = Slot("patel|2026-03-03T14:20Z|follow_up", "patel", "main", "follow_up",
                datetime(2026, 3, 3, 14, 20, tzinfo=UTC), datetime(2026, 3, 3, 14, 40, tzinfo=UTC))
    assert format_slot(slot, clinic) == (
        "Tuesday 3 March at 9:20 am with Dr. Maya Patel, Riverside Main Clinic")
