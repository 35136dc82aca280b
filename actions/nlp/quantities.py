"""Numbers patients write: temperature, duration, severity, age, pregnancy weeks.

Pure regex over the normalised (lower-cased, spelling-fixed) message, so it is testable without
spaCy. Every parser returns None when unsure: a guessed number is worse than a missing one, because
the engine
then asks instead of deciding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "couple": 2, "a couple": 2, "couple of": 2, "a couple of": 2, "few": 3,
    "a few": 3,
    "several": 4, "half": 0.5, "a half": 0.5, "half an": 0.5, "half a": 0.5,
}  # fmt: skip
_NUM = (
    r"(\d+(?:\.\d+)?|a couple of|a couple|couple of|a few|half an|half a|"
    + "|".join(sorted((k for k in _NUM_WORDS if " " not in k), key=len, reverse=True))
    + r")"
)

_HOURS_PER = {
    "min": 1 / 60, "minute": 1 / 60, "hour": 1.0, "hr": 1.0, "h": 1.0, "day": 24.0, "d": 24.0,
    "week": 168.0, "wk": 168.0, "w": 168.0, "month": 720.0, "mo": 720.0, "mth": 720.0,
    "year": 8760.0, "yr": 8760.0, "y": 8760.0, "night": 24.0,
}  # fmt: skip
_UNIT = r"(min|minute|hour|hr|h|day|d|week|wk|month|mth|mo|year|yr|night)s?"


# Most patterns below need a digit; prose without one (a long pasted history) skips them. The same
# ``\d`` as in the patterns, so a text they could match always passes.
_DIGIT = re.compile(r"\d")


def _num(token: str) -> float | None:
    token = token.strip()
    try:
        return float(token)
    except ValueError:
        return _NUM_WORDS.get(token)


# ------------------------------------------------------------------------------------ temperature
_TEMP_UNIT = re.compile(
    r"(?<![\d.])(\d{2,3}(?:[.,]\d{1,2})?)\s*(?:°|º|degrees?|deg)?\s*"
    r"(f|c|fahrenheit|farenheit|celsius|celcius|centigrade)(?![a-z])"
)
_TEMP_DEGREES = re.compile(r"(?<![\d.])(\d{2,3}(?:[.,]\d{1,2})?)\s*(?:°|º|degrees?|deg)(?![a-z])")
_TEMP_KEYWORD = re.compile(
    r"(?:temp|temps|temperature|temprature|fever|thermometer|reading|spiked|spiking)"
    r"(?:\s+(?:of|is|was|at|reading|reads|read|says|said|hit|hits|reached|went|up|to|around|about|"
    r"over|nearly|almost|like|still|now|just|been|=|:|-)){0,4}\s*(\d{2,3}(?:[.,]\d{1,2})?)(?![\d/])"
)


# "it's 38.4 under the arm": a bare one-decimal number in body-temperature range is a temperature.
_TEMP_BARE_DECIMAL = re.compile(
    r"(?<![\d./])((?:3[5-9]|4[0-2])[.,]\d|(?:9[5-9]|10[0-7])[.,]\d)(?![\d/%]|\s*(?:kg|lb|cm|%))"
)


def _to_celsius(value: float, unit: str | None) -> float | None:
    if unit and unit.startswith("f"):
        return round((value - 32) * 5 / 9, 1) if 86 <= value <= 115 else None
    if unit and unit.startswith("c"):
        return value if 30 <= value <= 45 else None
    if 90 <= value <= 115:  # no unit: the scale is obvious from the number
        return round((value - 32) * 5 / 9, 1)
    if 34 <= value <= 43:
        return value
    return None


def parse_temperature_c(text: str) -> float | None:
    """Highest body temperature mentioned, in °C ("101.5F", "39.2°C", "temp of 102")."""
    if not _DIGIT.search(text):
        return None  # every temperature pattern needs a digit
    found: list[float] = []
    for m in _TEMP_UNIT.finditer(text):
        c = _to_celsius(float(m.group(1).replace(",", ".")), m.group(2))
        if c is not None:
            found.append(c)
    for regex in (_TEMP_DEGREES, _TEMP_KEYWORD, _TEMP_BARE_DECIMAL):
        for m in regex.finditer(text):
            c = _to_celsius(float(m.group(1).replace(",", ".")), None)
            if c is not None:
                found.append(c)
    return max(found) if found else None


# ------------------------------------------------------------------------------------ duration
_DURATION = re.compile(
    r"(?<![\w.])" + _NUM + r"\s*(?:-|\s)?\s*(?:more\s+)?" + _UNIT + r"(?![a-z])"
    r"(?!\s*-?\s*(?:old|pregnant|along|gestation|postpartum))"
)
_VAGUE_DURATION = {
    r"since (?:yesterday|yday)|since last night|overnight|all night|since the night before": 18.0,
    r"since this morning|this morning|since earlier today|since lunch|all day": 6.0,
    r"since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|since the weekend": 72.0,
    r"since last week|for a week|all week": 168.0,
    r"for days|several days|few days|couple of days|days now": 72.0,
    r"for weeks|few weeks|several weeks|weeks now|couple of weeks": 336.0,
    r"for months|few months|several months|months now": 1440.0,
    r"for years|years now": 17520.0,
    r"just now|a few minutes ago|minutes ago|just happened|just started": 0.25,
}
_VAGUE = [(re.compile(r"(?<!\w)(?:" + k + r")(?!\w)"), v) for k, v in _VAGUE_DURATION.items()]


def parse_duration_hours(text: str) -> float | None:
    """Longest duration mentioned, in hours. Ages ("3 year old") and gestation are not durations."""
    found: list[float] = []
    for m in _DURATION.finditer(text):
        n = _num(m.group(1))
        unit = m.group(2)
        if n is None or unit not in _HOURS_PER:
            continue
        if unit in {"h", "d", "w", "y"} and not re.match(r"\d", m.group(1)):
            continue  # "a d" is not a duration; single-letter units need a digit ("3d", "2h")
        # "a seizure 10 years ago" dates a past event; it is not how long today's symptoms have
        # lasted.
        after = text[m.end() : m.end() + 5]
        if unit in {"month", "mo", "mth", "year", "yr", "y"} and after.strip().startswith("ago"):
            continue
        # "every 2 hours" is a frequency, not how long it has been going on.
        before = text[max(0, m.start() - 7) : m.start()]
        if "every" in before or "each" in before:
            continue
        found.append(n * _HOURS_PER[unit])
    for regex, hours in _VAGUE:
        if regex.search(text):
            found.append(hours)
    return max(found) if found else None


# ------------------------------------------------------------------------------------ severity
_SCORE = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:/|out of|outta|of)\s*10(?!\d)")
_SEVERITY_WORDS = [
    (
        9,
        r"excruciating|unbearable|agoni[sz]ing|worst|extreme|crippling|the worst|10/10|can'?t bear|"
        # everyday words for "as bad as it gets" (NHS 111 asks "can you stand up / move?")
        r"explosive|never had anything like it|can'?t stand up|cannot stand up|doubled over|"
        r"doubling over|can'?t even move|too painful to (?:move|walk|touch)",
    ),
    (
        8,
        r"severe|severely|terrible|horrible|horrendous|intense|really really bad|screaming in pain|"
        r"can barely move|can hardly move|can'?t sleep (?:for|with) (?:the )?pain",
    ),
    (
        7,
        r"really bad|very bad|so bad|awful|really painful|very painful|really hurts|hurts so much|"
        r"really sore|very sore|so sore|a lot of pain|in agony|agony",
    ),
    (5, r"moderate|quite bad|pretty bad|fairly bad"),
    (2, r"mild|mildly|slight|slightly|minor|a little|a bit of|niggle|niggling"),
]
_SEVERITY = [(lvl, re.compile(r"(?<!\w)(?:" + p + r")(?!\w)")) for lvl, p in _SEVERITY_WORDS]


def parse_severity(text: str) -> int | None:
    """Worst severity on a 0-10 scale, from "8/10" or words ("severe" 8, "mild" 2)."""
    scores = ([int(m.group(1)) for m in _SCORE.finditer(text) if int(m.group(1)) <= 10]
              if _DIGIT.search(text) else [])
    for level, regex in _SEVERITY:
        if regex.search(text):
            scores.append(level)
            break  # the strongest word present wins; milder words cannot pull it down
    return max(scores) if scores else None


# ------------------------------------------------------------------------------------ age
_AGE_UNIT_YEARS = {"d": 1 / 365, "w": 1 / 52, "m": 1 / 12, "y": 1.0}


def _unit_years(unit: str) -> float:
    unit = unit.lower()
    if unit.startswith("d"):
        return _AGE_UNIT_YEARS["d"]
    if unit.startswith("w"):
        return _AGE_UNIT_YEARS["w"]
    if unit.startswith("m"):
        return _AGE_UNIT_YEARS["m"]
    return 1.0


_AGE_OLD = re.compile(
    r"(?:(my|our|his|her|their|the|a|an|this|your)\s+(?:little\s+|baby\s+|newborn\s+|sick\s+)?)?"
    + _NUM
    + r"\s*[- ]?\s*(days?|d|weeks?|wks?|wk|w|months?|mths?|mos?|m|years?|yrs?|yr|y)\s*[- ]?\s*"
    r"(?:old|o|/o|\.o\.)(?![a-z])"
)
_AGE_YO = re.compile(
    r"(?<![\w.])(\d{1,3}(?:\.\d)?)\s*(yo|y/o|y\.o\.?|yrs|mo|m/o|mos|wo|w/o)(?![a-z])"
)
_AGE_THIRD = re.compile(
    r"(?<![\w'])(?:he|she|they|baby|bby|son|daughter|kid|child|boy|girl|mom|mum|dad|husband|wife|"
    r"father|mother|grandma|grandpa|grandmother|grandfather)"
    r"\s*(?:'s|s|is|are|was|who is|whos|who's|,|aged|age)\s+"
    r"(?:only\s+|just\s+|about\s+|almost\s+|nearly\s+)?(\d{1,3}(?:\.\d)?)"
    r"(?:\s*(days?|weeks?|wks?|months?|mths?|mos?|years?|yrs?))?"
    r"(?!\s*(?:weeks?\s*|wks?\s*)?(?:pregnant|along|kg|lb|lbs|pounds|%|degrees|°|/10|out of))"
    r"(?![\d.])"
)
_AGE_SELF = re.compile(
    r"(?:(?<![\w'])i'?m|(?<![\w'])i am|(?<![\w'])im|(?<![\w])me,?|(?<![\w])aged?|"
    r"(?<![\w])age is|i turned)\s+"
    r"(?:only\s+|just\s+|about\s+|almost\s+|nearly\s+|a\s+)?(\d{1,3})"
    r"(?:\s*(?:years?|yrs?|y)\s*(?:old)?)?(?![\d.])(?!\s*(?:weeks?|wks?|months?|days?|hours?|kg|lbs?|pounds|%|"
    r"minutes?|mins?|times|am|pm|degrees|°|/10|out of|and a half weeks|weeks pregnant|f\b|c\b))"
)
_AGE_SEX_PREFIX = re.compile(r"^\s*(\d{1,3})\s*(?:yo\s*)?(m|f|male|female)(?![a-z])")
_NEWBORN = re.compile(
    r"(?<!\w)(?:newborn|new born|new-born|neonate|just born|"
    r"born (?:yesterday|today|last night))(?!\w)"
)
_INFANT = re.compile(
    r"(?<!\w)(?:baby|babies|infant|newborn|new born|bby|bubba|neonate|little one)(?!\w)"
)
_TODDLER = re.compile(r"(?<!\w)(?:toddler)(?!\w)")
_CHILD = re.compile(
    r"(?<!\w)(?:my|our|his|her)\s+(?:little\s+|young\s+)?(?:son|daughter|kid|kids|child|children|boy|girl|toddler|baby|bby|"
    r"infant|newborn|grandson|granddaughter|grandchild|little one|teen|teenager)(?!\w)"
)


@dataclass(frozen=True)
class AgeMention:
    years: float | None  # None: a child/baby was mentioned without a number
    about_other: bool  # True: the age is someone else's (the patient the parent writes about)


def parse_ages(text: str) -> list[AgeMention]:
    out: list[AgeMention] = []
    for m in _AGE_OLD.finditer(text):
        n = _num(m.group(2))
        if n is not None:
            # "I'm a 45 year old woman" is the writer; "my 6 week old" / "3 year old son" is
            # the patient.
            about_self = re.search(r"(?:i'?m|i am|im)\s+(?:an?\s+)?$", text[: m.start()])
            out.append(AgeMention(n * _unit_years(m.group(3)), not about_self))
    if _DIGIT.search(text):  # the patterns below all need a digit
        out.extend(_ages_in_digits(text))
    if _NEWBORN.search(text):
        out.append(AgeMention(0.02, True))
    return [a for a in out if a.years is None or 0 <= a.years <= 120]


def _ages_in_digits(text: str) -> list[AgeMention]:
    out: list[AgeMention] = []
    for m in _AGE_YO.finditer(text):
        unit = {"yo": "y", "y/o": "y", "yrs": "y", "mo": "m", "m/o": "m", "mos": "m", "wo": "w",
                "w/o": "w"}.get(m.group(2).rstrip("."), "y")  # fmt: skip
        if m.group(2).startswith("y.o"):
            unit = "y"
        out.append(AgeMention(float(m.group(1)) * _unit_years(unit), True))
    for m in _AGE_THIRD.finditer(text):
        unit = m.group(2) or "y"
        out.append(AgeMention(float(m.group(1)) * _unit_years(unit), True))
    for m in _AGE_SELF.finditer(text):
        out.append(AgeMention(float(m.group(1)), False))
    prefix = _AGE_SEX_PREFIX.match(text)
    if prefix:
        out.append(AgeMention(float(prefix.group(1)), False))
    return out


def parse_sex(text: str) -> str | None:
    m = _AGE_SEX_PREFIX.match(text)
    if m:
        return "male" if m.group(2).startswith("m") else "female"
    return None


def mentions_infant(text: str) -> bool:
    return bool(_INFANT.search(text))


def mentions_child(text: str) -> bool:
    return bool(_CHILD.search(text) or _TODDLER.search(text) or _INFANT.search(text))


# ------------------------------------------------------------------------------------ pregnancy
_PREG_WEEKS = re.compile(
    r"(\d{1,2}(?:\.\d)?)\s*(?:\+\d\s*)?(weeks?|wks?|w|months?)\s*"
    r"(?:pregnant|along|preg|gestation|into (?:my|the|her) pregnancy)"
)


def parse_pregnancy_weeks(text: str) -> float | None:
    m = _PREG_WEEKS.search(text) if _DIGIT.search(text) else None
    if not m:
        return None
    value = float(m.group(1))
    return round(value * 4.35, 1) if m.group(2).startswith("month") else value
