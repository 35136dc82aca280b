"""No double booking under real concurrency: separate connections in threads and processes
(separate processes stand for separate action servers), on both backends."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from datetime import date, timedelta

from actions.core.scheduling.sqlite_store import SqliteAppointmentStore
from actions.core.scheduling.store import Patient, SlotTaken, format_slot_id
from tests.core.scheduling.conftest import NOW, Book, local
from tests.core.scheduling.race_worker import book_and_hang, book_once

RACERS = 20
SLOT = format_slot_id("okafor", local(2026, 3, 3, 14), "annual_physical")  # holds two cells


def assert_single_holder(book: Book, slot_id: str) -> None:
    booked = book.rows(
        "SELECT code FROM appointments WHERE status = 'booked' AND provider_id = 'okafor' "
        "AND start_ts = ?", int(local(2026, 3, 3, 14).timestamp()))
    holders = book.rows("SELECT DISTINCT code FROM held_cells")
    cells = book.rows("SELECT COUNT(*) FROM held_cells")[0][0]
    total = book.rows("SELECT COUNT(*) FROM appointments")[0][0]
    assert len(booked) == 1 and holders == booked
    assert cells == 2 and total == 1, f"{slot_id}: {cells} cells, {total} appointments"


def test_twenty_threads_with_own_stores_one_winner(
        book: Book, make_store: Callable[..., SqliteAppointmentStore]) -> None:
    make_store().find_slots("annual_physical", NOW, local(2026, 3, 4))  # generate
    stores = [make_store() for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    results: list[str] = []
    lock = threading.Lock()

    def race(n: int) -> None:
        barrier.wait(timeout=60)
        try:
            stores[n].book(SLOT, Patient(f"Racer {n}", date(1970, 1, 1 + n)), "race")
            outcome = "ok"
        except SlotTaken:
            outcome = "taken"
        except Exception as exc:  # anything else is a failure of the guarantee
            outcome = f"error {exc!r}"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == ["ok"] + ["taken"] * (RACERS - 1)
    assert_single_holder(book, SLOT)


def test_twenty_processes_one_winner(book: Book,
                                     make_store: Callable[..., SqliteAppointmentStore]) -> None:
    make_store().find_slots("annual_physical", NOW, local(2026, 3, 4))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(RACERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=book_once,
                         args=(book.kind, book.where, NOW.isoformat(), SLOT, n, barrier, results))
             for n in range(RACERS)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(p.exitcode == 0 for p in procs)
    kinds = sorted(kind for _, kind, _ in outcomes)
    assert kinds == ["ok"] + ["taken"] * (RACERS - 1), outcomes
    assert_single_holder(book, SLOT)


def test_racing_reschedules_and_bookings_for_one_slot(
        book: Book, make_store: Callable[..., SqliteAppointmentStore]) -> None:
    """Ten patients move their visit to the same slot while five others try to book it."""
    setup = make_store()
    own = [setup.book(format_slot_id(p, local(2026, 3, 4, 9) + timedelta(minutes=20 * i),
                                     "follow_up"),
                      Patient(f"Mover {p}{i}", date(1960, 1, 1)), "x")
           for p in ("patel", "okafor") for i in range(5)]
    target = format_slot_id("patel", local(2026, 3, 5, 10), "follow_up")
    barrier = threading.Barrier(len(own) + 5)
    outcomes: dict[str, str] = {}
    lock = threading.Lock()

    def attempt(key: str, action: Callable[[], object]) -> None:
        barrier.wait(timeout=60)
        try:
            action()
            result = "ok"
        except SlotTaken:
            result = "taken"
        except Exception as exc:
            result = f"error {exc!r}"
        with lock:
            outcomes[key] = result

    jobs = [threading.Thread(target=attempt, args=(a.code, lambda a=a: make_store()
                                                   .reschedule(a.code, target)))
            for a in own]
    jobs += [threading.Thread(target=attempt, args=(f"new{n}", lambda n=n: make_store()
                                                    .book(target, Patient(f"New {n}",
                                                                          date(1999, 1, 1)), "x")))
             for n in range(5)]
    for t in jobs:
        t.start()
    for t in jobs:
        t.join(timeout=120)
    assert sorted(outcomes.values()) == ["ok"] + ["taken"] * (len(jobs) - 1), outcomes
    check = make_store()
    for a in own:  # every loser still has exactly its old appointment, still held
        now = check.get(a.code)
        assert now.status == "booked"
        assert now.slot == (check.slot(target) if outcomes[a.code] == "ok" else a.slot)
    holders = book.rows("SELECT code, COUNT(*) FROM held_cells GROUP BY code")
    booked = book.rows("SELECT COUNT(*) FROM appointments WHERE status = 'booked'")[0][0]
    assert all(count == 1 for _, count in holders) and len(holders) == booked


def test_a_process_killed_inside_a_booking_leaves_nothing_and_no_lock(
        book: Book, make_store: Callable[..., SqliteAppointmentStore]) -> None:
    make_store().find_slots("annual_physical", NOW, local(2026, 3, 4))
    ctx = multiprocessing.get_context("spawn")
    inside = ctx.Event()
    proc = ctx.Process(target=book_and_hang,
                       args=(book.kind, book.where, NOW.isoformat(), SLOT, inside))
    proc.start()
    try:
        assert inside.wait(timeout=120), "the worker never reached the transaction"
    finally:
        proc.kill()  # SIGKILL: no except/finally of the worker runs
        proc.join(timeout=30)
    assert book.rows("SELECT COUNT(*) FROM appointments")[0][0] == 0
    # The dead process's transaction and locks are gone: the slot books at once.
    assert make_store().book(SLOT, Patient("Next Patient", date(1980, 5, 5)), "x").status == (
        "booked")
