"""Render the bot's messages for SMS / WhatsApp text (pure: no rasa, sanic, redis or twilio).

Why a renderer: a text channel has no buttons, and SMS is billed per segment. So buttons become
numbered options ("Reply 1, 2 or 3") that a digit reply maps back to, long replies are split at
sentence boundaries into messages of at most ``MAX_UNITS`` length units, and typographic
punctuation is folded to plain ASCII, because a single em dash switches a whole SMS from GSM-7
(160 / 153 characters per segment) to UCS-2 (70 / 67), more than doubling the segment count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_UNITS = 320  # per outgoing message; the design's advice (at most 3 GSM-7 segments)

# GSM 03.38 basic character set (one septet each) and the extension table (escape + char = 2).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153  # septets per segment (multi-part loses 7 to the UDH)
UCS2_SINGLE, UCS2_MULTI = 70, 67  # UTF-16 code units per segment

# Typographic characters the bot's texts use, folded so the message stays GSM-7.
_FOLD = str.maketrans({
    "\u2014": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2026": "...", "\u00a0": " ", "\u2022": "-", "\u00b7": "-", "\u2009": " ", "\u202f": " ",
})

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_OPTION_REPLY = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def fold_typography(text: str) -> str:
    return text.translate(_FOLD)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def char_units(char: str, gsm: bool) -> int:
    """Length units of one character: septets in GSM-7, UTF-16 code units in UCS-2."""
    if gsm:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def encoding(text: str) -> str:
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def length_units(text: str) -> int:
    """The length the network counts: extension chars are 2 septets; astral chars 2 code units."""
    gsm = is_gsm7(text)
    return sum(char_units(c, gsm) for c in text)


def segment_count(text: str) -> int:
    """Segments this text is billed as. Packs greedily, as handsets do: an escape pair or a
    surrogate pair is never split across two segments."""
    gsm = is_gsm7(text)
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if gsm else (UCS2_SINGLE, UCS2_MULTI)
    units = [char_units(c, gsm) for c in text]
    if sum(units) <= single:
        return 1 if text else 0
    segments, used = 1, 0
    for u in units:
        if used + u > multi:
            segments, used = segments + 1, 0
        used += u
    return segments


def _hard_cut(text: str, limit: int) -> list[str]:
    """Last resort for a single word longer than a message (e.g. a long URL)."""
    parts: list[str] = []
    current = ""
    for c in text:
        if current and length_units(current + c) > limit:
            parts.append(current)
            current = ""
        current += c
    return [*parts, current] if current else parts


def _pieces(text: str, limit: int) -> list[str]:
    """Sentences (or, for an over-long sentence, words) that each fit in ``limit``."""
    out: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        if length_units(sentence) <= limit:
            out.append(sentence)
            continue
        for word in sentence.split():
            out.extend([word] if length_units(word) <= limit else _hard_cut(word, limit))
    return out


def split_message(text: str, limit: int = MAX_UNITS) -> list[str]:
    """Split at paragraph, then sentence, then word boundaries into parts of <= ``limit`` units.

    Paragraphs are kept together when they fit (joined by a blank line), so a short reply stays
    one message and a numbered options block is never torn apart.
    """
    text = text.strip()
    if not text:
        return []
    if length_units(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""

    def add(piece: str, sep: str) -> None:
        nonlocal current
        candidate = f"{current}{sep}{piece}" if current else piece
        if length_units(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece

    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        if length_units(paragraph) <= limit:
            add(paragraph, "\n\n")
            continue
        for i, piece in enumerate(_pieces(paragraph, limit)):
            add(piece, "\n\n" if i == 0 else " ")
    if current:
        parts.append(current)
    return parts


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


@dataclass(frozen=True)
class Rendered:
    """What to send for one bot turn: message bodies, and the options a digit reply selects."""

    bodies: list[str]
    options: list[Option]


def reply_hint(count: int) -> str:
    """ "Reply 1.", "Reply 1 or 2.", "Reply 1, 2 or 3." """
    numbers = [str(i) for i in range(1, count + 1)]
    if count == 1:
        return "Reply 1."
    return f"Reply {', '.join(numbers[:-1])} or {numbers[-1]}."


def options_block(options: Sequence[Option]) -> str:
    lines = [f"{i}) {o.title}" for i, o in enumerate(options, start=1)]
    return "\n".join([*lines, reply_hint(len(options))])


def render_turn(messages: Iterable[Mapping[str, Any]], limit: int = MAX_UNITS) -> Rendered:
    """Render a turn's messages (Rasa's dicts: text, buttons, image, attachment, ...).

    Texts are joined into paragraphs; the buttons of the turn's last message that has any become
    the numbered options at the end (earlier button sets are superseded by the latest question).
    """
    paragraphs: list[str] = []
    options: list[Option] = []
    for message in messages:
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            paragraphs.append(fold_typography(text.strip()))
        for key in ("image", "attachment"):
            if isinstance(message.get(key), str):
                paragraphs.append(message[key])
        buttons = message.get("buttons") or message.get("quick_replies") or []
        parsed = [
            Option(fold_typography(str(b.get("title", ""))).strip(), str(b.get("payload", "")))
            for b in buttons if isinstance(b, Mapping) and b.get("title")
        ]
        if parsed:
            options = parsed[:9]  # single-digit replies only
    if options:
        paragraphs.append(options_block(options))
    return Rendered(split_message("\n\n".join(paragraphs), limit), options)


def choose_option(reply: str, options: Sequence[Option]) -> str | None:
    """The payload a patient's reply selects: its number ("2", "2.", " 2) ") or its exact title
    (case-insensitive). ``None`` when the reply is not an option (then it is sent as typed)."""
    if not options:
        return None
    match = _OPTION_REPLY.match(reply)
    if match:
        n = int(match.group(1))
        return options[n - 1].payload if 1 <= n <= len(options) else None
    wanted = fold_typography(reply).strip().casefold()
    for option in options:
        if option.title.casefold() == wanted:
            return option.payload
    return None
