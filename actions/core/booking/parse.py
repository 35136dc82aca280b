"""Reading the patient's short answers during booking: task, visit type, option, name, code."""

from __future__ import annotations

import re

from actions.core.booking.state import BOOK, CANCEL, LIST, RESCHEDULE

_STOP = re.compile(
    r"^\s*(stop|quit|exit|never\s*mind|nevermind|forget\s*it|start\s*over|i\s*changed\s*my\s*mind)"
    r"\s*[.!]*\s*$",
    re.IGNORECASE,
)
_TASK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (RESCHEDULE, re.compile(r"\b(re-?schedul\w*|re-?book\w*|move|moving|change|switch|postpone|"
                            r"push\s+back|different\s+(time|day))\b", re.I)),
    (CANCEL, re.compile(r"\b(cancel\w*|call\s+off|can'?t\s+make\s+it|won'?t\s+make\s+it)\b",
                        re.I)),
    (LIST, re.compile(r"\b(list|see|show|check|view|what|when|which|upcoming|next)\b.*"
                      r"\b(appointments?|appts?|bookings?|visits?)\b|\bmy\s+(appointments|"
                      r"bookings)\b|\bwhen\s+is\s+my\b", re.I)),
    (BOOK, re.compile(r"\b(book\w*|make|schedule|new|get|need|want|see\s+(a|the)\s+"
                      r"(doctor|nurse|provider)|appointment|appt|visit)\b", re.I)),
)
_SAME_DAY = re.compile(r"\b(same[\s-]?day|today|urgent|asap|as\s+soon\s+as\s+possible)\b", re.I)
_YES = re.compile(r"^\s*(y|yes|yeah|yep|yup|sure|ok|okay|correct|confirm\w*|that'?s\s+right|"
                  r"right|please\s+do|go\s+ahead|book\s+it|do\s+it|perfect|great)\b", re.I)
_NO = re.compile(r"^\s*(n|no|nope|nah|not\s+(that|right)|wrong|don'?t|do\s+not)\b", re.I)
_ORDINALS = {"first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3,
             "3rd": 3, "three": 3, "last": -1}
_CODE = re.compile(r"\b([A-Za-z0-9]{6})\b")
_NAME_OK = re.compile(r"^[^\W\d_][^\W\d_'’\-. ]*(?:[\s'’\-.]+[^\W\d_]+)*\.?$", re.UNICODE)
_NAME_PREFIX = re.compile(r"^\s*(my\s+name\s+is|i\s*am|i'?m|it'?s|name\s*:?|this\s+is)\s+", re.I)


_CANCEL_THIS = re.compile(r"^\s*cancel(\s+(that|it|this|booking|please))?\s*[.!]*\s*$", re.I)


def is_stop(text: str, task: str | None = None) -> bool:
    """"stop", "never mind"…; and a bare "cancel" while booking, moving or listing (while
    cancelling an appointment, "cancel" is the task itself)."""
    if _STOP.match(text or ""):
        return True
    return task not in (None, CANCEL) and bool(_CANCEL_THIS.match(text or ""))


def detect_task(text: str) -> str | None:
    """What the patient wants done, from their own words; None when unclear."""
    for task, pattern in _TASK_PATTERNS:
        if pattern.search(text or ""):
            return task
    return None


def wants_same_day(text: str) -> bool:
    return bool(_SAME_DAY.search(text or ""))


def yes_no(text: str) -> bool | None:
    if _YES.match(text or ""):
        return True
    if _NO.match(text or ""):
        return False
    return None


def option_number(text: str, count: int) -> int | None:
    """1-based option picked by number or ordinal ("2", "the second one", "#3")."""
    t = (text or "").strip().lower()
    m = re.fullmatch(r"(?:option\s*|number\s*|#\s*)?(\d{1,2})[.)]?", t)
    if m:
        n = int(m.group(1))
        return n if 1 <= n <= count else None
    for word, n in _ORDINALS.items():
        if re.search(rf"\b{word}\b", t):
            n = count if n == -1 else n
            return n if 1 <= n <= count else None
    return None


def person_name(text: str) -> str | None:
    """A plausible full name (letters, spaces, hyphens, apostrophes); None otherwise."""
    t = _NAME_PREFIX.sub("", (text or "").strip()).strip(" .,!")
    t = re.sub(r"\s+", " ", t)
    if not (2 <= len(t) <= 80) or not _NAME_OK.match(t):
        return None
    if len(t.split()) < 2:
        return None  # first and last name, so lookups do not match the wrong person
    return t.title() if t.islower() or t.isupper() else t


def confirmation_code(text: str) -> str | None:
    """A 6-character code as we issue them; spaces and dashes the patient adds are ignored."""
    compact = re.sub(r"[\s\-]", "", text or "")
    if re.fullmatch(r"[A-Za-z0-9]{6}", compact):
        return compact.upper()
    # In a sentence ("cancel K7P2QX please") only a word with a digit counts: our codes always
    # mix letters and digits often enough, and "cancel" is six letters too.
    for m in _CODE.finditer(text or ""):
        if any(ch.isdigit() for ch in m.group(1)):
            return m.group(1).upper()
    for m in _CODE.finditer(text or ""):
        if m.group(1).isupper():  # an all-letter code, typed as we print it ("code QWERTY")
            return m.group(1)
    return None
