"""Skip lexicon regexes that cannot match a text, without changing what matches.

Each of the lexicon's several hundred regexes used to scan every message, so a long message cost
about 12 ms per 1,000 characters in regexes alone, almost all of it on patterns that could not
match. A regex can only match if certain literal strings occur in the text: ``{part}ache`` needs
"ache", a body-part pain pattern needs one of that body part's names. This module reads those
required strings out of each compiled pattern (Python's own regex parser) and, per text, runs only
the patterns whose required strings are all present. A pattern whose requirements cannot be read
safely (case-insensitive flags, back-references) gets none and always runs, so the filter can only
skip work, never a match.
"""

from __future__ import annotations

# re._parser is the parser behind ``re`` (Python 3.11+; node names unchanged since sre_parse).
# Should it ever change shape, tests/nlp/test_nlp_prefilter.py fails rather than a match going
# missing: every lexicon pattern is checked against texts it matches.
import re
import re._constants as _c  # type: ignore[import-not-found]
import re._parser as _parser  # type: ignore[import-not-found]
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# A clause is "one of these strings occurs in the text"; a pattern's requirement is a conjunction
# of clauses. Clauses with a very short string are dropped: they filter nothing and cost a scan.
Clause = frozenset[str]
MIN_LITERAL = 3
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)


def _clauses(items: Iterable[tuple[Any, Any]]) -> list[Clause]:
    """Clauses that every match of the node sequence ``items`` satisfies (possibly none)."""
    out: list[Clause] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(frozenset(("".join(run),)))
            run.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            run.append(chr(arg))
            continue
        flush()
        if op is _c.BRANCH:
            alternatives = [_best(alt) for alt in arg[1]]
            if all(alt is not None for alt in alternatives):
                out.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = arg
            if not add_flags & re.IGNORECASE:
                out.extend(_clauses(sub))
        elif op in _REPEATS:
            low, _high, sub = arg
            if low >= 1:
                out.extend(_clauses(sub))
        elif op is _c.ASSERT:  # a lookahead / lookbehind that must hold: its text is in the text
            out.extend(_clauses(arg[1]))
        elif _ATOMIC is not None and op is _ATOMIC:
            out.extend(_clauses(arg))
        # Anything else (classes, any-char, anchors, negative lookarounds, back-references)
        # requires no particular string.
    flush()
    return out


def _best(items: Iterable[tuple[Any, Any]]) -> Clause | None:
    """The most selective single clause of a sequence (for one alternative of a branch)."""
    candidates = _clauses(items)
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


def required_literals(pattern: re.Pattern[str]) -> tuple[Clause, ...]:
    """Conditions a text must meet for ``pattern`` to match anywhere in it: for every clause, one
    of its strings is a substring of the text. Empty means "no known condition: always run"."""
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return ()
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - a compiled pattern always re-parses
        return ()
    clauses = {c for c in _clauses(parsed) if min(map(len, c)) >= MIN_LITERAL}
    return tuple(sorted(clauses, key=lambda c: (len(c), sorted(c))))


@dataclass(frozen=True)
class _Entry:
    label: str
    pattern: re.Pattern[str]
    clauses: tuple[Clause, ...]


def _trigrams(text: str) -> set[str]:
    return set(map("".join, zip(text, text[1:], text[2:], strict=False)))


class PatternIndex:
    """Labelled regexes in a fixed order, with the strings each one needs."""

    def __init__(self, patterns: Iterable[tuple[str, re.Pattern[str]]]) -> None:
        self._entries: Sequence[_Entry] = tuple(
            _Entry(label, pattern, required_literals(pattern)) for label, pattern in patterns)
        self._always = tuple(i for i, e in enumerate(self._entries) if not e.clauses)
        # Every required string, filed under its first three characters with all its
        # three-character windows: one pass over a text collects the text's windows, and only a
        # string whose windows are all there is searched for. Each string also knows which
        # (pattern, clause) it satisfies.
        satisfies: dict[str, list[tuple[int, int]]] = {}
        for i, entry in enumerate(self._entries):
            for j, clause in enumerate(entry.clauses):
                for lit in clause:
                    satisfies.setdefault(lit, []).append((i, j))
        by_head: dict[str, list[tuple[str, frozenset[str], tuple[tuple[int, int], ...]]]] = {}
        for lit in sorted(satisfies):
            by_head.setdefault(lit[:MIN_LITERAL], []).append(
                (lit, frozenset(_trigrams(lit)), tuple(satisfies[lit])))
        self._by_head = {head: tuple(items) for head, items in by_head.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def candidates(self, text: str) -> Iterator[tuple[str, re.Pattern[str]]]:
        """(label, pattern) of every pattern that can match ``text``, in the original order."""
        windows = _trigrams(text)
        met: dict[int, set[int]] = {}
        for head in windows.intersection(self._by_head):
            for lit, needs, satisfied in self._by_head[head]:
                if needs <= windows and lit in text:
                    for i, j in satisfied:
                        met.setdefault(i, set()).add(j)
        chosen = [i for i, clauses in met.items() if len(clauses) == len(self._entries[i].clauses)]
        for i in sorted((*chosen, *self._always)):
            yield self._entries[i].label, self._entries[i].pattern

    def finditer(self, text: str) -> Iterator[tuple[str, re.Match[str]]]:
        """Every match of every pattern, in the original pattern order (as a plain loop would)."""
        for label, pattern in self.candidates(text):
            for match in pattern.finditer(text):
                yield label, match


__all__ = ["MIN_LITERAL", "PatternIndex", "required_literals"]
