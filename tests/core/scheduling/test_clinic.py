"""clinic.yml loads, validates, and answers opening-hour questions in the clinic's time zone."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import yaml

from actions.core.scheduling.clinic import (
    DEFAULT_CLINIC_PATH,
    TELEHEALTH,
    ClinicConfig,
    ClinicConfigError,
    load_clinic,
)
from tests.core.scheduling.conftest import local, utc


def test_loads_the_shared_clinic_facts(clinic: ClinicConfig) -> None:
    assert clinic.name == "Riverside Family Health"
    assert clinic.phone == "(555) 010-0100"
    assert clinic.tz.key == "America/New_York"
    assert clinic.locations["main"].name == "Riverside Main Clinic"
    assert clinic.locations["main"].address == "120 River Road, Springfield"
    assert clinic.locations["north"].address == "45 Oak Avenue, Springfield"
    names = {p.name: p for p in clinic.providers.values()}
    assert names["Dr. Maya Patel"].location_id == "main"
    assert names["Dr. James Okafor"].location_id == "main"
    assert names["Lena Ortiz NP"].location_id == "north"
    assert names["Dr. Sarah Kim"].location_id == "north"
    assert names["Dr. Sarah Kim"].ages == (0, 17)
    minutes = {vt.id: vt.minutes for vt in clinic.visit_types.values()}
    assert minutes == {"annual_physical": 40, "follow_up": 20, "new_problem": 20,
                       "same_day": 20, "telehealth": 20, "vaccination": 20}
    assert clinic.visit_types["same_day"].same_day_only
    assert clinic.visit_types["telehealth"].telehealth
    assert not clinic.visit_types["follow_up"].telehealth
    assert (clinic.slot_grid_minutes, clinic.horizon_days) == (20, 42)
    assert (clinic.min_notice_minutes, clinic.max_upcoming_per_patient) == (60, 4)
    assert clinic.holiday_source.startswith("https://www.opm.gov/")
    assert DEFAULT_CLINIC_PATH.name == "clinic.yml"


def test_vaccinations_are_the_nurse_clinics_at_both_sites(clinic: ClinicConfig) -> None:
    offering = {p.location_id for p in clinic.providers.values()
                if "vaccination" in p.visit_types}
    assert offering == {"main", "north"}


def test_weekly_hours(clinic: ClinicConfig) -> None:
    main, north, tele = clinic.hours["main"], clinic.hours["north"], clinic.hours[TELEHEALTH]
    for weekday in range(5):
        assert main[weekday] == [(time(8), time(18))]
        assert north[weekday] == [(time(9), time(17))]
        assert tele[weekday] == [(time(8), time(18))]
    assert main[5] == [(time(9), time(13))]
    assert main[6] == north[5] == north[6] == tele[5] == tele[6] == []


def test_open_ranges_saturday_half_day_and_sunday(clinic: ClinicConfig) -> None:
    saturday, sunday = date(2026, 3, 7), date(2026, 3, 8)
    assert clinic.open_ranges("main", saturday) == [(local(2026, 3, 7, 9), local(2026, 3, 7, 13))]
    assert clinic.open_ranges("north", saturday) == []
    assert clinic.open_ranges("main", sunday) == []
    assert clinic.open_ranges(TELEHEALTH, saturday) == []


def test_open_ranges_are_aware_and_in_clinic_zone(clinic: ClinicConfig) -> None:
    ((start, end),) = clinic.open_ranges("north", date(2026, 3, 3))
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=-5)
    assert start.astimezone(UTC) == utc(2026, 3, 3, 14)
    assert end.astimezone(UTC) == utc(2026, 3, 3, 22)


@pytest.mark.parametrize(("day", "name"), [
    (date(2026, 5, 25), "Memorial Day"),
    (date(2026, 11, 27), "the day after Thanksgiving"),
    (date(2026, 7, 3), "Independence Day (observed)"),
    (date(2026, 7, 4), "Independence Day"),  # a Saturday: the main clinic would otherwise open
    (date(2027, 12, 24), "Christmas Day (observed)"),
])
def test_holidays_close_every_site(clinic: ClinicConfig, day: date, name: str) -> None:
    assert clinic.holidays[day] == name
    for place in ("main", "north", TELEHEALTH):
        assert clinic.open_ranges(place, day) == []
    assert not clinic.is_open("main", datetime.combine(day, time(10), tzinfo=clinic.tz))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    return days[n]  # n = -1: the last one


def _observed(day: date) -> date:
    return day - timedelta(days=1) if day.weekday() == 5 else (
        day + timedelta(days=1) if day.weekday() == 6 else day)


def test_holiday_list_matches_the_federal_rules(clinic: ClinicConfig) -> None:
    """Recompute 5 U.S.C. 6103 for 2026-2027 and compare with the hand-written list."""
    expected: set[date] = set()
    fixed_dates: set[date] = set()
    for year in (2026, 2027):
        thanksgiving = _nth_weekday(year, 11, 3, 3)
        expected |= {
            _nth_weekday(year, 1, 0, 2), _nth_weekday(year, 2, 0, 2),  # MLK, Washington
            _nth_weekday(year, 5, 0, -1), _nth_weekday(year, 9, 0, 0),  # Memorial, Labor
            _nth_weekday(year, 10, 0, 1), thanksgiving,  # Columbus, Thanksgiving
            thanksgiving + timedelta(days=1),  # the clinic also closes the day after
        }
        for month, day in ((1, 1), (6, 19), (7, 4), (11, 11), (12, 25)):
            fixed_dates.add(date(year, month, day))
            expected.add(_observed(date(year, month, day)))
    expected.add(_observed(date(2028, 1, 1)))  # observed on Friday 31 December 2027
    assert expected <= set(clinic.holidays)
    # Anything extra is a fixed-date holiday itself falling on a weekend (we close on it too).
    assert set(clinic.holidays) - expected <= fixed_dates
    assert date(2026, 11, 26) in clinic.holidays and date(2027, 11, 25) in clinic.holidays


def test_is_open_boundaries_and_utc_input(clinic: ClinicConfig) -> None:
    assert clinic.is_open("main", local(2026, 3, 7, 12, 59))
    assert not clinic.is_open("main", local(2026, 3, 7, 13, 0))  # closing time is exclusive
    assert not clinic.is_open("north", local(2026, 3, 7, 10))
    assert clinic.is_open("main", utc(2026, 3, 3, 13, 0))  # 08:00 EST
    assert not clinic.is_open("main", utc(2026, 3, 3, 12, 59))
    assert clinic.is_open("north", datetime(2026, 3, 3, 9, 0))  # naive = clinic wall time


def test_dst_week_opening_is_local_time(clinic: ClinicConfig) -> None:
    # US DST starts Sunday 8 March 2026 and ends Sunday 1 November 2026.
    assert clinic.open_ranges("main", date(2026, 3, 6))[0][0].astimezone(UTC) == utc(2026, 3, 6, 13)
    assert clinic.open_ranges("main", date(2026, 3, 9))[0][0].astimezone(UTC) == utc(2026, 3, 9, 12)
    assert clinic.open_ranges("main", date(2026, 10, 30))[0][0].astimezone(UTC) == utc(
        2026, 10, 30, 12)
    assert clinic.open_ranges("main", date(2026, 11, 2))[0][0].astimezone(UTC) == utc(
        2026, 11, 2, 13)
    # Every range is still exactly ten hours long on either side of the change.
    for day in (date(2026, 3, 6), date(2026, 3, 9), date(2026, 11, 2)):
        ((start, end),) = clinic.open_ranges("main", day)
        assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=10)


def test_next_open_day_and_horizon(clinic: ClinicConfig) -> None:
    assert clinic.next_open_day("north", date(2026, 3, 6)) == date(2026, 3, 9)
    assert clinic.next_open_day("main", date(2026, 3, 6)) == date(2026, 3, 7)
    assert clinic.next_open_day("main", date(2026, 5, 24)) == date(2026, 5, 26)  # Memorial Day
    late_evening_utc = utc(2026, 3, 3, 2, 30)  # Monday 2 March, 21:30 in New York
    assert clinic.today(late_evening_utc) == date(2026, 3, 2)
    assert clinic.last_bookable_day(late_evening_utc) == date(2026, 4, 13)
    assert clinic.horizon_end(late_evening_utc) == local(2026, 4, 14)


def test_unknown_location_is_an_error(clinic: ClinicConfig) -> None:
    with pytest.raises(ValueError, match="unknown location"):
        clinic.open_ranges("south", date(2026, 3, 3))


# -- validation ---------------------------------------------------------------------------------


def _raw() -> dict:
    return yaml.safe_load(DEFAULT_CLINIC_PATH.read_text())


def _load(tmp_path: Path, raw: dict | str) -> ClinicConfig:
    path = tmp_path / "clinic.yml"
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw))
    return load_clinic(path)


def test_round_trip_of_the_real_file_loads(tmp_path: Path) -> None:
    assert _load(tmp_path, _raw()).providers.keys() == load_clinic().providers.keys()


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda r: r.update(timezone="America/Springfield"), "unknown IANA time zone"),
    (lambda r: r["providers"][0]["visit_types"].append("massage"), "unknown visit type 'massage'"),
    (lambda r: r["providers"][1].update(location="south"), "unknown location 'south'"),
    (lambda r: r["hours"]["main"].update(mon=["08:00-18:00", "17:00-19:00"]), "ranges overlap"),
    (lambda r: r["hours"]["main"].update(tue=["18:00-08:00"]), "ends before it starts"),
    (lambda r: r["hours"]["main"].update(wed=[1080]), "HH:MM-HH:MM"),  # unquoted 18:00 in YAML
    (lambda r: r["hours"]["main"].update(funday=["08:00-12:00"]), "unknown weekday"),
    (lambda r: r["hours"]["main"].update(thu=["08:10-18:00"]), "grid"),
    (lambda r: r["visit_types"]["follow_up"].update(minutes=25), "multiple of the 20-minute grid"),
    (lambda r: r["booking"].update(horizon_days=0), "horizon_days"),
    (lambda r: r["booking"].update(slot_grid_minutes=7), "divide an hour"),
    (lambda r: r["holidays"]["dates"].append({"date": "2026-02-30", "name": "x"}), "YYYY-MM-DD"),
    (lambda r: r["holidays"]["dates"].append(dict(r["holidays"]["dates"][0])), "listed twice"),
    (lambda r: r["holidays"].pop("source"), "holidays.source"),
    (lambda r: r["hours"].pop("north"), "missing ['north']"),
    (lambda r: r.pop("booking"), "booking"),
])
def test_invalid_configs_fail_loudly(tmp_path: Path, mutate, message: str) -> None:
    raw = _raw()
    mutate(raw)
    with pytest.raises(ClinicConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _load(tmp_path, raw)


def test_a_bare_yaml_time_is_rejected_not_misread(tmp_path: Path) -> None:
    # YAML 1.1 reads an unquoted 13:00 as the base-60 integer 780.
    text = DEFAULT_CLINIC_PATH.read_text().replace('sat: ["09:00-13:00"]', "sat: [13:00]")
    assert text != DEFAULT_CLINIC_PATH.read_text()
    with pytest.raises(ClinicConfigError, match=r"hours\.main\.sat.*780"):
        _load(tmp_path, text)


def test_a_visit_type_nobody_offers_is_rejected(tmp_path: Path) -> None:
    raw = _raw()
    raw["visit_types"]["massage"] = {"name": "Massage", "minutes": 20}
    with pytest.raises(ClinicConfigError, match="no provider offers it"):
        _load(tmp_path, raw)
