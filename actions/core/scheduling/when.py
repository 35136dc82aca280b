"""What a patient says about *when* → a search window in the clinic's time zone.

"next Tuesday morning", "tomorrow after 3", "Friday around 10", "3pm Pacific", "asap" become a
`TimeWindow` (aware datetimes, clinic zone, plus a label to read back). Anything that cannot be
booked becomes a `problem` with a specific message instead: a past date, "Feb 30", a closed day
or hours, a holiday, beyond the booking horizon, or words with no date at all.

Why our own regexes first and dateparser only as a fallback: dateparser silently accepts things
that are wrong for booking ("12th" → 2 December, "Feb 30" → nothing, "a fortnight from today" → a
past date). The common phrases are parsed here, explicitly and testably; dateparser catches the
long tail ("the 3rd of next month", "3 weeks from now") and its answer is sanity-checked.

Conventions (the label always names the date, so the patient can correct us):
- bare / "this" / "on" weekday: the next such day, today included while there is time left today;
  "next <weekday>": the first such day after today ("next Monday" said on a Monday = in 7 days).
- numeric dates are US month/day ("3/12" = 12 March).
- a month and day without a year: this year; if that has passed, next year when within the
  booking horizon (December → "January 5"), otherwise it is a past date.
- bare hours without am/pm: 1–7 → pm, 8–11 → am (clinic hours are daytime).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from actions.core.scheduling.clinic import TELEHEALTH, WEEKDAY_NAMES, ClinicConfig
from actions.core.scheduling.fmt import format_day, format_ranges, format_time


@dataclass(frozen=True)
class TimeWindow:
    start: datetime  # aware, clinic time zone
    end: datetime  # aware, clinic time zone (exclusive)
    label: str  # e.g. "Tuesday 3 March, morning"


@dataclass(frozen=True)
class WhenResult:
    window: TimeWindow | None
    problem: str | None  # None | unparsed | past | invalid_date | closed | holiday | too_far
    message: str  # for the patient when problem is set; "" otherwise


# -- internal value types -----------------------------------------------------------------------


class _Problem(Exception):
    def __init__(self, code: str, message: str, wrong_hours: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.wrong_hours = wrong_hours  # open that day, but not at the asked time


@dataclass(frozen=True)
class _Time:
    """A time-of-day constraint; None bounds mean the opening / closing time of the day."""

    start: time | None
    end: time | None
    desc: str  # "after 3 pm", "morning" — used in labels and messages
    exact: time | None = None  # "at 4:30": this time itself must be within opening hours
    zone: ZoneInfo | None = None  # the bounds are in this zone ("3pm Pacific"), not the clinic's
    kind: str = "part"  # part | at | after | before | around | between


@dataclass(frozen=True)
class _Days:
    first: date
    last: date
    phrase: str | None = None  # set for ranges: "next week"
    roll_if_over: bool = False  # bare weekday naming today: use next week's if today is over


@dataclass(frozen=True)
class _Ctx:
    clinic: ClinicConfig
    location_id: str | None
    now: datetime  # clinic-local, aware
    earliest: datetime  # now + minimum notice
    today: date
    last_day: date  # last bookable day (horizon)

    def ranges(self, day: date) -> list[tuple[datetime, datetime]]:
        """Open ranges that day for the location, or for any physical location when none."""
        if self.location_id is not None:
            return self.clinic.open_ranges(self.location_id, day)
        merged: list[tuple[datetime, datetime]] = []
        for a, b in sorted(r for loc in self.clinic.locations
                           for r in self.clinic.open_ranges(loc, day)):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return merged

    def next_open_day(self, after: date) -> date | None:
        for offset in range(1, 32):
            day = after + timedelta(days=offset)
            if self.ranges(day):
                return day
        return None


# -- vocabulary ---------------------------------------------------------------------------------

_MONTHS = {
    name: i
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "weds": 2,
    "wed": 2, "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_WEEKDAY = "(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")s?"
_WEEKDAY_RE = re.compile(rf"\b(this coming|this|next|coming|on)?\s*\b{_WEEKDAY}\b")
_AMBIGUOUS_WEEKDAYS = {"mon", "wed", "sat", "sun"}  # also plain words: need "on"/"this"/"next"
_ORDINAL_WORDS = {
    word: i for i, word in enumerate(
        ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
         "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth")
        .split(), start=1)
}
for _i, _word in enumerate(("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                            "eighth", "ninth"), start=1):
    _ORDINAL_WORDS[f"twenty {_word}"] = _ORDINAL_WORDS[f"twenty-{_word}"] = 20 + _i
_ORDINAL_WORDS.update({"thirtieth": 30, "thirty first": 31, "thirty-first": 31})
_ORDINAL = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2, "a few": 3, "few": 3,
}  # fmt: skip
_NUMBER = r"(\d{1,2}|" + "|".join(sorted(map(re.escape, _NUMBERS), key=len, reverse=True)) + ")"

_ZONES = {
    "pacific": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles", "mountain": "America/Denver", "mst": "America/Denver",
    "mdt": "America/Denver", "mt": "America/Denver", "central": "America/Chicago",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "eastern": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "et": "America/New_York", "arizona": "America/Phoenix", "alaska": "America/Anchorage",
    "akst": "America/Anchorage", "akdt": "America/Anchorage", "hawaii": "Pacific/Honolulu",
    "hawaiian": "Pacific/Honolulu", "hst": "Pacific/Honolulu", "utc": "UTC", "gmt": "UTC",
    "zulu": "UTC", "z": "UTC",
}  # fmt: skip
_ZONE_LABELS = {
    "America/Los_Angeles": "Pacific", "America/Denver": "Mountain", "America/Chicago": "Central",
    "America/New_York": "Eastern", "America/Phoenix": "Arizona", "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii", "UTC": "UTC",
}  # fmt: skip
# Long zone names anywhere; short codes ("pt", "est", "z") only right after a time.
_ZONE_LONG = re.compile(
    r"\b(pacific|mountain|central|eastern|arizona|alaska|hawaiian|hawaii|utc|gmt|zulu)"
    r"(?:\s+(?:standard|daylight))?(?:\s+time)?\b")
_ZONE_SHORT = re.compile(r"(?<=[0-9m])\s*\b(pst|pdt|pt|mst|mdt|mt|cst|cdt|ct|est|edt|et|akst|"
                         r"akdt|hst|z)\b(?:\s+time)?")

_ASAP = re.compile(
    r"\b(asap|as soon as (?:possible|you can)|earliest|soonest|first available|next available|"
    r"any ?time|whenever|no preference|(?:i )?don'?t mind|doesn'?t matter|any day|right now|now)\b")
_PAST = re.compile(
    rf"\b(yesterday|last (?:week|month|{_WEEKDAY})|{_NUMBER} (?:days?|weeks?) ago|earlier today)\b")

# Times: "3", "3pm", "3:30", "3.30 pm", "15:00", "noon".
_T = r"(?:(?P<{p}h>\d{{1,2}})(?:[:.](?P<{p}m>[0-5]\d))?\s*(?P<{p}ap>am|pm)?|(?P<{p}w>noon|midday))"


def _t(prefix: str) -> str:
    return _T.format(p=prefix)


_BETWEEN = re.compile(
    rf"\b(?:between\s+{_t('a')}\s+and\s+{_t('b')}|(?:from\s+)?{_t('c')}\s*(?:-|to|till|until)\s*"
    rf"{_t('d')})(?![\d/])")
_AROUND = re.compile(
    rf"(?:\b(?:around|about|approximately|approx|roughly|near|close to|circa)\s+|~\s*){_t('a')}"
    rf"(?:\s*-?\s*ish)?\b|\b{_t('b')}\s*-?\s*ish\b")
_AFTER = re.compile(
    rf"\b(?:after|from|later than|not before|no earlier than|starting at|starting)\s+{_t('a')}"
    r"(?![\d/])")
_BEFORE = re.compile(
    rf"\b(?:before|by|earlier than|no later than|not after|until|till)\s+{_t('a')}(?![\d/])")
_AT = re.compile(rf"(?:\bat\s+|@\s*){_t('a')}(?![\d/])")
_BARE = re.compile(
    r"\b(?P<ah>\d{1,2})(?:[:.](?P<am>[0-5]\d))?\s*(?P<aap>am|pm)\b|\b(?P<bh>\d{1,2}):(?P<bm>[0-5]\d)"
    r"\b|\b(?P<cw>noon|midday)\b")
_PARTS = (  # (pattern, start, end, description); None end = closing time
    (r"early (?:in the )?morning|first thing(?: in the morning)?", time(8), time(10),
     "early morning"),
    (r"late (?:in the )?morning", time(10), time(12), "late morning"),
    (r"morning|(?<![\d:])\bam", time(8), time(12), "morning"),
    (r"lunch ?time|lunch|over lunch", time(11, 30), time(13, 30), "lunchtime"),
    (r"early (?:in the )?afternoon", time(12), time(15), "early afternoon"),
    (r"late (?:in the )?afternoon|end of the day|late in the day", time(15), time(17),
     "late afternoon"),
    (r"afternoon|arvo|(?<![\d:])\bpm", time(12), time(17), "afternoon"),
    (r"evening|after work", time(17), None, "evening"),
    (r"after school", time(15), None, "after school"),
)


# -- helpers ------------------------------------------------------------------------------------


def _blank(text: str, match: re.Match[str]) -> str:
    """Remove a matched phrase (keeping word boundaries) so later patterns don't reuse it."""
    return f"{text[:match.start()]} ; {text[match.end():]}"


