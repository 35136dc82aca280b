"""The appointment conversation state machine against a real SQLite store and a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.core.booking import dialogue
from actions.core.booking.state import (
    ASK_CODE,
    ASK_CONFIRM,
    ASK_DOB,
    ASK_NAME,
    ASK_REASON,
    ASK_SLOT,
    ASK_TASK,
    ASK_VISIT_TYPE,
    ASK_WHEN,
    BOOKED,
    CANCELLED,
    HANDOFF,
    LISTED,
    RESCHEDULED,
    STOPPED,
    BookingState,
)
from actions.core.scheduling.clinic import load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore

NY = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=NY)  # a Monday morning


@pytest.fixture
def ctx(tmp_path: Path) -> dialogue.BookingContext:
    clinic = load_clinic()
    store = SqliteAppointmentStore(tmp_path / "book.sqlite3", clinic, now=lambda: NOW)
    return dialogue.BookingContext(store, clinic, NOW)


def say(state: BookingState, ctx: dialogue.BookingContext, text: str) -> str:
    """One patient turn; returns everything the assistant says, incl. the next question."""
    replies = dialogue.handle(state, text, ctx)
    question = dialogue.prompt(state, ctx)
    return " ".join(r.text for r in [*replies, *([question] if question else [])])


def book(ctx: dialogue.BookingContext, name: str = "Jane Smith", dob: str = "03/14/1985",
         when: str = "tomorrow morning", pick: str = "1") -> BookingState:
    state = dialogue.begin("I'd like to book an appointment")
    for answer in ("follow-up visit", "blood pressure review", when, pick, name, dob, "yes"):
        say(state, ctx, answer)
    assert state.outcome == BOOKED, state
    return state


def test_booking_walks_through_every_question_and_confirms_with_a_code(ctx) -> None:
    state = dialogue.begin("I'd like to book an appointment")
    assert state.step == ASK_VISIT_TYPE
    question = dialogue.prompt(state, ctx)
    assert question and len(question.buttons) == len(ctx.clinic.visit_types)
    say(state, ctx, "a follow-up visit")
    assert (state.step, state.visit_type) == (ASK_REASON, "follow_up")
    say(state, ctx, "blood pressure review")
    assert state.step == ASK_WHEN
    text = say(state, ctx, "tomorrow morning")
    assert state.step == ASK_SLOT and len(state.offered) == 3
    offers = [ctx.store.slot(s) for s in state.offered]
    for slot in offers:
        local = slot.start.astimezone(NY)
        assert local.date() == NOW.date() + timedelta(days=1) and 8 <= local.hour < 12
    assert [s.start for s in offers] == sorted(s.start for s in offers)
    assert "Which one" in text
    say(state, ctx, "2")
    assert state.step == ASK_NAME and state.chosen == state.offered[1]
    say(state, ctx, "jane smith")
    assert (state.step, state.name) == (ASK_DOB, "Jane Smith")
    text = say(state, ctx, "03/14/1985")
    assert state.step == ASK_CONFIRM and "Jane Smith" in text and "03/14/1985" in text
    text = say(state, ctx, "yes")
    assert state.outcome == BOOKED and state.appointment_code
    assert state.appointment_code in text
    appt = ctx.store.get(state.appointment_code)
    assert appt.slot.slot_id == state.offered[1] and appt.reason == "blood pressure review"
    assert appt.status == "booked"


def test_opening_words_skip_questions_already_answered(ctx) -> None:
    assert dialogue.begin("/manage_appointment").step == ASK_TASK
    assert dialogue.begin("can I book a flu shot").visit_type == "vaccination"
    assert dialogue.begin("I need to move my appointment").step == ASK_CODE
    assert dialogue.begin("cancel appointment K7P2QX please").code == "K7P2QX"
    assert dialogue.begin("when is my next appointment").step == ASK_NAME
    urgent = dialogue.begin("/manage_appointment", same_day=True, complaint="ear pain, fever")
    assert (urgent.visit_type, urgent.reason, urgent.step) == ("same_day", "ear pain, fever",
                                                               ASK_WHEN)


def test_two_patients_racing_for_one_slot_the_loser_gets_the_next_times(ctx) -> None:
    first, second = (dialogue.begin("book an appointment") for _ in range(2))
    for state, name in ((first, "Ann Lee"), (second, "Bo Chen")):
        for answer in ("follow-up", "check", "tomorrow morning", "1", name, "01/02/1970"):
            say(state, ctx, answer)
    assert first.chosen == second.chosen
    say(first, ctx, "yes")
    assert first.outcome == BOOKED
    text = say(second, ctx, "yes")
    assert second.outcome is None and second.step == ASK_SLOT
    assert "just taken" in text
    assert first.chosen not in second.offered and second.offered
    say(second, ctx, "1")
    say(second, ctx, "yes")
    assert second.outcome == BOOKED


@pytest.mark.parametrize("bad, expected", [
    ("february 30", "February"),
    ("last monday", "past"),
    ("blah blah", "day or time"),
    ("tomorrow at 7pm", "won't work"),      # outside opening hours
    ("june 1st", "6 weeks ahead"),          # beyond the booking horizon
])
def test_bad_dates_get_a_clear_message_and_another_chance(ctx, bad: str, expected: str) -> None:
    state = dialogue.begin("book a follow-up")
    say(state, ctx, "knee check")
    text = say(state, ctx, bad)
    assert state.step == ASK_WHEN and state.failures == 1 and state.outcome is None
    assert expected.lower() in text.lower()
    say(state, ctx, "tomorrow after 3")
    assert state.step == ASK_SLOT and state.failures == 0


def test_sunday_is_closed_and_says_so(ctx) -> None:
    state = dialogue.begin("book a follow-up")
    say(state, ctx, "knee check")
    text = say(state, ctx, "sunday at 10")
    assert state.step == ASK_WHEN and state.failures == 1
    assert "closed" in text.lower() or "sunday" in text.lower()


def test_three_failures_at_one_question_offer_a_person(ctx) -> None:
    state = dialogue.begin("book a follow-up")
    say(state, ctx, "knee check")
    for _ in range(2):
        say(state, ctx, "purple")
        assert state.outcome is None
    text = say(state, ctx, "purple")
    assert state.outcome == HANDOFF
    assert "person" in text and ctx.clinic.phone in text


def test_reschedule_needs_the_code_and_the_matching_date_of_birth(ctx) -> None:
    booked = book(ctx)
    old = ctx.store.get(booked.appointment_code)
    state = dialogue.begin("I need to reschedule")
    # An unknown code and a wrong date of birth get the same answer, only after both are given.
    say(state, ctx, "ZZZ999")
    assert state.step == ASK_DOB
    unknown_code = say(state, ctx, "03/14/1985")
    assert state.step == ASK_CODE and "couldn't match" in unknown_code
    say(state, ctx, booked.appointment_code.lower())
    assert state.step == ASK_DOB
    wrong_dob = say(state, ctx, "01/01/1950")
    assert state.step == ASK_CODE and wrong_dob == unknown_code
    say(state, ctx, booked.appointment_code)
    say(state, ctx, "03/14/1985")
    assert state.step == ASK_WHEN
    say(state, ctx, "next wednesday afternoon")
    assert state.step == ASK_SLOT
    say(state, ctx, "1")
    assert state.step == ASK_CONFIRM
    say(state, ctx, "yes")
    assert state.outcome == RESCHEDULED
    moved = ctx.store.get(booked.appointment_code)
    assert moved.code == old.code and moved.slot.start != old.slot.start
    assert moved.slot.start.astimezone(NY).hour >= 12


def test_cancel_and_list(ctx) -> None:
    booked = book(ctx, name="Maria Garcia", dob="01/05/2001")
    listing = dialogue.begin("when is my next appointment")
    say(listing, ctx, "maria garcia")
    asked = say(listing, ctx, "January 5 2001")
    assert listing.step == ASK_CODE and booked.appointment_code not in asked
    text = say(listing, ctx, booked.appointment_code)
    assert listing.outcome == LISTED and booked.appointment_code in text
    state = dialogue.begin("cancel my appointment")
    say(state, ctx, booked.appointment_code)
    text = say(state, ctx, "1/5/2001")
    assert state.step == ASK_CONFIRM and "Cancel this appointment" in text
    say(state, ctx, "yes")
    assert state.outcome == CANCELLED
    assert ctx.store.get(booked.appointment_code).status == "cancelled"
    again = dialogue.begin("cancel my appointment")
    say(again, ctx, booked.appointment_code)
    text = say(again, ctx, "1/5/2001")
    assert again.outcome == STOPPED and "already cancelled" in text


def test_no_at_confirmation_books_nothing(ctx) -> None:
    state = dialogue.begin("book a follow-up")
    for answer in ("check", "tomorrow", "1", "Ann Lee", "02/03/1990"):
        say(state, ctx, answer)
    say(state, ctx, "no")
    assert state.step == ASK_WHEN and state.outcome is None
    assert ctx.store.upcoming("Ann Lee", datetime(1990, 2, 3).date()) == []


def test_stop_ends_without_booking(ctx) -> None:
    state = dialogue.begin("book a follow-up")
    text = say(state, ctx, "never mind")
    assert state.outcome == STOPPED and "Nothing was booked" in text
    booking = dialogue.begin("book a follow-up")
    say(booking, ctx, "cancel that")
    assert booking.outcome == STOPPED
    # While cancelling an appointment, "cancel" is the task, not a way out.
    cancelling = dialogue.begin("/manage_appointment")
    say(cancelling, ctx, "cancel")
    assert cancelling.outcome is None and cancelling.step == ASK_CODE


def test_same_day_visits_only_today_or_tomorrow(ctx) -> None:
    state = dialogue.begin("/manage_appointment", same_day=True, complaint="ear pain")
    text = say(state, ctx, "next friday")
    assert state.step == ASK_WHEN and "today or tomorrow" in text
    say(state, ctx, "as soon as possible")
    assert state.step == ASK_SLOT
    limit = NOW.date() + timedelta(days=1)
    assert all(ctx.store.slot(s).start.astimezone(NY).date() <= limit for s in state.offered)


def test_other_times_shows_new_options(ctx) -> None:
    state = dialogue.begin("book a follow-up")
    say(state, ctx, "check")
    say(state, ctx, "tomorrow")
    first = list(state.offered)
    say(state, ctx, "other times")
    assert state.step == ASK_SLOT and not set(first) & set(state.offered)


def test_topic_switch_is_not_taken_as_an_answer(ctx) -> None:
    state = dialogue.begin("book a follow-up")
    say(state, ctx, "check")
    assert not dialogue.accepts(state, "where can I park?", ctx)
    assert dialogue.accepts(state, "tomorrow after 3", ctx)
    state.step = ASK_REASON
    assert dialogue.accepts(state, "sore knee", ctx)
    assert not dialogue.accepts(state, "do you take medicaid?", ctx)
