"""book / get / cancel / reschedule / upcoming, the booking rules, PHI at rest, rollback."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from actions.core.scheduling import sqlite_store
from actions.core.scheduling.clinic import ClinicConfig
from actions.core.scheduling.codes import ALPHABET, LENGTH, looks_like_code, normalize_code
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from actions.core.scheduling.store import (
    BookingRejected,
    NotFound,
    Patient,
    SlotTaken,
    dob_matches,
    format_slot_id,
)
from tests.core.scheduling.conftest import NOW, Book, Clock, local, patient

TUE_9 = format_slot_id("patel", local(2026, 3, 3, 9), "follow_up")
TUE_10 = format_slot_id("patel", local(2026, 3, 3, 10), "follow_up")
WED_9 = format_slot_id("okafor", local(2026, 3, 4, 9), "follow_up")


def held(book: Book) -> list[tuple]:
    return book.rows("SELECT provider_id, cell_ts, code FROM held_cells ORDER BY 1, 2")


def test_book_then_get_case_insensitively(store: SqliteAppointmentStore) -> None:
    booked = store.book(TUE_9, Patient("Ana Diaz", date(1990, 7, 4), "555-010-7777"), "sore knee")
    assert len(booked.code) == LENGTH and set(booked.code) <= set(ALPHABET)
    assert not set(booked.code) & set("0O1I")
    assert booked.status == "booked" and booked.slot == store.slot(TUE_9)
    assert booked.visit_type_id == "follow_up" and booked.reason == "sore knee"
    assert booked.created_at == NOW
    assert booked.patient == Patient("Ana Diaz", date(1990, 7, 4), None)  # phone never read back
    assert store.get(booked.code.lower()) == booked
    spaced = f" {booked.code[:3].lower()}-{booked.code[3:]} "
    assert store.get(spaced) == booked
    assert dob_matches(booked, date(1990, 7, 4)) and not dob_matches(booked, date(1990, 4, 7))


def test_wrong_code_is_not_found(store: SqliteAppointmentStore) -> None:
    store.book(TUE_9, patient(), "x")
    for code in ("ZZZZZZ", "", "K7P2QX"):
        with pytest.raises(NotFound):
            store.get(code)
    with pytest.raises(NotFound):
        store.cancel("ZZZZZZ")
    with pytest.raises(NotFound):
        store.reschedule("ZZZZZZ", TUE_10)


def test_codes_are_normalised_and_recognised() -> None:
    assert normalize_code(" k7p-2qx ") == "K7P2QX"
    assert looks_like_code("k7p 2qx") and not looks_like_code("K7P2Q0")
    assert not looks_like_code("K7P2QXX")


def test_code_collisions_retry(store: SqliteAppointmentStore,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    codes = iter(["AAAAAA", "AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(sqlite_store, "new_code", lambda: next(codes))
    assert store.book(TUE_9, patient(1), "x").code == "AAAAAA"
    assert store.book(TUE_10, patient(2), "x").code == "BBBBBB"


def test_the_same_or_an_overlapping_slot_cannot_be_booked_twice(
        store: SqliteAppointmentStore) -> None:
    store.book(TUE_9, patient(1), "x")
    with pytest.raises(SlotTaken):
        store.book(TUE_9, patient(2), "x")
    physical = format_slot_id("okafor", local(2026, 3, 3, 11), "annual_physical")  # 11:00-11:40
    store.book(physical, patient(3), "x")
    with pytest.raises(SlotTaken):  # 11:20 is the physical's second cell
        store.book(format_slot_id("okafor", local(2026, 3, 3, 11, 20), "follow_up"), patient(4),
                   "x")
    with pytest.raises(SlotTaken):  # a video visit is the same clinician's time
        store.book(format_slot_id("okafor", local(2026, 3, 3, 11), "telehealth"), patient(5), "x")
    store.book(format_slot_id("okafor", local(2026, 3, 3, 11, 40), "follow_up"), patient(6), "x")


def test_timing_rules(store: SqliteAppointmentStore) -> None:
    cases = {
        format_slot_id("patel", local(2026, 3, 2, 11), "follow_up"): "too_soon",  # < 60 min
        format_slot_id("patel", local(2026, 3, 2, 9), "follow_up"): "too_soon",  # past
        format_slot_id("patel", local(2026, 4, 14, 9), "follow_up"): "too_far",
        format_slot_id("patel", local(2026, 3, 4, 9), "same_day"): "same_day_only",
    }
    for slot_id, code in cases.items():
        with pytest.raises(BookingRejected) as rejected:
            store.book(slot_id, patient(), "x")
        assert rejected.value.code == code and rejected.value.reason
    assert store.book(format_slot_id("patel", local(2026, 4, 13, 9), "follow_up"), patient(),
                      "x").status == "booked"
    assert store.book(format_slot_id("patel", local(2026, 3, 3, 9), "same_day"), patient(),
                      "x").status == "booked"


def test_at_most_four_upcoming_per_patient(store: SqliteAppointmentStore) -> None:
    for day in (3, 4, 5, 6):
        store.book(format_slot_id("patel", local(2026, 3, day, 9), "follow_up"), patient(), "x")
    same_person = Patient("  test   PATIENT 0 ", date(1980, 3, 12))
    with pytest.raises(BookingRejected) as rejected:
        store.book(format_slot_id("patel", local(2026, 3, 9, 9), "follow_up"), same_person, "x")
    assert rejected.value.code == "too_many_upcoming"
    assert "(555) 010-0100" in rejected.value.reason
    # A different date of birth is a different patient.
    store.book(format_slot_id("patel", local(2026, 3, 9, 9), "follow_up"),
               patient(dob=date(1981, 3, 12)), "x")


def test_a_patient_cannot_be_in_two_places_at_once(store: SqliteAppointmentStore) -> None:
    store.book(TUE_9, patient(), "x")
    with pytest.raises(BookingRejected) as rejected:
        store.book(format_slot_id("ortiz", local(2026, 3, 3, 9), "follow_up"), patient(), "x")
    assert rejected.value.code == "overlap"


def test_pediatrician_rejects_adults(store: SqliteAppointmentStore) -> None:
    kim = format_slot_id("kim", local(2026, 3, 3, 9), "follow_up")
    with pytest.raises(BookingRejected) as rejected:
        store.book(kim, patient(dob=date(1980, 1, 1)), "x")
    assert rejected.value.code == "age"
    assert store.book(kim, patient(dob=date(2019, 5, 1)), "x").slot.provider_id == "kim"


@pytest.mark.parametrize("bad", [Patient("  ", date(1980, 1, 1)),
                                 Patient("Ana", date(2027, 1, 1))])
def test_invalid_patient(store: SqliteAppointmentStore, bad: Patient) -> None:
    with pytest.raises(BookingRejected) as rejected:
        store.book(TUE_9, bad, "x")
    assert rejected.value.code == "invalid_patient"


def test_phone_is_stored_only_as_a_keyed_hash(store: SqliteAppointmentStore,
                                              book: Book) -> None:
    booked = store.book(TUE_9, patient(phone="(555) 010-4321"), "x")
    ((phone_hash,),) = book.rows("SELECT phone_hash FROM appointments")
    assert phone_hash and "4321" not in phone_hash
    dump = book.dump()
    assert "010-4321" not in dump and "0104321" not in dump and "5550104321" not in dump
    assert store.phone_matches(booked.code, "+1 555 010 4321")
    assert not store.phone_matches(booked.code, "555 010 4322")


def test_cancel_frees_the_slot_and_is_not_repeatable(store: SqliteAppointmentStore,
                                                     book: Book) -> None:
    booked = store.book(TUE_9, patient(1), "x")
    cancelled = store.cancel(booked.code.lower())
    assert cancelled.status == "cancelled" and cancelled.code == booked.code
    assert held(book) == []
    assert store.get(booked.code).status == "cancelled"
    with pytest.raises(BookingRejected) as again:
        store.cancel(booked.code)
    assert again.value.code == "already_cancelled"
    assert store.book(TUE_9, patient(2), "x").slot.slot_id == TUE_9  # free again


def test_cannot_cancel_or_move_what_already_happened(store: SqliteAppointmentStore,
                                                     clock: Clock) -> None:
    booked = store.book(TUE_9, patient(), "x")
    clock.now = local(2026, 3, 3, 9, 30)
    for action in (lambda: store.cancel(booked.code),
                   lambda: store.reschedule(booked.code, WED_9)):
        with pytest.raises(BookingRejected) as rejected:
            action()
        assert rejected.value.code == "in_past"


def test_reschedule_keeps_the_code_and_moves_the_held_time(store: SqliteAppointmentStore,
                                                           book: Book) -> None:
    booked = store.book(TUE_9, patient(1), "x")
    moved = store.reschedule(booked.code, WED_9)
    assert moved.code == booked.code and moved.slot == store.slot(WED_9)
    assert moved.status == "booked" and moved.created_at == booked.created_at
    assert [(p, c) for p, _, c in held(book)] == [("okafor", booked.code)]
    assert store.book(TUE_9, patient(2), "x").status == "booked"  # old slot released
    with pytest.raises(BookingRejected) as same:
        store.reschedule(booked.code, WED_9)
    assert same.value.code == "same_slot"


def test_reschedule_to_a_longer_overlapping_slot_of_the_same_clinician(
        store: SqliteAppointmentStore) -> None:
    booked = store.book(TUE_9, patient(), "x")
    longer = format_slot_id("patel", local(2026, 3, 3, 9), "annual_physical")
    assert store.reschedule(booked.code, longer).slot.end == local(2026, 3, 3, 9, 40)
    assert store.get(booked.code).visit_type_id == "annual_physical"


def test_reschedule_onto_a_taken_slot_leaves_the_old_one_booked(
        store: SqliteAppointmentStore, book: Book) -> None:
    mine = store.book(TUE_9, patient(1), "x")
    store.book(WED_9, patient(2), "x")
    before = held(book)
    with pytest.raises(SlotTaken):
        store.reschedule(mine.code, WED_9)
    assert store.get(mine.code) == mine
    assert held(book) == before
    with pytest.raises(SlotTaken):  # the old slot is still held by this appointment
        store.book(TUE_9, patient(3), "x")


def test_reschedule_of_a_cancelled_appointment_is_rejected(store: SqliteAppointmentStore) -> None:
    booked = store.book(TUE_9, patient(), "x")
    store.cancel(booked.code)
    with pytest.raises(BookingRejected) as rejected:
        store.reschedule(booked.code, WED_9)
    assert rejected.value.code == "already_cancelled"


def test_upcoming_lists_booked_future_visits_earliest_first(store: SqliteAppointmentStore,
                                                             clock: Clock) -> None:
    later = store.book(WED_9, patient(), "b")
    sooner = store.book(TUE_10, patient(), "a")
    gone = store.book(TUE_9, patient(), "c")
    store.cancel(gone.code)
    store.book(format_slot_id("okafor", local(2026, 3, 3, 9), "follow_up"), patient(7), "other")
    assert [a.code for a in store.upcoming("TEST  patient 0", date(1980, 3, 12))] == [
        sooner.code, later.code]
    assert store.upcoming("Test Patient 0", date(1980, 12, 3)) == []
    clock.now = local(2026, 3, 3, 12)  # Tuesday's visit is now in the past
    assert [a.code for a in store.upcoming("test patient 0", date(1980, 3, 12))] == [later.code]


def test_database_file_is_created_with_wal(db_path: Path, clinic: ClinicConfig) -> None:
    SqliteAppointmentStore(db_path, clinic)
    assert db_path.exists() and db_path.parent.name == "sub"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchall() == [("wal",)]
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                            ).fetchall() == [("1",)]


def test_the_unique_constraint_itself_refuses_a_second_holder(
        store: SqliteAppointmentStore, book: Book) -> None:
    booked = store.book(TUE_9, patient(), "x")
    ((provider, cell, _),) = held(book)
    with pytest.raises(book.integrity_error):
        book.rows("INSERT INTO held_cells (provider_id, cell_ts, code) VALUES (?, ?, ?)",
                  provider, cell, booked.code)


# -- nothing half-written -----------------------------------------------------------------------


class Crash(RuntimeError):
    pass


def _crash(*_args: object, **_kwargs: object) -> None:
    raise Crash("injected between statements")


def test_a_crash_inside_book_leaves_nothing(store: SqliteAppointmentStore, book: Book,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # _hold_cells runs after the appointment row is inserted, in the same transaction.
    monkeypatch.setattr(SqliteAppointmentStore, "_hold_cells", _crash)
    with pytest.raises(Crash):
        store.book(TUE_9, patient(), "x")
    assert book.rows("SELECT COUNT(*) FROM appointments") == [(0,)]
    assert held(book) == []


def test_a_crash_inside_reschedule_restores_everything(store: SqliteAppointmentStore,
                                                       book: Book,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    booked = store.book(TUE_9, patient(), "x")
    table = book.rows("SELECT * FROM appointments")
    cells = held(book)
    # By the time _hold_cells runs, the old cells are released and the row points to the new
    # slot: all of it must roll back.
    monkeypatch.setattr(SqliteAppointmentStore, "_hold_cells", _crash)
    with pytest.raises(Crash):
        store.reschedule(booked.code, WED_9)
    assert book.rows("SELECT * FROM appointments") == table
    assert held(book) == cells
    monkeypatch.undo()
    assert store.get(booked.code) == booked
    assert store.book(WED_9, patient(2), "x").status == "booked"  # new slot never taken


def test_a_crash_inside_cancel_keeps_the_booking(store: SqliteAppointmentStore, book: Book,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    booked = store.book(TUE_9, patient(), "x")
    monkeypatch.setattr(SqliteAppointmentStore, "_release_cells", _crash)
    with pytest.raises(Crash):
        store.cancel(booked.code)
    monkeypatch.undo()
    assert store.get(booked.code).status == "booked" and len(held(book)) == 1


def test_rules_use_the_injected_clock_not_the_real_one(book: Book) -> None:
    far_future = book.open(Clock(NOW + timedelta(days=30)))
    with pytest.raises(BookingRejected):
        far_future.book(TUE_9, patient(), "x")
