"""find_slots: nearest free slots under every booking rule; slot ids; lazy generation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from actions.core.scheduling.clinic import TELEHEALTH, ClinicConfig
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from actions.core.scheduling.store import NotFound, Slot, format_slot_id, parse_slot_id
from tests.core.scheduling.conftest import NOW, Book, Clock, local, patient, utc

WEEK = timedelta(days=7)


def starts(slots: list[Slot]) -> list[datetime]:
    return [s.start for s in slots]


def test_nearest_three_respect_minimum_notice(store: SqliteAppointmentStore) -> None:
    # Now 10:15 local, 60 min notice: 11:15 at the earliest, so the first grid time is 11:20.
    slots = store.find_slots("follow_up", NOW, NOW + WEEK)
    assert starts(slots) == [local(2026, 3, 2, 11, 20), local(2026, 3, 2, 11, 40),
                             local(2026, 3, 2, 12, 0)]
    for slot in slots:
        assert slot.start.tzinfo == UTC and slot.end - slot.start == timedelta(minutes=20)
        assert slot.visit_type_id == "follow_up"
        assert "follow_up" in store.clinic.providers[slot.provider_id].visit_types


def test_notice_boundary_is_inclusive(book: Book) -> None:
    exactly = book.open(Clock(local(2026, 3, 2, 10, 20)))
    assert exactly.find_slots("follow_up", NOW, NOW + WEEK, 1)[0].start == local(2026, 3, 2, 11, 20)
    later = book.open(Clock(local(2026, 3, 2, 10, 21)))
    assert later.find_slots("follow_up", NOW, NOW + WEEK, 1)[0].start == local(2026, 3, 2, 11, 40)


def test_only_within_opening_hours(store: SqliteAppointmentStore) -> None:
    day = [s for s in store.find_slots("follow_up", local(2026, 3, 3), local(2026, 3, 4), 500,
                                       location_id="north")]
    assert day, "north is open on Tuesdays"
    assert min(starts(day)) == local(2026, 3, 3, 9)
    assert max(s.end for s in day) == local(2026, 3, 3, 17)
    assert {s.location_id for s in day} == {"north"}
    assert store.find_slots("follow_up", local(2026, 3, 7), local(2026, 3, 8), 50,
                            location_id="north") == []  # Saturday
    assert store.find_slots("follow_up", local(2026, 3, 8), local(2026, 3, 9), 50) == []  # Sunday


def test_a_visit_must_fit_before_closing(store: SqliteAppointmentStore) -> None:
    saturday = store.find_slots("annual_physical", local(2026, 3, 7, 12), local(2026, 3, 7, 14),
                                10, location_id="main")
    assert sorted(set(starts(saturday))) == [local(2026, 3, 7, 12), local(2026, 3, 7, 12, 20)]
    assert all(s.end <= local(2026, 3, 7, 13) for s in saturday)
    short = store.find_slots("follow_up", local(2026, 3, 7, 12), local(2026, 3, 7, 14), 10,
                             location_id="main")
    assert max(starts(short)) == local(2026, 3, 7, 12, 40)


def test_never_on_holidays(book: Book) -> None:
    # Friday 22 May 2026 after closing; Monday 25 May is Memorial Day.
    store = book.open(Clock(local(2026, 5, 22, 17, 30)))
    assert store.find_slots("follow_up", local(2026, 5, 25), local(2026, 5, 26), 50) == []
    (first,) = store.find_slots("follow_up", local(2026, 5, 22), local(2026, 5, 30), 1,
                                location_id="north")
    assert first.start == local(2026, 5, 26, 9)


def test_only_providers_offering_the_visit_type(store: SqliteAppointmentStore) -> None:
    vaccinations = store.find_slots("vaccination", NOW, NOW + WEEK, 200)
    assert {s.provider_id for s in vaccinations} == {"nurse_main", "nurse_north"}
    physicals = store.find_slots("annual_physical", NOW, NOW + WEEK, 200)
    assert {s.provider_id for s in physicals} <= {"patel", "okafor", "ortiz", "kim"}
    assert all(s.end - s.start == timedelta(minutes=40) for s in physicals)


def test_telehealth_uses_video_hours_for_every_clinician(store: SqliteAppointmentStore) -> None:
    slots = store.find_slots("telehealth", local(2026, 3, 3), local(2026, 3, 8), 1000)
    assert {s.location_id for s in slots} == {TELEHEALTH}
    assert min(starts(slots)) == local(2026, 3, 3, 8)
    assert all(s.start.astimezone(store.clinic.tz).weekday() < 5 for s in slots)  # no Saturday
    north_only = store.find_slots("telehealth", local(2026, 3, 3), local(2026, 3, 4), 1000,
                                  location_id="north")
    assert {s.provider_id for s in north_only} == {"ortiz", "kim"}


def test_same_day_visits_only_today_or_tomorrow(book: Book, clinic: ClinicConfig,
                                                store: SqliteAppointmentStore) -> None:
    slots = store.find_slots("same_day", NOW, NOW + WEEK, 1000)
    days = {s.start.astimezone(clinic.tz).date() for s in slots}
    assert days == {date(2026, 3, 2), date(2026, 3, 3)}
    late = book.open(Clock(utc(2026, 3, 3, 2, 30)))  # 21:30 Mon
    days = {s.start.astimezone(clinic.tz).date()
            for s in late.find_slots("same_day", NOW, NOW + WEEK, 1000)}
    assert days == {date(2026, 3, 3)}


def test_exclude_skips_offered_slots(store: SqliteAppointmentStore) -> None:
    first = store.find_slots("follow_up", NOW, NOW + WEEK)
    second = store.find_slots("follow_up", NOW, NOW + WEEK,
                              exclude=[s.slot_id for s in first])
    assert not {s.slot_id for s in first} & {s.slot_id for s in second}
    assert min(starts(second)) >= min(starts(first))
    assert len(second) == 3


def test_spread_prefers_distinct_times_then_fills(store: SqliteAppointmentStore) -> None:
    hour = store.find_slots("follow_up", local(2026, 3, 3, 9), local(2026, 3, 3, 10))
    assert len(set(starts(hour))) == 3
    one_time = store.find_slots("follow_up", local(2026, 3, 3, 9), local(2026, 3, 3, 9, 20))
    assert starts(one_time) == [local(2026, 3, 3, 9)] * 3
    assert len({s.provider_id for s in one_time}) == 3


def test_pediatrician_only_for_children(store: SqliteAppointmentStore) -> None:
    window = (local(2026, 3, 3, 9), local(2026, 3, 3, 9, 20))
    (unknown_age,) = store.find_slots("follow_up", *window, 1, location_id="north")
    assert unknown_age.provider_id == "ortiz"  # all-ages clinician first at equal times
    adult = store.find_slots("follow_up", *window, 5, location_id="north", patient_age=40)
    assert {s.provider_id for s in adult} == {"ortiz"}
    child = store.find_slots("follow_up", *window, 5, location_id="north", patient_age=6)
    assert {s.provider_id for s in child} == {"ortiz", "kim"}


def test_booked_cells_are_not_offered(store: SqliteAppointmentStore) -> None:
    noon = local(2026, 3, 2, 12)
    for i, provider in enumerate(("patel", "okafor")):
        store.book(format_slot_id(provider, noon, "annual_physical"), patient(i), "check-up")
    # Both main clinicians are busy 12:00-12:40; a follow-up there can't start at 12:00 or 12:20.
    main = store.find_slots("follow_up", noon, noon + timedelta(hours=1), 10, location_id="main")
    assert min(starts(main)) == local(2026, 3, 2, 12, 40)
    # ...and a physical can't start at 11:40 either (it would run into the booked cells).
    before = store.find_slots("annual_physical", local(2026, 3, 2, 11, 40), noon, 10,
                              location_id="main")
    assert before == []


def test_horizon_clips_the_search(store: SqliteAppointmentStore) -> None:
    slots = store.find_slots("follow_up", NOW, NOW + timedelta(days=400), 10_000,
                             location_id="main")
    last_day = max(s.start.astimezone(store.clinic.tz).date() for s in slots)
    assert last_day == date(2026, 4, 13)  # today + 42 days
    assert store.find_slots("follow_up", local(2026, 4, 14), local(2026, 5, 1)) == []


def test_dst_week_slots_start_at_local_opening(store: SqliteAppointmentStore) -> None:
    before = store.find_slots("follow_up", local(2026, 3, 6), local(2026, 3, 7), 1000,
                              location_id="main")
    after = store.find_slots("follow_up", local(2026, 3, 9), local(2026, 3, 10), 1000,
                             location_id="main")
    assert min(starts(before)).astimezone(UTC) == utc(2026, 3, 6, 13)  # 08:00 EST
    assert min(starts(after)).astimezone(UTC) == utc(2026, 3, 9, 12)  # 08:00 EDT
    local_times = {s.start.astimezone(store.clinic.tz).time() for s in after}
    assert min(local_times) == time(8) and max(local_times) == time(17, 40)
    assert len(local_times) == 30  # 10 hours / 20 minutes, no hour lost or doubled


def test_unknown_ids_raise_not_found(store: SqliteAppointmentStore) -> None:
    with pytest.raises(NotFound):
        store.find_slots("massage", NOW, NOW + WEEK)
    with pytest.raises(NotFound):
        store.find_slots("follow_up", NOW, NOW + WEEK, location_id="south")


def test_slot_ids_parse_and_validate(store: SqliteAppointmentStore) -> None:
    slot = store.slot("patel|2026-03-03T14:00Z|follow_up")
    assert slot == Slot("patel|2026-03-03T14:00Z|follow_up", "patel", "main", "follow_up",
                        utc(2026, 3, 3, 14), utc(2026, 3, 3, 14, 20))
    assert parse_slot_id(slot.slot_id) == ("patel", utc(2026, 3, 3, 14), "follow_up")
    assert store.slot("ortiz|2026-03-03T13:00Z|telehealth").location_id == TELEHEALTH
    for bad in ("patel|2026-03-03T14:10Z|follow_up",  # off the grid
                "patel|2026-03-03T12:00Z|follow_up",  # 07:00 local, before opening
                "patel|2026-03-08T15:00Z|follow_up",  # Sunday
                "patel|2026-05-25T15:00Z|follow_up",  # Memorial Day
                "patel|2026-03-03T22:40Z|annual_physical",  # would end after closing
                "patel|2026-03-03T14:00Z|vaccination",  # not offered by her
                "nobody|2026-03-03T14:00Z|follow_up", "garbage", "patel|2026-13-03T14:00Z|x"):
        with pytest.raises(NotFound):
            store.slot(bad)


def _count(book: Book, sql: str) -> int:
    return book.rows(sql)[0][0]


def test_generation_is_lazy_and_idempotent(store: SqliteAppointmentStore, book: Book) -> None:
    assert _count(book, "SELECT COUNT(*) FROM slots") == 0
    store.find_slots("follow_up", NOW, NOW + WEEK)
    cells = _count(book, "SELECT COUNT(*) FROM slots")
    assert cells > 0
    store.find_slots("follow_up", NOW, NOW + WEEK)
    store.regenerate(date(2026, 3, 2), date(2026, 3, 9))
    assert _count(book, "SELECT COUNT(*) FROM slots") == cells
    # Saturday 7 March: main 9-13 (12 cells) for patel, okafor and nurse_main; nothing else.
    assert _count(book, "SELECT COUNT(*) FROM slots WHERE day = '2026-03-07'") == 36


def test_changed_hours_regenerate_and_keep_bookings(store: SqliteAppointmentStore,
                                                    clinic: ClinicConfig, book: Book) -> None:
    booked = store.book("patel|2026-03-03T21:00Z|follow_up", patient(), "check")  # 16:00 local
    shorter = {**clinic.hours, "main": {**clinic.hours["main"], 1: [(time(8), time(12))]}}
    changed = book.open(Clock(NOW), replace(clinic, hours=shorter))
    tuesday = changed.find_slots("follow_up", local(2026, 3, 3), local(2026, 3, 4), 1000,
                                 location_id="main")
    assert max(s.end for s in tuesday) == local(2026, 3, 3, 12)
    assert changed.get(booked.code).status == "booked"  # bookings are not generation data
