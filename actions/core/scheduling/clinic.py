"""The clinic's configuration (data/clinic.yml): locations, providers, visit types, hours, holidays.

Loaded once and validated loudly: a typo in the hours or a provider offering an unknown visit type
would otherwise show up as patients being offered impossible appointments.

Time rules: everything the clinic states (hours, holidays, "today") is in the clinic's own time
zone. Naive datetimes given to this module are read as clinic-local wall time.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CLINIC_PATH = REPO_ROOT / "data" / "clinic.yml"

# Pseudo-location of video visits: its hours are `telehealth_hours`, it has no address.
TELEHEALTH = "telehealth"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class ClinicConfigError(ValueError):
    """clinic.yml is invalid; the message names the offending key."""


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    address: str


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    title: str
    location_id: str
    visit_types: tuple[str, ...]
    # Inclusive patient age range (years); the pediatrician sees 0-17. Additive to the brief's API.
    ages: tuple[int, int] = (0, 120)

    def sees_age(self, age: int | None) -> bool:
        return age is None or self.ages[0] <= age <= self.ages[1]


@dataclass(frozen=True)
class VisitType:
    id: str
    name: str
    minutes: int
    same_day_only: bool
    telehealth: bool


@dataclass(frozen=True)
class ClinicConfig:
    name: str
    phone: str
    tz: ZoneInfo
    locations: dict[str, Location]
    providers: dict[str, Provider]
    visit_types: dict[str, VisitType]
    # location id (and TELEHEALTH) -> weekday (0 = Monday) -> sorted, non-overlapping ranges
    hours: dict[str, dict[int, list[tuple[time, time]]]]
    holidays: dict[date, str]
    slot_grid_minutes: int
    horizon_days: int
    min_notice_minutes: int
    max_upcoming_per_patient: int
    holiday_source: str = ""
    website: str = ""
    descriptions: dict[str, str] = field(default_factory=dict)  # visit type id -> patient text

    # -- time helpers -------------------------------------------------------------------------

    def local(self, when: datetime) -> datetime:
        """``when`` as an aware datetime in the clinic's zone (naive = clinic wall time)."""
        if when.tzinfo is None:
            return when.replace(tzinfo=self.tz)
        return when.astimezone(self.tz)

    def today(self, now: datetime) -> date:
        """The clinic's calendar date at instant ``now`` (which may be given in UTC)."""
        return self.local(now).date()

    def last_bookable_day(self, now: datetime) -> date:
        return self.today(now) + timedelta(days=self.horizon_days)

    def horizon_end(self, now: datetime) -> datetime:
        """Exclusive end of the booking horizon: midnight after the last bookable day."""
        return self.start_of_day(self.last_bookable_day(now) + timedelta(days=1))

    def start_of_day(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.tz)

    # -- hours --------------------------------------------------------------------------------

    def _check_location(self, location_id: str) -> None:
        if location_id not in self.hours:
            raise ValueError(f"unknown location {location_id!r}")

    def open_ranges(self, location_id: str, day: date) -> list[tuple[datetime, datetime]]:
        """Opening ranges of ``location_id`` on ``day`` as aware clinic-zone datetimes.

        ``[]`` when closed that weekday or on a holiday. Building the datetimes from the local
        date and wall time (not by adding hours to midnight) keeps opening at 08:00 local on the
        days clocks change.
        """
        self._check_location(location_id)
        if day in self.holidays:
            return []
        return [
            (datetime.combine(day, a, tzinfo=self.tz), datetime.combine(day, b, tzinfo=self.tz))
            for a, b in self.hours[location_id].get(day.weekday(), [])
        ]

    def is_open(self, location_id: str, when: datetime) -> bool:
        local = self.local(when)
        return any(a <= local < b for a, b in self.open_ranges(location_id, local.date()))

    def next_open_day(self, location_id: str, after: date, max_days: int = 31) -> date | None:
        """First day strictly after ``after`` on which ``location_id`` opens (None if none soon)."""
        for offset in range(1, max_days + 1):
            day = after + timedelta(days=offset)
            if self.open_ranges(location_id, day):
                return day
        return None

    def location_label(self, location_id: str) -> str:
        if location_id == TELEHEALTH:
            return "Video visits"
        return self.locations[location_id].name


