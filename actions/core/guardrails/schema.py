"""Validation of the LLM's triage JSON.

Contract (prompt ``triage_v1``)::

    {"facts": ["<symptom phrase>", ...],
     "suggested_disposition": "emergency" | "urgent" | "routine" | "self_care" | null,
     "explanation": "<one plain-language sentence>"}

``facts`` is required; the other two may be missing (treated as null / no explanation);
any other key is out of schema and rejects the whole answer.

Extraction is tolerant of *form* (leading chatter, code fences, a reply that repeats the
prefill or not, an answer cut off by max_tokens) but never of *content*: a cut-off answer
keeps only its complete key/value pairs, and values are only normalised to canonical
spellings ("Self-care" → "self_care", "none" → null), never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import jsonschema

DISPOSITIONS = ("self_care", "routine", "urgent", "emergency")  # low → high

MAX_FACTS = 12
MAX_FACT_CHARS = 120
MAX_EXPLANATION_CHARS = 600

TRIAGE_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["facts"],
    "properties": {
        "facts": {
            "type": "array",
            "maxItems": MAX_FACTS,
            "items": {"type": "string", "maxLength": MAX_FACT_CHARS},
        },
        "suggested_disposition": {"enum": [*DISPOSITIONS, None]},
        "explanation": {"type": ["string", "null"], "maxLength": MAX_EXPLANATION_CHARS},
    },
}
_VALIDATOR = jsonschema.Draft202012Validator(TRIAGE_SCHEMA)

_NULLISH = {"", "null", "none", "n/a", "na", "unknown", "nil"}


class SchemaError(ValueError):
    """The text holds no valid triage object. ``reason`` is a short machine code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class TriageOutput:
    facts: tuple[str, ...]
    suggested_disposition: str | None
    explanation: str | None
    notes: tuple[str, ...] = field(default_factory=tuple)  # what extraction had to tolerate

    def as_dict(self) -> dict:
        return {
            "facts": list(self.facts),
            "suggested_disposition": self.suggested_disposition,
            "explanation": self.explanation,
        }


# -- extraction -------------------------------------------------------------------------
def scan_json_object(text: str, start: int) -> tuple[int | None, int | None]:
    """From ``text[start] == '{'`` return (end index of the balanced object or None,
    index just after the last complete top-level pair or None)."""
    last_pair_end = None
    for i in _top_level_pair_ends(text, start):
        if text[i] != ",":
            return i, last_pair_end
        last_pair_end = i
    return None, last_pair_end


def extract_json_object(text: str) -> tuple[dict, tuple[str, ...]]:
    """Return the first JSON object in ``text`` (and notes on what was tolerated).

    Raises ``SchemaError('no_json')`` / ``SchemaError('invalid_json')``.
    """
    notes: list[str] = []
    if not text or "{" not in text:
        raise SchemaError("no_json", "no '{' in output")
    start = text.index("{")
    if text[:start].strip():
        notes.append("leading_text")
    end, last_pair_end = scan_json_object(text, start)
    if end is not None:
        candidate = text[start : end + 1]
        if text[end + 1 :].strip().strip("`").strip():
            notes.append("trailing_text")
    elif last_pair_end is not None:
        # Cut off (max_tokens / deadline): keep the complete pairs only.
        candidate = text[start:last_pair_end] + "}"
        notes.append("truncated_tail_dropped")
    else:
        raise SchemaError("invalid_json", "unterminated object with no complete field")

    duplicates: list[str] = []

    def first_wins(pairs: list[tuple[str, object]]) -> dict:
        out: dict = {}
        for k, v in pairs:
            if k in out:
                duplicates.append(k)
                continue
            out[k] = v
        return out

    try:
        obj = json.loads(candidate, object_pairs_hook=first_wins)
    except json.JSONDecodeError as exc:
        raise SchemaError("invalid_json", str(exc)) from None
    if not isinstance(obj, dict):
        raise SchemaError("invalid_json", "not an object")
    if duplicates:
        notes.append("duplicate_keys_first_kept:" + ",".join(sorted(set(duplicates))))
    return obj, tuple(notes)


def normalize_disposition(value: object) -> object:
    """Map harmless spelling variants to the canonical value; leave anything else as is
    (so the schema rejects it)."""
    if value is None:
        return None
    if isinstance(value, str):
        v = re.sub(r"[\s\-]+", "_", value.strip().lower())
        if v in _NULLISH:
            return None
        if v in {"selfcare", "self_care", "home_care", "homecare"}:
            return "self_care"
        if v in DISPOSITIONS:
            return v
    return value


