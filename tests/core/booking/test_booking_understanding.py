"""Openers, picks, corrections, small talk and eligibility in the booking conversation (the pure
core against a real SQLite book at a fixed Monday-morning clock)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.core.booking import answers, dialogue, understand
from actions.core.booking.state import (
    ASK_CONFIRM,
    ASK_DOB,
    ASK_SLOT,
    ASK_VISIT_TYPE,
    BOOKED,
    HANDOFF,
    STOPPED,
    BookingState,
)
from actions.core.scheduling.clinic import load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore

NY = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=NY)


@pytest.fixture
def ctx(tmp_path: Path) -> dialogue.BookingContext:
    clinic = load_clinic()
    return dialogue.BookingContext(
        SqliteAppointmentStore(tmp_path / "b.sqlite3", clinic, now=lambda: NOW), clinic, NOW)


def say(state: BookingState, ctx: dialogue.BookingContext, text: str) -> str:
    replies = dialogue.handle(state, text, ctx)
    question = dialogue.prompt(state, ctx)
    return " ".join(r.text for r in [*replies, *([question] if question else [])])


def providers(state: BookingState, ctx: dialogue.BookingContext) -> set[str]:
    return {ctx.store.slot(s).provider_id for s in state.offered}


def test_an_opener_with_details_goes_straight_to_times(ctx) -> None:
    state, _ = dialogue.start("follow up for my blood pressure thursday afternoon", ctx)
    assert (state.visit_type, state.step) == ("follow_up", ASK_SLOT)
    assert "blood pressure" in (state.reason or "")
    for sid in state.offered:
        start = ctx.store.slot(sid).start.astimezone(NY)
        assert start.date().isoformat() == "2027-03-04" and start.hour >= 12


def test_plain_openers_start_booking() -> None:
    for text in ("I need a doctor.", "I am looking for a doctor.", "whens the next available "
                 "appointment"):
        state, _ = dialogue.start(text, _ctx_for_start())
        assert state.task == "book" and state.step == ASK_VISIT_TYPE, text


def _ctx_for_start() -> dialogue.BookingContext:
    clinic = load_clinic()
    return dialogue.BookingContext(None, clinic, NOW)  # type: ignore[arg-type]


def test_opener_details_who_age_clinician_site() -> None:
    clinic = load_clinic()
    d = understand.read("can my 3 yr old see dr kim at northside", clinic)
    assert (d.who, d.age, d.clinician, d.site) == ("child", 3, "kim", "north")
    assert understand.read("earliest you have, need to see a doctor", clinic).reason is None
    assert "earache" in (understand.read("my son has an earache", clinic).reason or "")
    d = understand.read("checkup for my mom, she is 78", clinic)
    assert (d.visit_type, d.who, d.age) == ("annual_physical", "other", 78)


def test_a_service_we_do_not_offer_is_refused_with_alternatives(ctx) -> None:
    state, replies = dialogue.start("I need a dentist", ctx)
    text = " ".join(r.text for r in replies)
    assert "don't offer dental" in text and "Annual physical" in text
    assert state.step == ASK_VISIT_TYPE and state.visit_type is None
    state, replies = dialogue.start("I need physical therapy for my knee", ctx)
    assert "don't offer physical therapy" in replies[0].text and state.visit_type is None


def test_an_adult_of_unknown_age_never_sees_the_pediatrician(ctx) -> None:
    for when in ("tomorrow morning", "wednesday afternoon", "as soon as possible"):
        state, _ = dialogue.start(f"new problem, rash, {when}", ctx)
        while state.step == ASK_SLOT and len(state.seen) < 30:
            assert "kim" not in providers(state, ctx)
            say(state, ctx, "none of these")


def test_a_child_gets_asked_the_date_of_birth_first_and_may_see_the_pediatrician(ctx) -> None:
    state, _ = dialogue.start("appointment for my son Leo, ear pain, tomorrow afternoon", ctx)
    assert state.step == ASK_DOB and "Leo's date of birth" in (dialogue.prompt(state, ctx) or
                                                               dialogue.Reply("")).text
    say(state, ctx, "05/06/2019")
    assert state.step == ASK_SLOT
    seen: set[str] = set()
    while state.step == ASK_SLOT and len(state.seen) < 30:
        seen |= providers(state, ctx)
        say(state, ctx, "none of these")
    assert "kim" in seen


def test_picks_as_people_say_them(ctx) -> None:
    starts = [datetime(2027, 3, 2, 8, m, tzinfo=NY) for m in (0, 20, 40)]
    assert answers.option_pick("the secnd one pls", 3) == 2
    assert answers.option_pick("the last one", 3) == 3
    assert answers.option_pick("the 8:20 one", 3) is None
    assert answers.time_pick("the 8:20 one", starts) == 2
    assert answers.time_pick("8:40am works", starts) == 3
    assert answers.time_pick("8:40pm", starts) is None
    assert answers.option_pick("none of these", 3) is None


def test_not_mornings_and_afternoon_instead_keep_the_day(ctx) -> None:
    state, _ = dialogue.start("follow up for my blood pressure tomorrow morning", ctx)
    say(state, ctx, "not mornings")
    times = [ctx.store.slot(s).start.astimezone(NY) for s in state.offered]
    assert times and all(t.hour >= 12 and t.day == 2 for t in times)


def test_a_correction_at_the_summary_reopens_it_and_the_summary_names_the_change(ctx) -> None:
    state, _ = dialogue.start("follow up for my blood pressure tomorrow morning", ctx)
    for answer in ("1", "Sam Rivera", "04/02/1988"):
        say(state, ctx, answer)
    assert state.step == ASK_CONFIRM
    text = say(state, ctx, "actually make it Thursday")
    assert "changed the day and time" in text and state.step == ASK_SLOT
    days = {ctx.store.slot(s).start.astimezone(NY).date().isoformat() for s in state.offered}
    assert days == {"2027-03-04"}
    text = say(state, ctx, "2")
    assert state.step == ASK_CONFIRM and "I've changed the day and time (it was Tue 2 Mar" in text
    say(state, ctx, "yes")
    assert state.outcome == BOOKED


def test_its_for_my_son_is_never_stored_as_a_name(ctx) -> None:
    state, _ = dialogue.start("follow up for my blood pressure tomorrow morning", ctx)
    say(state, ctx, "1")
    say(state, ctx, "wait it's for my son Leo Park")
    assert (state.who, state.name, state.step) == ("child", "Leo Park", ASK_DOB)


@pytest.mark.parametrize("text, outcome, said", [
    ("thanks", None, "You're welcome"), ("hello", None, "Hello"), ("bye", STOPPED, "goodbye"),
])
def test_small_talk_in_the_form(ctx, text: str, outcome: str | None, said: str) -> None:
    state, _ = dialogue.start("I need a doctor", ctx)
    reply = say(state, ctx, text)
    assert state.outcome == outcome and said in reply
    assert "didn't recognise" not in reply


def test_a_second_failure_at_one_question_offers_a_person(ctx) -> None:
    state, _ = dialogue.start("I need a doctor", ctx)
    first = dialogue.handle(state, "purple", ctx)
    assert not first[0].buttons
    second = dialogue.handle(state, "banana", ctx)
    assert "person" in second[0].text and second[0].buttons[0]["title"] == "Talk to a person"
    say(state, ctx, "talk to a person")
    assert state.outcome == HANDOFF


def test_a_clinic_question_naming_a_site_is_not_a_correction(ctx) -> None:
    state, _ = dialogue.start("follow up for my knee", ctx)
    assert state.step == "when"
    assert not dialogue.accepts(state, "where can I park at the main clinic?", ctx)
    assert dialogue.accepts(state, "do you have anything at northside instead", ctx)
