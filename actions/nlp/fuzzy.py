"""Spelling correction toward the symptom vocabulary.

Why so conservative: a "corrected" ordinary word can invent a symptom ("swearing" -> "sweating").
So a token is only corrected when it is NOT a known English word (pyspellchecker's offline frequency
list, shipped inside the wheel) and is within a small edit distance of exactly one best
lexicon word.
"""

from __future__ import annotations

from functools import lru_cache

from actions.core.text_distance import damerau_levenshtein

try:
    from spellchecker import SpellChecker as _SpellChecker

    SpellChecker: type[_SpellChecker] | None = _SpellChecker
except ImportError:  # pragma: no cover - the guard just becomes the lexicon itself
    SpellChecker = None


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    if SpellChecker is None:  # pragma: no cover
        return frozenset()
    checker = SpellChecker(distance=1)
    return frozenset(checker.word_frequency.keys())


# Function words are never the intended target of a typo fix ("thrat" is "throat", not "that").
_FUNCTION_WORDS = frozenset(
    "that this than then them they their there these those with what when where which while will "
    "would could should have from into onto over just like some very really been were your about "
    "after before again also only even still much more most does done make made said feel feels "
    "felt going gone come came back down well here each other such".split()
)


class SpellingCorrector:
    def __init__(self, vocabulary: set[str], shorthand: dict[str, str] | None = None) -> None:
        self.vocabulary = frozenset(vocabulary) - _FUNCTION_WORDS
        self.shorthand = dict(shorthand or {})
        self.english = _english_words()
        self._by_len: dict[int, list[str]] = {}
        for word in self.vocabulary:
            self._by_len.setdefault(len(word), []).append(word)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """Return the replacement for a lower-case token, or None to leave it alone."""
        if word in self.shorthand:
            return self.shorthand[word]
        if word in self._cache:
            return self._cache[word]
        result = self._fuzzy(word)
        self._cache[word] = result
        return result

    def _fuzzy(self, word: str) -> str | None:
        if len(word) < 4 or not word.isalpha() or word in self.vocabulary or word in self.english:
            return None
        limit = 1 if len(word) <= 6 else 2
        best: list[tuple[int, str]] = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            for cand in self._by_len.get(length, ()):
                # First letters rarely go wrong in typos; requiring them keeps false fixes down.
                if cand[0] != word[0] and not (len(word) > 6 and cand[1:3] == word[1:3]):
                    continue
                dist = damerau_levenshtein(word, cand, limit)
                if dist <= limit:
                    best.append((dist, cand))
        if not best:
            return None
        best.sort()
        # Two equally close candidates -> ambiguous, leave the word alone.
        if len(best) > 1 and best[0][0] == best[1][0]:
            return None
        return best[0][1]