def _fail(where: str, problem: str) -> ClinicConfigError:
    return ClinicConfigError(f"clinic config {where}: {problem}")


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}.{key}", "must be a non-empty string")
    return value.strip()


def _positive_int(raw: dict[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _fail(f"{where}.{key}", f"must be a positive integer, got {value!r}")
    return value


def _parse_ranges(value: Any, where: str) -> list[tuple[time, time]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, 'must be a list of quoted "HH:MM-HH:MM" strings')
    ranges: list[tuple[time, time]] = []
    for item in value:
        match = _RANGE.match(item) if isinstance(item, str) else None
        if not match:
            raise _fail(where, f'{item!r} is not a quoted "HH:MM-HH:MM" range')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
            raise _fail(where, f"{item!r} is not a valid time range")
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise _fail(where, f"{item!r} ends before it starts (overnight hours are unsupported)")
        ranges.append((start, end))
    ranges.sort()
    for (_, end), (start, _) in itertools.pairwise(ranges):
        if start < end:
            raise _fail(where, "ranges overlap")
    return ranges


def _parse_week(raw: Any, where: str) -> dict[int, list[tuple[time, time]]]:
    if not isinstance(raw, dict):
        raise _fail(where, "must map weekdays (mon..sun) to lists of ranges")
    unknown = set(raw) - set(WEEKDAYS)
    if unknown:
        raise _fail(where, f"unknown weekday keys {sorted(map(str, unknown))}; use {WEEKDAYS}")
    return {i: _parse_ranges(raw.get(day), f"{where}.{day}") for i, day in enumerate(WEEKDAYS)}


def _parse_ages(value: Any, where: str) -> tuple[int, int]:
    if value is None:
        return (0, 120)
    match = re.match(r"^\s*(\d{1,3})\s*-\s*(\d{1,3})\s*$", str(value))
    if not match or int(match.group(1)) > int(match.group(2)):
        raise _fail(where, f'{value!r} is not an age range like "0-17"')
    return (int(match.group(1)), int(match.group(2)))


def _parse_holidays(raw: Any) -> tuple[dict[date, str], str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("dates"), list):
        raise _fail("holidays", "must have `source` (URL) and a `dates` list")
    source = _text(raw, "source", "holidays")
    if not source.startswith("https://"):
        raise _fail("holidays.source", "must be an https:// URL of the published list")
    holidays: dict[date, str] = {}
    for i, item in enumerate(raw["dates"]):
        where = f"holidays.dates[{i}]"
        if not isinstance(item, dict):
            raise _fail(where, "must be {date: YYYY-MM-DD, name: ...}")
        value = item.get("date")
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise _fail(where, f"{value!r} is not a YYYY-MM-DD date") from None
        if not isinstance(value, date) or isinstance(value, datetime):
            raise _fail(where, "date must be YYYY-MM-DD")
        if value in holidays:
            raise _fail(where, f"{value} is listed twice")
        holidays[value] = _text(item, "name", where)
    return holidays, source


def load_clinic(path: Path = DEFAULT_CLINIC_PATH) -> ClinicConfig:
    """Read and validate clinic.yml; raises ClinicConfigError naming the bad key."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ClinicConfigError(f"clinic config {path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ClinicConfigError(f"clinic config {path}: must be a mapping")
    return _build(raw)


def _build(raw: dict[str, Any]) -> ClinicConfig:
    tz_name = _text(raw, "timezone", "root")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail("timezone", f"unknown IANA time zone {tz_name!r}") from None

    booking = raw.get("booking")
    if not isinstance(booking, dict):
        raise _fail("booking", "missing")
    grid = _positive_int(booking, "slot_grid_minutes", "booking")
    if 60 % grid and grid % 60:
        raise _fail("booking.slot_grid_minutes", "must divide an hour (e.g. 10, 15, 20, 30)")
    rules = {
        "horizon_days": _positive_int(booking, "horizon_days", "booking"),
        "min_notice_minutes": _positive_int(booking, "min_notice_minutes", "booking"),
        "max_upcoming_per_patient": _positive_int(booking, "max_upcoming_per_patient", "booking"),
    }

    raw_locations = raw.get("locations")
    if not isinstance(raw_locations, dict) or not raw_locations:
        raise _fail("locations", "must map location ids to {name, address}")
    locations: dict[str, Location] = {}
    for loc_id, item in raw_locations.items():
        where = f"locations.{loc_id}"
        if not isinstance(loc_id, str) or not _ID.match(loc_id) or loc_id == TELEHEALTH:
            raise _fail(where, f"invalid id (lower_snake_case, not {TELEHEALTH!r})")
        if not isinstance(item, dict):
            raise _fail(where, "must be a mapping")
        locations[loc_id] = Location(loc_id, _text(item, "name", where),
                                     _text(item, "address", where))

    raw_types = raw.get("visit_types")
    if not isinstance(raw_types, dict) or not raw_types:
        raise _fail("visit_types", "must map visit type ids to {name, minutes}")
    visit_types: dict[str, VisitType] = {}
    descriptions: dict[str, str] = {}
    for vt_id, item in raw_types.items():
        where = f"visit_types.{vt_id}"
        if not isinstance(vt_id, str) or not _ID.match(vt_id) or not isinstance(item, dict):
            raise _fail(where, "invalid id or entry")
        minutes = _positive_int(item, "minutes", where)
        if minutes % grid:
            raise _fail(f"{where}.minutes",
                        f"{minutes} is not a multiple of the {grid}-minute grid")
        flags = {}
        for flag in ("same_day_only", "telehealth"):
            value = item.get(flag, False)
            if not isinstance(value, bool):
                raise _fail(f"{where}.{flag}", "must be true or false")
            flags[flag] = value
        visit_types[vt_id] = VisitType(vt_id, _text(item, "name", where), minutes, **flags)
        descriptions[vt_id] = str(item.get("description", "")).strip()

    raw_providers = raw.get("providers")
    if not isinstance(raw_providers, list) or not raw_providers:
        raise _fail("providers", "must be a list")
    providers: dict[str, Provider] = {}
    for i, item in enumerate(raw_providers):
        where = f"providers[{i}]"
        if not isinstance(item, dict):
            raise _fail(where, "must be a mapping")
        pid = _text(item, "id", where)
        if not _ID.match(pid) or pid in providers:
            raise _fail(where, f"id {pid!r} is invalid or duplicated")
        loc = _text(item, "location", where)
        if loc not in locations:
            raise _fail(f"{where}.location", f"unknown location {loc!r}")
        offered = item.get("visit_types")
        if not isinstance(offered, list) or not offered:
            raise _fail(f"{where}.visit_types", "must be a non-empty list")
        for vt in offered:
            if vt not in visit_types:
                raise _fail(f"{where}.visit_types", f"unknown visit type {vt!r}")
        providers[pid] = Provider(pid, _text(item, "name", where), _text(item, "title", where),
                                  loc, tuple(offered), _parse_ages(item.get("ages"), where))
    for vt_id in visit_types:
        if not any(vt_id in p.visit_types for p in providers.values()):
            raise _fail(f"visit_types.{vt_id}", "no provider offers it")

    raw_hours = raw.get("hours")
    if not isinstance(raw_hours, dict):
        raise _fail("hours", "must map location ids to weekly hours")
    missing = set(locations) - set(raw_hours)
    extra = set(raw_hours) - set(locations)
    if missing or extra:
        raise _fail("hours", f"missing {sorted(missing)} / unknown {sorted(map(str, extra))}")
    hours = {loc: _parse_week(raw_hours[loc], f"hours.{loc}") for loc in locations}
    if any(vt.telehealth for vt in visit_types.values()):
        hours[TELEHEALTH] = _parse_week(raw.get("telehealth_hours"), "telehealth_hours")
    for loc, week in hours.items():
        for day, ranges in week.items():
            for a, b in ranges:
                if (a.hour * 60 + a.minute) % grid or (b.hour * 60 + b.minute) % grid:
                    raise _fail(f"hours.{loc}.{WEEKDAYS[day]}",
                                f"{a:%H:%M}-{b:%H:%M} is not on the {grid}-minute grid")

    holidays, source = _parse_holidays(raw.get("holidays"))
    website = raw.get("website", "")
    return ClinicConfig(
        name=_text(raw, "name", "root"),
        phone=_text(raw, "phone", "root"),
        tz=tz,
        locations=locations,
        providers=providers,
        visit_types=visit_types,
        hours=hours,
        holidays=holidays,
        slot_grid_minutes=grid,
        holiday_source=source,
        website=website if isinstance(website, str) else "",
        descriptions=descriptions,
        **rules,
    )