def validate(obj: dict) -> TriageOutput:
    obj = dict(obj)
    if "suggested_disposition" in obj:
        obj["suggested_disposition"] = normalize_disposition(obj["suggested_disposition"])
    errors = sorted(_VALIDATOR.iter_errors(obj), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.path) or "(root)"
        raise SchemaError("out_of_schema", f"{where}: {err.message}"[:300])
    facts = tuple(f.strip() for f in obj["facts"] if f.strip())
    explanation = obj.get("explanation")
    explanation = (
        explanation.strip() if isinstance(explanation, str) and explanation.strip() else None
    )
    return TriageOutput(facts, obj.get("suggested_disposition"), explanation)


def parse_llm_json(raw: str, prefill: str = "") -> TriageOutput:
    """Parse a completion that may or may not repeat the ``prefill`` it continued."""
    candidates = [raw]
    if prefill:
        # A local backend returns the continuation only; some OpenAI-compatible servers
        # return a whole new answer. Try the likelier reading first.
        if raw.lstrip().startswith("{"):
            candidates.append(prefill + raw)
        else:
            candidates.insert(0, prefill + raw)
    first_error: SchemaError | None = None
    for text in candidates:
        try:
            obj, notes = extract_json_object(text)
            out = validate(obj)
        except SchemaError as exc:
            first_error = first_error or exc
            continue
        return TriageOutput(out.facts, out.suggested_disposition, out.explanation, notes)
    assert first_error is not None
    raise first_error


# -- the level vote ------------------------------------------------------------------------
LEVEL_KEY = "suggested_disposition"


@dataclass(frozen=True)
class LevelVote:
    """The model's say on the level, read from the shortest prefix of its answer that settles
    it. ``suggestion`` is a valid disposition or None; ``reason`` says why there is none."""

    suggestion: str | None
    reason: str | None = None
    prefix_chars: int = 0  # how much of the text the vote depends on


def _top_level_pair_ends(text: str, start: int) -> Iterator[int]:
    """Indices (in ``text``) of each ',' between top-level pairs and of the closing '}' — the
    one JSON scanner behind both the extraction and the level vote."""
    depth, in_str, esc = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                yield i
                return
        elif ch == "," and depth == 1:
            yield i


def _first_wins(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        out.setdefault(k, v)
    return out


def _vote_in(text: str) -> LevelVote | None:
    if "{" not in text:
        return None
    start = text.index("{")
    for end in _top_level_pair_ends(text, start):
        closed = text[end] == "}"
        candidate = text[start : end + 1] if closed else text[start:end] + "}"
        try:
            # first key wins, as in extract_json_object, so both readings agree
            obj = json.loads(candidate, object_pairs_hook=_first_wins)
        except json.JSONDecodeError:
            # A malformed pair before the level: no later text can make the level readable.
            return LevelVote(None, "invalid_json", end + 1)
        if not isinstance(obj, dict):
            return LevelVote(None, "invalid_json", end + 1)
        if LEVEL_KEY in obj:
            try:
                # Level-first answers (prompt v2) have no facts yet when the level is written:
                # the vote is judged on what precedes it, and the facts' shape is checked later
                # with the whole answer (it decides whether the sentence is shown, not the level).
                out = validate(obj if closed or "facts" in obj else {"facts": [], **obj})
            except SchemaError as exc:
                return LevelVote(None, exc.reason, end + 1)
            return LevelVote(out.suggested_disposition, None, end + 1)
        if closed:
            return LevelVote(None, "no_suggestion", end + 1)
    return None


def decide_level(raw: str | None, prefill: str = "") -> LevelVote | None:
    """The model's level vote, or None while ``raw`` has not settled it yet.

    The vote depends only on the answer up to the end of its ``suggested_disposition`` pair
    (or the first pair that makes it unreadable): a backend that keeps generating until
    this returns non-None, and only then lets the deadline stop it, gives the same vote
    whatever the load — and what the model writes afterwards (its facts, its sentence)
    can change the phrasing but never the level. Same readings of ``raw`` as
    ``parse_llm_json`` (continuation of the prefill, or a whole answer)."""
    if not raw:
        return None
    if prefill and not raw.lstrip().startswith("{"):
        return _vote_in(prefill + raw)
    return _vote_in(raw)


def level_settled(raw: str, prefill: str = "") -> bool:
    """True once ``raw`` holds everything the level vote depends on."""
    return decide_level(raw, prefill) is not None


def rank(disposition: str | None) -> int:
    """-1 for None, else position in DISPOSITIONS (higher = more urgent)."""
    if disposition is None:
        return -1
    return DISPOSITIONS.index(disposition)


def coerce_disposition(value: object) -> str | None:
    """Accept a string or an Enum (``.value``) from the rules engine."""
    if value is None:
        return None
    value = getattr(value, "value", value)
    norm = normalize_disposition(value)
    if norm not in DISPOSITIONS:
        raise ValueError(f"unknown disposition {value!r}")
    return norm