_ORDINAL_RE = re.compile(
    rf"\b(?P<pre>{_MONTH}\s+(?:the\s+)?|the\s+)(?P<word>{_ORDINAL})\b"
    r"(?!\s+(?:available|thing|appointment|slot|one|time|opening))")


def _ordinal_digits(match: re.Match[str]) -> str:
    n = _ORDINAL_WORDS[match.group("word")]
    suffix = "th" if 11 <= n <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{match.group('pre')}{n}{suffix}"


def _normalize(text: str) -> str:
    t = text.lower().replace("’", "'")
    # "March twelfth", "the third of April" → "March 12th", "the 3rd of April" (but not "first
    # available" or "first thing": only right after a month name or "the").
    t = _ORDINAL_RE.sub(_ordinal_digits, t)
    t = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", t)  # a.m. → am
    t = re.sub(r"\bo'?clock\b", "", t)
    t = re.sub(r"\b12\s*noon\b", "noon", t)
    # "friday morning next week": the week belongs to the day, not to the part of the day.
    t = re.sub(rf"\b{_WEEKDAY}\s+((?:early\s+|late\s+)?(?:morning|afternoon|evening))\s+"
               r"next\s+week\b", r"\1 next week \2", t)
    t = re.sub(r"[,;!?()\"]|\.(?=\s|$)", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _hour(h: int, minute: int, ap: str | None) -> time:
    if minute > 59 or h > 23 or (ap and not 1 <= h <= 12):
        raise _Problem("unparsed", "That doesn't look like a time of day. You could say "
                                   "something like “10 am” or “after 3 pm”.")
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    elif ap is None and 1 <= h <= 7:  # "after 3" at a daytime clinic means 3 pm
        h += 12
    return time(h, minute)


def _time_of(match: re.Match[str], prefix: str) -> time | None:
    groups = match.groupdict()
    if groups.get(f"{prefix}w"):
        return time(12)
    if groups.get(f"{prefix}h") is None:
        return None
    minute = int(groups[f"{prefix}m"]) if groups.get(f"{prefix}m") else 0
    return _hour(int(groups[f"{prefix}h"]), minute, groups.get(f"{prefix}ap"))


def _shift(t: time, minutes: int) -> time:
    total = min(max(t.hour * 60 + t.minute + minutes, 0), 23 * 60 + 59)
    return time(total // 60, total % 60)


def _valid_date(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise _Problem("invalid_date", f"I couldn't read that date: there is no month {month}. "
                                       "For numbers I use month/day, like 3/12 for March 12.")
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        month_name = calendar.month_name[month]
        if month == 2 and day == 29:
            detail = f"{year} is not a leap year, so February has 28 days."
        else:
            detail = f"{month_name} has {days_in_month} days in {year}." if month == 2 else (
                f"{month_name} has {days_in_month} days.")
        raise _Problem("invalid_date",
                       f"There's no {month_name} {day} — {detail} Which date did you mean?")
    return date(year, month, day)


def _month_day(ctx: _Ctx, month: int, day: int, year: int | None) -> date:
    if year is not None:
        return _valid_date(year, month, day)
    if month == 2 and day == 29 and not calendar.isleap(ctx.today.year):
        # Feb 29 without a year in a non-leap year: not "next leap year", just not a date.
        return _valid_date(ctx.today.year, month, day)
    this_year = _valid_date(ctx.today.year, month, day)
    if this_year >= ctx.today:
        return this_year
    next_year = _valid_date(ctx.today.year + 1, month, day) if not (
        month == 2 and day == 29) else this_year
    return next_year if next_year <= ctx.last_day else this_year


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- extraction ---------------------------------------------------------------------------------


def _extract_zone(text: str, clinic: ClinicConfig) -> tuple[ZoneInfo | None, str]:
    for pattern in (_ZONE_SHORT, _ZONE_LONG):
        match = pattern.search(text)
        if match:
            zone = ZoneInfo(_ZONES[match.group(1)])
            text = _blank(text, match)
            return (None if zone.key == clinic.tz.key else zone), text
    return None, text


def _single(day: date, roll: bool = False) -> _Days:
    return _Days(day, day, None, roll)


def _extract_days(text: str, ctx: _Ctx) -> tuple[_Days | None, str]:
    today = ctx.today

    match = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        return _single(_valid_date(y, m, d)), _blank(text, match)

    match = re.search(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b", text)
    if match:
        m, d = int(match.group(1)), int(match.group(2))
        return _single(_month_day(ctx, m, d, _year(match.group(3)))), _blank(text, match)

    match = re.search(
        rf"\b{_MONTH}\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:am|pm|:|\.\d))"
        r"(?:\s+(\d{4}))?", text)
    if match:
        month, day = _MONTHS[match.group(1)], int(match.group(2))
        return _single(_month_day(ctx, month, day, _year(match.group(3)))), _blank(text, match)

    match = re.search(
        rf"\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+(\d{{4}}))?\b", text)
    if match:
        month, day = _MONTHS[match.group(2)], int(match.group(1))
        return _single(_month_day(ctx, month, day, _year(match.group(3)))), _blank(text, match)

    match = re.search(r"\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b"
                      r"(?:\s+of\s+(this|next)\s+month)?", text)
    if match:
        day = int(match.group(1))
        year, month = today.year, today.month
        if match.group(2) == "next" or (match.group(2) is None and day < today.day):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return _single(_valid_date(year, month, day)), _blank(text, match)

    match = re.search(r"\b(?:the\s+)?day after (?:tomorrow|tmrw|tmr)\b|\bovermorrow\b", text)
    if match:
        return _single(today + timedelta(days=2)), _blank(text, match)

    match = re.search(r"\btonight\b", text)
    if match:  # today, and the evening unless a time says otherwise
        return _single(today), f"{text[:match.start()]} evening {text[match.end():]}"

    match = re.search(r"\b(?:later\s+)?today\b|\bthis(?=\s+(?:morning|afternoon|evening)\b)", text)
    if match:
        return _single(today), _blank(text, match)

    match = re.search(r"\b(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2morrow)\b", text)
    if match:
        return _single(today + timedelta(days=1)), _blank(text, match)

    match = re.search(rf"\bin\s+{_NUMBER}\s+(days?|weeks?)\b|"
                      rf"\b{_NUMBER}\s+(days?|weeks?)\s+from\s+(?:now|today)\b", text)
    if match:
        raw = match.group(1) or match.group(3)
        unit = match.group(2) or match.group(4)
        count = int(raw) if raw.isdigit() else _NUMBERS[raw]
        if unit.startswith("day"):
            return _single(today + timedelta(days=count)), _blank(text, match)
        first = today + timedelta(weeks=count)
        phrase = f"in {count} week{'s' if count > 1 else ''}"
        return _Days(first, first + timedelta(days=6), phrase), _blank(text, match)

    match = re.search(rf"\b(?:a|one) week (?:from|on) (?:this\s+|next\s+)?{_WEEKDAY}\b", text)
    if match:  # "a week from Friday": that Friday (today included), plus seven days
        ahead = (_WEEKDAYS[match.group(1)] - today.weekday()) % 7
        return _single(today + timedelta(days=ahead + 7)), _blank(text, match)

    match = re.search(rf"\b{_WEEKDAY}\s+(?:of\s+)?next week\b|\bnext week(?:'s)?\s+(?:on\s+)?"
                      rf"{_WEEKDAY}\b", text)
    if match:
        weekday = _WEEKDAYS[match.group(1) or match.group(2)]
        return _single(_week_start(today) + timedelta(days=7 + weekday)), _blank(text, match)

    match = re.search(r"\b(later this|this|next|the following) (week|weekend|month)\b|"
                      r"\b(?:on\s+)?the weekend\b|\bweekend\b", text)
    if match:
        which, unit = match.group(1) or "this", match.group(2) or "weekend"
        later = which == "later this"
        offset = 0 if which in ("this", "later this") else 1
        if unit == "week":
            first = _week_start(today) + timedelta(weeks=offset)
            first = max(first, today + timedelta(days=1)) if later else first
            days = _Days(first, _week_start(today) + timedelta(weeks=offset, days=6),
                         f"{which} week")
        elif unit == "weekend":
            saturday = _week_start(today) + timedelta(weeks=offset, days=5)
            days = _Days(saturday, saturday + timedelta(days=1), f"{which} weekend")
        else:
            year, month = today.year, today.month + offset
            year, month = (year + 1, 1) if month == 13 else (year, month)
            first = date(year, month, 1) if offset else today
            first = max(first, today + timedelta(days=1)) if later else first
            last = date(year, month, calendar.monthrange(year, month)[1])
            days = _Days(first, last, f"{which} month")
        return days, _blank(text, match)

    match = re.search(rf"\b(?:in|during|sometime in|some time in|early|mid|late)\s+{_MONTH}\b"
                      r"(?!\s*\d)", text)
    if match:
        month = _MONTHS[match.group(1)]
        year = today.year + (month < today.month)
        last = date(year, month, calendar.monthrange(year, month)[1])
        return _Days(date(year, month, 1), last, calendar.month_name[month]), _blank(text, match)

    # Weekdays ("sat", "sun", "wed", "mon" only with a qualifier: "I sat down" is no date).
    match = _WEEKDAY_RE.search(text)
    while match:
        qualifier, word = match.group(1), match.group(2)
        if qualifier or word not in _AMBIGUOUS_WEEKDAYS:
            ahead = (_WEEKDAYS[word] - today.weekday()) % 7
            if qualifier == "next" and ahead == 0:
                ahead = 7
            roll = ahead == 0 and qualifier != "this"
            return _single(today + timedelta(days=ahead), roll), _blank(text, match)
        match = _WEEKDAY_RE.search(text, match.end())
    return None, text


def _extract_time(text: str, zone: ZoneInfo | None) -> tuple[_Time | None, str]:
    explicit: _Time | None = None

    match = _BETWEEN.search(text)
    if match:
        a = _time_of(match, "a") or _time_of(match, "c")
        b = _time_of(match, "b") or _time_of(match, "d")
        if a is not None and b is not None:
            if b <= a and b.hour < 12 and not (match.group("bap") or match.group("dap")):
                b = time(b.hour + 12, b.minute)  # "10 to 2": 2 pm
            if b <= a:
                raise _Problem("unparsed", "That time range ends before it starts. Which times "
                                           "would suit you?")
            explicit = _Time(a, b, f"between {format_time(a)} and {format_time(b)}", zone=zone,
                             kind="between")
            text = _blank(text, match)
    patterns = ((_AROUND, "around"), (_AFTER, "after"), (_BEFORE, "before"), (_AT, "at"),
                (_BARE, "at"))
    for pattern, kind in patterns if explicit is None else ():
        match = pattern.search(text)
        if not match:
            continue
        t = next(x for x in (_time_of(match, p) for p in "abc") if x is not None)
        if kind == "around":
            explicit = _Time(_shift(t, -60), _shift(t, 60), f"around {format_time(t)}", zone=zone,
                             kind=kind, exact=None)
        elif kind == "after":
            explicit = _Time(t, None, f"after {format_time(t)}", zone=zone, kind=kind)
        elif kind == "before":
            explicit = _Time(None, t, f"before {format_time(t)}", zone=zone, kind=kind)
        else:
            explicit = _Time(t, _shift(t, 60), f"at {format_time(t)}", exact=t, zone=zone,
                             kind=kind)
        text = _blank(text, match)
        break

    part: _Time | None = None
    for part_words, start, end, desc in _PARTS:
        match = re.search(rf"\b(?:in the |this |the )?(?:{part_words})s?\b", text)
        if match:
            part = _Time(start, end, desc)
            text = _blank(text, match)
            break

    if explicit and part and explicit.zone is None:
        # "tomorrow morning around 10": both apply; if they contradict, the clock time wins.
        lo = max(explicit.start or part.start or time(0), part.start or time(0))
        hi_candidates = [t for t in (explicit.end, part.end) if t is not None]
        hi = min(hi_candidates) if hi_candidates else None
        if hi is None or lo < hi:
            explicit = _Time(lo, hi, f"{part.desc}, {explicit.desc}", exact=explicit.exact,
                             kind=explicit.kind)
    return explicit or part, text


@lru_cache(maxsize=16)
def _dateparser(relative_base: datetime) -> DateDataParser:
    # English only (much faster), future-leaning like a booking request.
    return DateDataParser(languages=["en"], settings={
        "PREFER_DATES_FROM": "future", "RELATIVE_BASE": relative_base,
        "RETURN_AS_TIMEZONE_AWARE": False})


_UNUSED_MONTH = re.compile(r"\b(?:" + "|".join(m for m in _MONTHS if len(m) > 3 and m != "may")
                           + r")\b")
_DATEISH = re.compile(r"\d|\b(?:" + "|".join([*_MONTHS, *_WEEKDAYS]) + r"|week|month|day|"
                      r"fortnight)s?\b")


def _fallback_days(text: str, ctx: _Ctx) -> _Days | None:
    """dateparser for the long tail; its answer is used only when it is plausible."""
    leftover = re.sub(r"[;\s]+", " ", text).strip()
    if not leftover or not _DATEISH.search(leftover):
        return None
    base = ctx.now.replace(tzinfo=None, second=0, microsecond=0)
    data = _dateparser(base).get_date_data(leftover)
    if data.date_obj is None or data.period not in ("day", "week"):
        return None
    day = data.date_obj.date()
    if day < ctx.today:  # e.g. "a fortnight from today" comes back in the past: not trusted
        return None
    if data.period == "week":
        return _Days(day, day + timedelta(days=6), f"the week of {format_day(day)}")
    return _single(day)


# -- resolution ---------------------------------------------------------------------------------


def _closed_phrase(ctx: _Ctx) -> str:
    """'We're closed' / 'Northside Clinic is closed' / 'Video visits aren't available'."""
    if ctx.location_id is None:
        return "We're closed"
    if ctx.location_id == TELEHEALTH:
        return "Video visits aren't available"
    return f"{ctx.clinic.locations[ctx.location_id].name} is closed"


def _open_phrase(ctx: _Ctx) -> str:
    """'We're open' / 'Northside Clinic is open' / 'Video visits run'."""
    if ctx.location_id is None:
        return "We're open"
    if ctx.location_id == TELEHEALTH:
        return "Video visits run"
    return f"{ctx.clinic.locations[ctx.location_id].name} is open"


def _next_open_text(ctx: _Ctx, after: date) -> str:
    nxt = ctx.next_open_day(after)
    if nxt is None or nxt > ctx.last_day:
        return f"Please call us at {ctx.clinic.phone} and we'll find a time."
    return f"The next open day is {format_day(nxt)} ({format_ranges(ctx.ranges(nxt))})."


def _closed_day(ctx: _Ctx, day: date) -> _Problem:
    closed = _closed_phrase(ctx)
    if day in ctx.clinic.holidays:
        return _Problem("holiday", f"{closed} on {format_day(day)} for "
                                   f"{ctx.clinic.holidays[day]}. {_next_open_text(ctx, day)}")
    weekday = WEEKDAY_NAMES[day.weekday()]
    other = ""
    if ctx.location_id in ctx.clinic.locations:
        for loc in ctx.clinic.locations.values():
            ranges = ctx.clinic.open_ranges(loc.id, day)
            if loc.id != ctx.location_id and ranges:
                other = f" {loc.name} is open that day, {format_ranges(ranges)}."
                break
    return _Problem("closed", f"{closed} on {weekday}s.{other} "
                              f"{_next_open_text(ctx, day)}")


def _too_far(ctx: _Ctx) -> _Problem:
    span = (f"{ctx.clinic.horizon_days // 7} weeks" if ctx.clinic.horizon_days % 7 == 0
            else f"{ctx.clinic.horizon_days} days")
    return _Problem("too_far", f"We can book up to {span} ahead, until "
                               f"{format_day(ctx.last_day)}. Could you choose a date before then? "
                               f"For later dates, please call us at {ctx.clinic.phone}.")


def _past(day: date) -> _Problem:
    return _Problem("past", f"{format_day(day)} has already passed. Which upcoming day would "
                            "suit you?")


def _bounds(ctx: _Ctx, day: date, part: _Time,
            ranges: list[tuple[datetime, datetime]]) -> tuple[datetime, datetime]:
    zone = part.zone or ctx.clinic.tz

    def at(t: time | None, default: datetime) -> datetime:
        if t is None:
            return default
        return datetime.combine(day, t, tzinfo=zone).astimezone(ctx.clinic.tz)

    return at(part.start, ranges[0][0]), at(part.end, ranges[-1][1])


def _zoned_desc(part: _Time, lo: datetime, hi: datetime) -> str:
    """'at 2 pm (11 am Pacific time)' from a time given in another zone."""
    assert part.zone is not None
    zone_name = _ZONE_LABELS.get(part.zone.key, part.zone.key)
    said = part.desc.split(" ", 1)[1]
    if part.kind == "between":
        return f"between {format_time(lo)} and {format_time(hi)} ({said} {zone_name} time)"
    if part.kind == "around" and part.start is not None:
        middle = lo + (hi - lo) / 2
        return f"around {format_time(middle)} ({said} {zone_name} time)"
    shown = hi if part.kind == "before" else lo
    return f"{part.kind} {format_time(shown)} ({said} {zone_name} time)"


def _one_day(ctx: _Ctx, day: date, part: _Time | None) -> TimeWindow:
    """The window for one day, or a _Problem saying why that day/time can't be booked."""
    if day < ctx.today:
        raise _past(day)
    if day > ctx.last_day:
        raise _too_far(ctx)
    ranges = ctx.ranges(day)
    if not ranges:
        raise _closed_day(ctx, day)
    label = format_day(day)
    start, end = ranges[0][0], ranges[-1][1]
    if part is not None:
        lo, hi = _bounds(ctx, day, part, ranges)
        desc = part.desc
        if part.zone is not None:  # say it in clinic time, and echo what the patient said
            desc = _zoned_desc(part, lo, hi)
        exact_ok = part.exact is None or any(a <= lo < b for a, b in ranges)
        start, end = max(lo, start), min(hi, end)
        if start >= end or not exact_ok:
            when = f"on {WEEKDAY_NAMES[day.weekday()]}s"
            raise _Problem("closed", f"{_open_phrase(ctx)} {format_ranges(ranges)} {when}, "
                                     f"so {desc} won't work. "
                                     "Would another time that day suit you?", wrong_hours=True)
        label = f"{label}, {desc}"
    if end <= ctx.earliest:
        if day == ctx.today and part is None:
            raise _Problem("closed", f"{_closed_phrase(ctx)} for the rest of today. "
                                     f"{_next_open_text(ctx, day)}")
        raise _Problem("past", f"{label} is too soon or has already passed. Would a later time "
                               "or another day suit you?")
    return TimeWindow(max(start, ctx.earliest), end, label)


def _first_fit(ctx: _Ctx, days: list[date], part: _Time | None) -> TimeWindow:
    """First day in ``days`` where the time fits; else the most useful problem."""
    first_problem: _Problem | None = None
    for day in days:
        try:
            return _one_day(ctx, day, part)
        except _Problem as problem:
            # Closed days and a time already past today are skipped; if no day fits, wrong
            # hours ("evening" at a site closing at 5) say more than "closed on Sundays".
            if first_problem is None or (problem.wrong_hours and not first_problem.wrong_hours):
                first_problem = problem
    assert first_problem is not None
    raise first_problem


def _day_range(ctx: _Ctx, days: _Days, part: _Time | None) -> TimeWindow:
    if days.last < ctx.today:
        raise _past(days.last)
    first = max(days.first, ctx.today)
    if first > ctx.last_day:
        raise _too_far(ctx)
    last = min(days.last, ctx.last_day)
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if part is not None:
        return _first_fit(ctx, span, part)
    open_days = [d for d in span if ctx.ranges(d) and ctx.ranges(d)[-1][1] > ctx.earliest]
    if not open_days:
        holidays = [d for d in span if d in ctx.clinic.holidays]
        if holidays:
            raise _closed_day(ctx, holidays[0])
        raise _Problem("closed", f"{_closed_phrase(ctx)} {days.phrase}. "
                                 f"{_next_open_text(ctx, last)}")
    start = max(ctx.ranges(open_days[0])[0][0], ctx.earliest)
    end = ctx.ranges(open_days[-1])[-1][1]
    label = f"{days.phrase} ({format_day(open_days[0])} – {format_day(open_days[-1])})"
    if open_days[0] == open_days[-1]:
        label = f"{days.phrase} ({format_day(open_days[0])})"
    return TimeWindow(start, end, label)


def parse_when(text: str, now: datetime, clinic: ClinicConfig,
               location_id: str | None = None) -> WhenResult:
    """Turn a patient's words about timing into a search window (see the module docstring).

    ``now`` may be in any zone (naive = UTC); ``location_id`` picks whose hours apply (a clinic
    location, or "telehealth"); None means any of the clinic's buildings.
    """
    if location_id is not None and location_id not in clinic.hours:
        raise ValueError(f"unknown location {location_id!r}")
    local_now = (now if now.tzinfo else now.replace(tzinfo=ZoneInfo("UTC"))).astimezone(clinic.tz)
    ctx = _Ctx(clinic=clinic, location_id=location_id, now=local_now,
               earliest=local_now + timedelta(minutes=clinic.min_notice_minutes),
               today=local_now.date(), last_day=clinic.last_bookable_day(local_now))
    try:
        window = _parse(text, ctx)
    except _Problem as problem:
        return WhenResult(None, problem.code, problem.message)
    return WhenResult(window, None, "")


_UNPARSED = ("Sorry, I didn't catch a day or time there. You could say something like "
             "“tomorrow morning”, “next Tuesday after 3” or “as soon as possible”.")


def _parse(text: str, ctx: _Ctx) -> TimeWindow:
    cleaned = _normalize(text)
    if not cleaned:
        raise _Problem("unparsed", _UNPARSED)
    if _PAST.search(cleaned):
        raise _Problem("past", "That's in the past. Which upcoming day would suit you?")
    zone, cleaned = _extract_zone(cleaned, ctx.clinic)
    days, cleaned = _extract_days(cleaned, ctx)
    part, cleaned = _extract_time(cleaned, zone)
    asap = _ASAP.search(cleaned) is not None
    if days is None and not asap:  # "the 3rd of next month at 10": the day from dateparser
        days = _fallback_days(cleaned, ctx)
    if days is None and _UNUSED_MONTH.search(cleaned):
        # A month we could not attach a day to: asking beats silently searching today.
        raise _Problem("unparsed", "I couldn't work out which date you meant. Could you write "
                                   "it like “March 12” or “3/12”?")
    if days is None and part is None:
        if not asap:
            raise _Problem("unparsed", _UNPARSED)
        return TimeWindow(ctx.earliest, ctx.clinic.horizon_end(ctx.now), "as soon as possible")
    if days is None:  # a time with no day: the first day it still fits, today first
        horizon = min(14, (ctx.last_day - ctx.today).days)
        return _first_fit(ctx, [ctx.today + timedelta(days=i) for i in range(horizon + 1)], part)
    if days.phrase is not None:
        return _day_range(ctx, days, part)
    if days.roll_if_over:  # "Monday" said on a Monday evening means next Monday
        try:
            return _one_day(ctx, days.first, part)
        except _Problem as problem:
            if problem.code not in ("past", "closed"):
                raise
            return _one_day(ctx, days.first + timedelta(days=7), part)
    return _one_day(ctx, days.first, part)
