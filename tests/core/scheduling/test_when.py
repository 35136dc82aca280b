"""parse_when against fixed clocks: relative days, weekdays, parts of day, zones, problems, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actions.core.scheduling.clinic import TELEHEALTH, ClinicConfig
from actions.core.scheduling.when import WhenResult, parse_when
from tests.core.scheduling.conftest import NOW, local, utc

# Monday 2 March 2026 21:30 in New York, given in UTC: the UTC date is already Tuesday.
LATE_UTC = utc(2026, 3, 3, 2, 30)


def window(text: str, clinic: ClinicConfig, now: datetime = NOW,
           location_id: str | None = None) -> tuple[datetime, datetime, str]:
    result = parse_when(text, now, clinic, location_id)
    assert result.problem is None and result.message == "", (text, result)
    assert result.window is not None
    assert result.window.start.tzinfo is not None
    assert result.window.start.utcoffset() == result.window.start.astimezone(clinic.tz).utcoffset()
    return result.window.start, result.window.end, result.window.label


def problem(text: str, clinic: ClinicConfig, now: datetime = NOW,
            location_id: str | None = None) -> WhenResult:
    result = parse_when(text, now, clinic, location_id)
    assert result.window is None and result.problem and result.message, (text, result)
    return result


@pytest.mark.parametrize("text", ["asap", "ASAP please", "as soon as possible", "earliest",
                                  "any time", "Whenever works"])
def test_asap_is_now_to_the_horizon(clinic: ClinicConfig, text: str) -> None:
    start, end, label = window(text, clinic)
    assert start == NOW + timedelta(minutes=60)  # the minimum notice
    assert end == local(2026, 4, 14)  # midnight after today + 42 days
    assert label == "as soon as possible"


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("today", local(2026, 3, 2, 11, 15), local(2026, 3, 2, 18), "Monday 2 March"),
    ("tomorrow", local(2026, 3, 3, 8), local(2026, 3, 3, 18), "Tuesday 3 March"),
    ("tonight", local(2026, 3, 2, 17), local(2026, 3, 2, 18), "Monday 2 March, evening"),
    ("day after tomorrow", local(2026, 3, 4, 8), local(2026, 3, 4, 18), "Wednesday 4 March"),
    ("in 3 days", local(2026, 3, 5, 8), local(2026, 3, 5, 18), "Thursday 5 March"),
    ("Tuesday", local(2026, 3, 3, 8), local(2026, 3, 3, 18), "Tuesday 3 March"),
    ("next Tuesday", local(2026, 3, 3, 8), local(2026, 3, 3, 18), "Tuesday 3 March"),
    ("this Friday", local(2026, 3, 6, 8), local(2026, 3, 6, 18), "Friday 6 March"),
    ("can I come in on Wednesday?", local(2026, 3, 4, 8), local(2026, 3, 4, 18),
     "Wednesday 4 March"),
    ("Monday", local(2026, 3, 2, 11, 15), local(2026, 3, 2, 18), "Monday 2 March"),
    ("next Monday", local(2026, 3, 9, 8), local(2026, 3, 9, 18), "Monday 9 March"),
    ("tuesday next week", local(2026, 3, 10, 8), local(2026, 3, 10, 18), "Tuesday 10 March"),
    ("March 12", local(2026, 3, 12, 8), local(2026, 3, 12, 18), "Thursday 12 March"),
    ("12 March", local(2026, 3, 12, 8), local(2026, 3, 12, 18), "Thursday 12 March"),
    ("3/12", local(2026, 3, 12, 8), local(2026, 3, 12, 18), "Thursday 12 March"),
    ("12th", local(2026, 3, 12, 8), local(2026, 3, 12, 18), "Thursday 12 March"),
    ("on the 1st", local(2026, 4, 1, 8), local(2026, 4, 1, 18), "Wednesday 1 April"),
    ("the 3rd of next month", local(2026, 4, 3, 8), local(2026, 4, 3, 18), "Friday 3 April"),
    ("2026-03-12", local(2026, 3, 12, 8), local(2026, 3, 12, 18), "Thursday 12 March"),
])
def test_days(clinic: ClinicConfig, text: str, start: datetime, end: datetime,
              label: str) -> None:
    assert window(text, clinic) == (start, end, label)


def test_week_ranges(clinic: ClinicConfig) -> None:
    start, end, label = window("next week", clinic)
    assert (start, end) == (local(2026, 3, 9, 8), local(2026, 3, 14, 13))  # Mon 8 am – Sat 1 pm
    assert label.startswith("next week") and "Monday 9 March" in label
    start, end, _ = window("this weekend", clinic, location_id="main")
    assert (start, end) == (local(2026, 3, 7, 9), local(2026, 3, 7, 13))


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("tomorrow morning", local(2026, 3, 3, 8), local(2026, 3, 3, 12), "Tuesday 3 March, morning"),
    ("tomorrow afternoon", local(2026, 3, 3, 12), local(2026, 3, 3, 17),
     "Tuesday 3 March, afternoon"),
    ("tomorrow evening", local(2026, 3, 3, 17), local(2026, 3, 3, 18),
     "Tuesday 3 March, evening"),
    ("lunchtime tomorrow", local(2026, 3, 3, 11, 30), local(2026, 3, 3, 13, 30),
     "Tuesday 3 March, lunchtime"),
    ("after 3", local(2026, 3, 2, 15), local(2026, 3, 2, 18), "Monday 2 March, after 3 pm"),
    ("before 10am", local(2026, 3, 3, 8), local(2026, 3, 3, 10), "Tuesday 3 March, before 10 am"),
    ("around 2pm", local(2026, 3, 2, 13), local(2026, 3, 2, 15), "Monday 2 March, around 2 pm"),
    ("at 4:30", local(2026, 3, 2, 16, 30), local(2026, 3, 2, 17, 30),
     "Monday 2 March, at 4:30 pm"),
    ("morning", local(2026, 3, 2, 11, 15), local(2026, 3, 2, 12), "Monday 2 March, morning"),
    ("next Tuesday morning", local(2026, 3, 3, 8), local(2026, 3, 3, 12),
     "Tuesday 3 March, morning"),
    ("tomorrow after 3", local(2026, 3, 3, 15), local(2026, 3, 3, 18),
     "Tuesday 3 March, after 3 pm"),
    ("Friday around 10", local(2026, 3, 6, 9), local(2026, 3, 6, 11),
     "Friday 6 March, around 10 am"),
    ("Tues at 2:30pm", local(2026, 3, 3, 14, 30), local(2026, 3, 3, 15, 30),
     "Tuesday 3 March, at 2:30 pm"),
    ("tomorrow between 1 and 3", local(2026, 3, 3, 13), local(2026, 3, 3, 15),
     "Tuesday 3 March, between 1 pm and 3 pm"),
    ("saturday afternoon", local(2026, 3, 7, 12), local(2026, 3, 7, 13),
     "Saturday 7 March, afternoon"),
])
def test_times_of_day(clinic: ClinicConfig, text: str, start: datetime, end: datetime,
                      label: str) -> None:
    assert window(text, clinic) == (start, end, label)


def test_utc_now_late_evening_uses_the_clinic_date(clinic: ClinicConfig) -> None:
    today = problem("today", clinic, LATE_UTC)
    assert today.problem == "closed"
    assert "rest of today" in today.message and "Tuesday 3 March" in today.message
    assert window("tomorrow", clinic, LATE_UTC)[:2] == (local(2026, 3, 3, 8), local(2026, 3, 3, 18))
    assert window("morning", clinic, LATE_UTC)[:2] == (local(2026, 3, 3, 8), local(2026, 3, 3, 12))
    assert window("after 3", clinic, LATE_UTC)[0] == local(2026, 3, 3, 15)
    assert window("Tuesday", clinic, LATE_UTC)[0] == local(2026, 3, 3, 8)
    assert window("in 3 days", clinic, LATE_UTC)[0] == local(2026, 3, 5, 8)
    assert window("asap", clinic, LATE_UTC)[0] == LATE_UTC + timedelta(hours=1)
    assert problem("tonight", clinic, LATE_UTC).problem in ("past", "closed")


def test_naive_now_is_read_as_utc(clinic: ClinicConfig) -> None:
    naive = LATE_UTC.replace(tzinfo=None)
    assert window("tomorrow", clinic, naive) == window("tomorrow", clinic, LATE_UTC)


def test_explicit_time_zones_convert_into_clinic_time(clinic: ClinicConfig) -> None:
    start, end, label = window("tomorrow 11am Pacific", clinic)
    assert (start, end) == (local(2026, 3, 3, 14), local(2026, 3, 3, 15))
    assert "2 pm" in label and "11 am Pacific" in label
    start, _, _ = window("tomorrow at 3pm UTC", clinic)
    assert start == local(2026, 3, 3, 10)  # EST is UTC-5
    start, _, _ = window("next Monday 3pm UTC", clinic)
    assert start == local(2026, 3, 9, 11)  # EDT is UTC-4 after the change
    start, _, _ = window("tomorrow after 9am PT", clinic)
    assert start == local(2026, 3, 3, 12)
    early = problem("tomorrow 10am UTC", clinic)  # 5 am in New York
    assert early.problem == "closed" and "5 am" in early.message and "8 am–6 pm" in early.message


@pytest.mark.parametrize("text", ["yesterday", "last Tuesday", "March 1", "March 1 2026",
                                  "3/1/2026", "2 days ago", "today at 9", "this morning at 8"])
def test_past(clinic: ClinicConfig, text: str) -> None:
    assert problem(text, clinic).problem == "past"


@pytest.mark.parametrize(("text", "mention"), [
    ("Feb 30", "February 30"), ("February 30th", "February 30"), ("April 31", "April has 30"),
    ("2/30", "February 30"), ("2/29", "not a leap year"), ("13/5", "month 13"),
    ("the 31st of next month", "April 31"),
])
def test_invalid_dates(clinic: ClinicConfig, text: str, mention: str) -> None:
    result = problem(text, clinic)
    assert result.problem == "invalid_date" and mention in result.message


def test_closed_days_name_hours_and_next_open_day(clinic: ClinicConfig) -> None:
    sunday = problem("Sunday", clinic)
    assert sunday.problem == "closed"
    assert "closed on Sundays" in sunday.message and "Monday 9 March" in sunday.message
    assert "8 am–6 pm" in sunday.message
    saturday = problem("saturday", clinic, location_id="north")
    assert saturday.problem == "closed" and "Northside Clinic is closed on Saturdays" in (
        saturday.message)
    assert "Riverside Main Clinic is open that day, 9 am–1 pm" in saturday.message
    video = problem("saturday", clinic, location_id=TELEHEALTH)
    assert "Video visits aren't available on Saturdays" in video.message


def test_hours_outside_opening_are_closed(clinic: ClinicConfig) -> None:
    late = problem("tomorrow at 7pm", clinic)
    assert late.problem == "closed" and "8 am–6 pm on Tuesdays" in late.message
    assert "7 pm" in late.message
    evening = problem("evening", clinic, location_id="north")
    assert evening.problem == "closed" and "9 am–5 pm" in evening.message
    saturday = problem("saturday at 2pm", clinic)
    assert saturday.problem == "closed" and "9 am–1 pm on Saturdays" in saturday.message


def test_holidays(clinic: ClinicConfig) -> None:
    may_18 = local(2026, 5, 18, 10)
    for text in ("May 25", "next Monday", "5/25 morning"):
        result = problem(text, clinic, may_18)
        assert result.problem == "holiday", text
        assert "Memorial Day" in result.message and "Tuesday 26 May" in result.message
    thanksgiving_week = local(2026, 11, 23, 10)
    friday = problem("Friday", clinic, thanksgiving_week)
    assert friday.problem == "holiday" and "the day after Thanksgiving" in friday.message
    assert "Saturday 28 November" in friday.message  # main's Saturday hours are next


@pytest.mark.parametrize("text", ["June 30", "in 8 weeks", "4/14", "April 20th at 10"])
def test_too_far(clinic: ClinicConfig, text: str) -> None:
    result = problem(text, clinic)
    assert result.problem == "too_far" and "Monday 13 April" in result.message


def test_ranges_reaching_past_the_horizon_are_clipped(clinic: ClinicConfig) -> None:
    start, end, _ = window("next month", clinic)
    assert (start, end) == (local(2026, 4, 1, 8), local(2026, 4, 13, 18))
    assert window("4/13", clinic)[0] == local(2026, 4, 13, 8)  # the last bookable day


@pytest.mark.parametrize("text", ["asdf qwer", "purple monkey dishwasher", "", "   ", "I sat down",
                                  "blah 5", "at 25", "???"])
def test_unparsed(clinic: ClinicConfig, text: str) -> None:
    assert problem(text, clinic).problem == "unparsed"


def test_dst_change_weeks(clinic: ClinicConfig) -> None:
    # Spring: Monday 2 March (EST) → next Monday 9 March is after the change (EDT).
    assert window("next Monday 9am", clinic)[0].astimezone(UTC) == utc(2026, 3, 9, 13)
    assert window("Friday 9am", clinic)[0].astimezone(UTC) == utc(2026, 3, 6, 14)
    # Autumn: Monday 26 October (EDT) → Monday 2 November is after the change (EST).
    october = local(2026, 10, 26, 10)
    assert window("next Monday 9am", clinic, october)[0].astimezone(UTC) == utc(2026, 11, 2, 14)
    assert window("Friday 9am", clinic, october)[0].astimezone(UTC) == utc(2026, 10, 30, 13)
    assert window("next Monday", clinic, october)[0].astimezone(UTC) == utc(2026, 11, 2, 13)


def test_unknown_location_is_a_programming_error(clinic: ClinicConfig) -> None:
    with pytest.raises(ValueError, match="unknown location"):
        parse_when("tomorrow", NOW, clinic, "south")


@pytest.mark.parametrize(("text", "start", "label"), [
    ("March twelfth at 2pm", local(2026, 3, 12, 14), "Thursday 12 March, at 2 pm"),
    ("the third of April", local(2026, 4, 3, 8), "Friday 3 April"),
    ("a week from Friday at 10", local(2026, 3, 13, 10), "Friday 13 March, at 10 am"),
    ("first thing tomorrow", local(2026, 3, 3, 8), "Tuesday 3 March, early morning"),
    ("3 weeks from now at 10", local(2026, 3, 23, 10), "Monday 23 March, at 10 am"),
    ("first available", NOW + timedelta(hours=1), "as soon as possible"),
])
def test_spelled_out_and_long_tail_phrases(clinic: ClinicConfig, text: str, start: datetime,
                                           label: str) -> None:
    got_start, _, got_label = window(text, clinic)
    assert (got_start, got_label) == (start, label)


def test_a_month_without_a_day_is_asked_about_not_guessed(clinic: ClinicConfig) -> None:
    result = problem("March at 3", clinic)
    assert result.problem == "unparsed" and "3/12" in result.message
