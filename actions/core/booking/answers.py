"""Reading answers as people give them during booking: picks from a list of times ("the second
one", "the 8:20 one", "the tuesday one"), requests for other times ("none of these", "later",
"not mornings", "afternoon instead"), corrections of an earlier answer ("actually make it
Thursday", "wait, it's for my son Leo", "my date of birth is 4/3/1988") and small talk.

Pure functions returning plain data; ``dialogue`` decides what to do with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from actions.core.booking import understand
from actions.core.scheduling.clinic import ClinicConfig
from actions.core.scheduling.store import parse_dob
from actions.core.text_distance import damerau_levenshtein

# -- small talk and asking for a person ------------------------------------------------------------

_THANKS = re.compile(r"^\s*(?:ok(?:ay)?\s+|great\s+|cool\s+)?(?:thanks?(?:\s+(?:you|u|"
                     r"so\s+much|a\s+lot))?|thank\s+(?:you|u)(?:\s+so\s+much)?|thx|ty|tysm|cheers|much\s+appreciated)"
                     r"\s*[.!]*\s*$", re.I)
_HELLO = re.compile(r"^\s*(?:hi+|hello+|hey+|hiya|howdy|yo|good\s+(?:morning|afternoon|evening)|"
                    r"hi\s+there|hello\s+there|hey\s+there)\s*[.!]*\s*$", re.I)
_BYE = re.compile(r"^\s*(?:ok(?:ay)?\s+|thanks\s+|alright\s+)?(?:bye+(?:\s*bye)?|good\s*bye|cya|"
                  r"see\s+(?:ya|you)(?:\s+later)?|talk\s+(?:to\s+you\s+)?later|gotta\s+go|i\s+have\s+"
                  r"to\s+go|that'?s\s+all|i'?m\s+done|good\s+night)\s*[.!]*\s*$", re.I)
_PERSON = re.compile(r"\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|some)?(?:person|human|"
                     r"real\s+person|someone|somebody|agent|staff|receptionist|nurse)\b|^\s*(?:a\s+)?"
                     r"(?:person|human|agent|operator|representative)(?:\s+please)?\s*[.!]*\s*$",
                     re.I)


def small_talk(text: str) -> str | None:
    """'thanks' | 'hello' | 'bye' for a message that is only that; None otherwise."""
    if _BYE.match(text or ""):
        return "bye"
    if _THANKS.match(text or ""):
        return "thanks"
    if _HELLO.match(text or ""):
        return "hello"
    return None


def wants_person(text: str) -> bool:
    return bool(_PERSON.search(text or ""))


# -- picking one of the offered times ------------------------------------------------------------

_ORDINAL_WORDS = {"first": 1, "1st": 1, "one": 1, "top": 1, "second": 2, "2nd": 2, "two": 2,
                  "middle": 2, "third": 3, "3rd": 3, "three": 3, "last": -1, "final": -1,
                  "bottom": -1}
_TYPO_ORDINALS = ("first", "second", "third")
_NUMBER_ONLY = re.compile(r"^\s*(?:option|number|no\.?|#|choice)?\s*(\d{1,2})\s*[.)]?\s*"
                          r"(?:please|pls|plz|thanks|one)?\s*[.!]*\s*$", re.I)
_OPTION_N = re.compile(r"\b(?:option|number|choice|#)\s*(\d{1,2})\b", re.I)
_CLOCK_STRICT = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*(am|pm)?\b|\b(\d{1,2})\s*(am|pm)\b", re.I)
_THAT_ONE = re.compile(r"\b(one|slot|time|that|works|fine|good|please|pls|take|book|do|ok|okay|"
                       r"perfect|great|sounds)\b", re.I)
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def option_pick(text: str, count: int) -> int | None:
    """1-based option chosen by number or ordinal, typos allowed ("secnd one"); None if none."""
    t = (text or "").strip().lower()
    m = _NUMBER_ONLY.match(t) or _OPTION_N.search(t)
    if m:
        picked = int(m.group(1))
        return picked if 1 <= picked <= count else None
    if _CLOCK_STRICT.search(t):
        return None  # "the 8:20 one" names a time, not option one
    for word in re.findall(r"[a-z0-9]+", t):
        n: int | None = _ORDINAL_WORDS.get(word)
        if n is None and len(word) >= 5:
            n = next((_ORDINAL_WORDS[w] for w in _TYPO_ORDINALS
                      if damerau_levenshtein(word, w, 1) <= 1), None)
        if n is not None:
            if word == "one" and re.search(r"\b(?:no|none|any|some|every|which)\s*one\b", t):
                continue
            n = count if n == -1 else n
            return n if 1 <= n <= count else None
    return None


def time_pick(text: str, offered: list[datetime]) -> int | None:
    """1-based option whose clinic time the words name ("the 8:20 one", "8:40 works")."""
    m = _CLOCK_STRICT.search(text or "")
    if not m:
        return None
    if m.group(1):
        hour, minute, ap = int(m.group(1)), int(m.group(2)), (m.group(3) or "").lower()
    else:
        hour, minute, ap = int(m.group(4)), 0, m.group(5).lower()
    matches = []
    for i, start in enumerate(offered, start=1):
        if start.minute != minute or start.hour % 12 != hour % 12:
            continue
        if ap and (start.hour >= 12) != (ap == "pm"):
            continue
        matches.append(i)
    return matches[0] if matches else None


def weekday_pick(text: str, offered: list[datetime]) -> int | None:
    """'the tuesday one': the first option on that weekday, when the words point at an option."""
    t = (text or "").lower()
    if not _THAT_ONE.search(t):
        return None
    for day_index, name in enumerate(_WEEKDAY_NAMES):
        if re.search(rf"\b(?:the\s+)?{name[:3]}\w*\s+(?:one|slot|time)\b", t):
            return next((i for i, s in enumerate(offered, start=1) if s.weekday() == day_index),
                        None)
    return None


# -- asking for other times and correcting earlier answers ----------------------------------------

PARTS = {  # name -> (first hour, hour after the last), clinic time
    "morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24), "not_morning": (12, 24),
    "not_afternoon": (0, 12),
}
PART_LABELS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening",
               "not_morning": "afternoon or later", "not_afternoon": "morning"}
_NONE = re.compile(r"\b(none|neither|nothing\s+(?:there|here)|no\s+good|not\s+(?:those|these|any)|"
                   r"don'?t\s+work|doesn'?t\s+work|won'?t\s+work|can'?t\s+(?:do|make)\s+(?:those|"
                   r"these|any|them)|other\s+times?|more\s+(?:times|options)|something\s+else|"
                   r"anything\s+else)\b", re.I)
_LATER = re.compile(r"\b(later|after\s+that|further\s+out)\b", re.I)
_EARLIER = re.compile(r"\b(earlier|sooner)\b", re.I)
_OTHER_DAY = re.compile(r"\b(different|another|other)\s+(day|date)\b", re.I)
_AVOID = re.compile(r"\b(?:not|no|can'?t\s+do|cannot\s+do|can'?t\s+make|avoid|except|"
                    r"anything\s+but)\s+(?:the\s+|in\s+the\s+|any\s+)?(morning|afternoon)s?\b",
                    re.I)
_PART = re.compile(r"\b(early\s+morning|morning|am|afternoon|pm|after\s+lunch|after\s+school|"
                   r"evening|after\s+work)s?\b", re.I)
_MARKER = re.compile(r"^\s*(?:actually|wait|hold\s+on|hang\s+on|no+|nope|sorry|oops|oh|hmm+|um+|"
                     r"erm|change|make\s+it|instead|can\s+(?:we|it|i)|could\s+(?:we|it|i)|how\s+about|"
                     r"what\s+about|do\s+you\s+have|is\s+there|i'?d\s+(?:rather|prefer)|"
                     r"i\s+(?:meant|mean)|my\s+mistake|correction)\b", re.I)
_DOB_CUE = re.compile(r"\b(?:date\s+of\s+birth|dob|d\.o\.b\.?|born(?:\s+on)?|birthday|birth\s*date)"
                      r"\s*(?:is|was|should\s+be|:)?\s*(?:actually\s+)?(.+)$", re.I)
_NAME_CUE = re.compile(r"\b(?:my\s+name\s+is|my\s+name'?s|name\s+is|name'?s|the\s+name\s+is|"
                       r"it'?s\s+spelled|spelled|spelt)\s+(?:actually\s+)?([A-Za-z][A-Za-z'’ -]+)",
                       re.I)


@dataclass
class Change:
    """What a message asks to change; unset fields are not mentioned."""

    option: int | None = None
    none: bool = False
    later: bool = False
    earlier: bool = False
    other_day: bool = False
    part: str | None = None          # a PARTS key
    when_text: str | None = None     # day (and time) words to search again
    who: str | None = None
    patient_name: str | None = None
    name: str | None = None
    dob: date | None = None
    modality: str | None = None
    site: str | None = None
    clinician: str | None = None

    def any(self) -> bool:
        return any(v not in (None, False) for v in vars(self).values())

    def about_time(self) -> bool:
        return bool(self.none or self.later or self.earlier or self.other_day or self.part
                    or self.when_text)


def part_of(text: str) -> str | None:
    avoid = _AVOID.search(text or "")
    if avoid:
        return "not_morning" if avoid.group(1).lower() == "morning" else "not_afternoon"
    m = _PART.search(text or "")
    if not m:
        return None
    word = m.group(1).lower()
    if word in ("early morning", "morning", "am"):
        return "morning"
    if word in ("evening", "after work"):
        return "evening"
    return "afternoon"


_INFO_QUESTION = re.compile(r"^\s*(?:where|how(?!\s+about)|why|who|what(?!\s+about)|which|"
                            r"is\s+there\s+(?:parking|a\s+bus)|when\s+(?:do|does|are|is)|are\s+you\s+open)\b",
                            re.I)


def info_question(text: str) -> bool:
    """'where can I park at the main clinic?' asks about the clinic; it changes nothing."""
    return bool(_INFO_QUESTION.match(text or ""))


def has_marker(text: str) -> bool:
    return bool(_MARKER.match(text or ""))


def read_change(text: str, clinic: ClinicConfig, today: date) -> Change:
    """Every change a message asks for (see the module docstring)."""
    text = (text or "").strip()
    change = Change()
    change.none = bool(_NONE.search(text))
    change.later = bool(_LATER.search(text)) and not change.none
    change.earlier = bool(_EARLIER.search(text))
    change.other_day = bool(_OTHER_DAY.search(text))
    change.part = part_of(text)
    when = understand.when_text_of(re.sub(r"\b(?:day\s+of\s+birth|date\s+of\s+birth|dob|born)\b.*",
                                          " ", text, flags=re.I))
    if when:
        # A bare part of the day ("afternoon instead") is a part change, not a new day.
        only_part = not re.sub(r"\b(?:in\s+the|the|instead|please|pls|no|actually|then|"
                               r"something|anything|do\s+you\s+have|rather|a|an|one|ok|okay|"
                               r"can\s+(?:we|i|it)\s+(?:do|be|have|make\s+it)|i'?d\s+prefer|"
                               r"make\s+it|how\s+about|what\s+about|maybe|would\s+be\s+better|"
                               r"works?|better|not|no|can'?t\s+do|i|mornings?|afternoons?|"
                               r"evenings?|early|late|am|pm|after\s+(?:lunch|school|work)|"
                               r"later|that\s+day)\b", " ", when.lower(), flags=re.I).strip(
                                   " ,.!?;:")
        if not only_part:
            change.when_text = when
    dob_cue = _DOB_CUE.search(text)
    if dob_cue:
        change.dob = parse_dob(dob_cue.group(1).strip(" .!"), today)
    name_cue = _NAME_CUE.search(text)
    if name_cue:
        change.name = " ".join(w.capitalize() if w.islower() else w
                               for w in name_cue.group(1).strip(" .!").split())
    change.who = understand.who_of(text) if not name_cue else None
    if change.who in (understand.CHILD, understand.OTHER):
        change.patient_name = understand.relation_name(text)
    change.modality = understand.modality_of(text)
    change.site = understand.site_of(text)
    change.clinician = understand.clinician_of(text, clinic)
    return change


_NOT_NAME_WORDS = {
    "for", "my", "son", "daughter", "it's", "its", "it", "is", "actually", "make", "wait", "the",
    "a", "an", "no", "yes", "book", "appointment", "appt", "thanks", "please", "change", "instead",
    "morning", "afternoon", "evening", "today", "tomorrow", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "next", "week", "one", "time", "later", "not",
    "can", "could", "we", "i", "me", "you", "do", "have", "how", "about", "what", "kid", "child",
    "mom", "dad", "wife", "husband", "video", "visit", "doctor", "dr", "sorry", "that", "this",
    "of", "at", "on", "in", "to", "with", "and", "but", "there", "anything", "something",
    "sure", "ok", "okay", "hi", "hello", "hey", "bye",
}


def reads_as_sentence(text: str) -> bool:
    """'wait its for my son' is not a name, even though it is letters and spaces."""
    words = re.findall(r"[a-z'’]+", (text or "").lower().replace("’", "'"))
    return any(w in _NOT_NAME_WORDS for w in words)


_DAY_WORDS = re.compile(
    r"\b(today|tonight|tomorrow|tmrw|tmr|tomorow|tommorow|2morrow|mon|monday|tue|tues|tuesday|wed|"
    r"weds|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday|weekend|week|"
    r"month|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|asap|earliest|soonest|available|"
    r"as\s+soon\s+as)s?\b|\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{1,2}/\d{1,2}\b", re.I)
_CLOCK_WORDS = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\b(?:at|after|"
                          r"before|around|by)\s+\d{1,2}\b|\bnoon\b|\blunch", re.I)


def has_day(text: str) -> bool:
    return bool(_DAY_WORDS.search(text or ""))


def has_clock(text: str) -> bool:
    return bool(_CLOCK_WORDS.search(text or ""))


def without_avoid(text: str) -> str:
    """'not mornings' leaves the rest of the sentence to be read for a day."""
    return _AVOID.sub(" ", text or "").strip()
