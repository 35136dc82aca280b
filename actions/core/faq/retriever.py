"""Find the FAQ entry that answers a patient's question — or say that none safely does.

Pure Python, no model (hybrid.py confirms its answers with sentence embeddings). Each entry is
indexed from its question and alternates (full weight), keywords (0.8), page title (0.5) and
answer (0.25), after the same normalisation as the query:

1. text: lower case, accents and apostrophes dropped, multi-word synonyms joined
   (data/faq/_synonyms.yml: "blue cross" -> bluecross, "how long" -> howlong);
2. words: SMS shorthand and synonyms mapped ("appt" -> appointment, "meds" -> medication),
   stop words dropped, unknown words corrected to a known word one typo away (two for long
   words, same first letter: "perscripton", "insurence"), then a small suffix stemmer;
3. four similarities, each in 0..1: TF-IDF cosine with the closest single question or alternate
   (0.30), with the entry as a whole (0.20), the share of the query's information the entry's
   questions and keywords cover (0.40), and a character-trigram cosine for typos and word forms
   the stemmer misses (0.10). Words the knowledge base has never seen still count in the query's
   length, so "do you do acupuncture" is a weak match everywhere.

Confident = score >= 0.45, margin over the runner-up >= 0.10 and coverage >= 0.75: a wrong answer
said with confidence is worse for a patient than "I'm not sure, let me get you a person".
The synonyms file is read from DEFAULT_FAQ_DIR whatever entries are given.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.core.faq.knowledge import DEFAULT_FAQ_DIR, FaqEntry
from actions.core.text_distance import damerau_levenshtein as _edit_distance

SYNONYMS_FILE = "_synonyms.yml"

# Field weights of an entry's document vector: what staff wrote as questions counts fully; the
# answer only lightly (it mentions other topics in passing, e.g. the portal or the phone number).
W_QUESTION = 1.0
W_KEYWORD = 0.8
W_PAGE = 0.5
W_ANSWER = 0.25

# Blend of the four similarity scores (sums to 1, so the score stays in 0..1).
MIX_SENTENCE = 0.30
MIX_DOCUMENT = 0.20
MIX_COVERAGE = 0.40
MIX_CHAR = 0.10

# Confident = safe to answer without a person. Tuned on tests/core/faq/dev_questions.yml so that
# a wrong confident answer is rarer than a "not sure"; see test_heldout_faq.py for the figures.
CONFIDENT_SCORE = 0.45
CONFIDENT_MARGIN = 0.10

# The entry's questions must explain most of what the patient asked ("can I bring my dog" is only
# half explained by "what to bring").
CONFIDENT_COVERAGE = 0.75
# A word the query has and the knowledge base never uses counts this much in the query's length.
UNKNOWN_WORD_IDF_FACTOR = 1.0
# Typo-corrected words count a little less than exact ones.
FUZZY_WEIGHT = 0.7


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry | None  # best entry, None when nothing matched at all
    score: float  # 0..1
    margin: float  # best minus runner-up
    confident: bool  # True only when safe to answer without a person


# ---------------------------------------------------------------------------------------------
# Text normalisation


def _fold(text: str) -> str:
    """Lower case, accents and apostrophes dropped ("don't" -> dont, "español" -> espanol)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’‘`´]", "", text)
    return " ".join(text.split())


_WORD_RE = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A deliberately small suffix stemmer: plurals, -ing, -ed, -ation, a final e.

    Over-stemming joins unrelated words and then answers the wrong question; this only removes
    what is almost always an inflection, and leaves short words alone.
    """
    w = word
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ations", "ation", "ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # running -> run, getting -> get
            elif suffix.startswith("ation") and w.endswith("ll"):
                w = w[:-1]  # cancellation -> cancel
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]  # change/changed/changing -> chang
    return w


def _strings(values: object, path: Path, field: str) -> list[str]:
    """Folded strings; anything else is a staff typo worth a clear error (YAML reads a bare
    yes/no/on/off as a boolean, which would silently never match)."""
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{path.name}: '{field}' must be a list of words (quote yes/no/on/off)")
    return [_fold(v) for v in values]


def _pairs(mapping: object, path: Path, field: str) -> list[tuple[str, str]]:
    if mapping is None:
        return []
    if not isinstance(mapping, dict):
        raise ValueError(f"{path.name}: '{field}' must map a word to its variants")
    return [(_fold(str(canonical)), variant)
            for canonical, variants in mapping.items()
            for variant in _strings(variants, path, f"{field}: {canonical}")]


@dataclass(frozen=True)
class Lexicon:
    """The staff-edited synonym data, compiled."""

    phrase_re: re.Pattern | None
    phrase_map: dict[str, str]
    word_map: dict[str, str]
    stop_words: frozenset[str]

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = data or {}
        phrase_map = {variant: canonical
                      for canonical, variant in _pairs(data.get("phrases"), path, "phrases")}
        word_map = {variant: canonical
                    for canonical, variant in _pairs(data.get("words"), path, "words")}
        stop_words = frozenset(_strings(data.get("stop_words"), path, "stop_words"))
        phrase_re = None
        if phrase_map:
            alts = "|".join(re.escape(p) for p in sorted(phrase_map, key=len, reverse=True))
            phrase_re = re.compile(rf"(?<![a-z0-9])(?:{alts})(?![a-z0-9])")
        return cls(phrase_re, phrase_map, word_map, stop_words)

    def words(self, text: str) -> list[str]:
        """Folded words with phrases joined and single-word synonyms mapped (no stemming)."""
        folded = _fold(text)
        if self.phrase_re is not None:
            folded = self.phrase_re.sub(lambda m: f" {self.phrase_map[m.group(0)]} ", folded)
        out: list[str] = []
        for raw in _WORD_RE.findall(folded):
            word = self.word_map.get(raw, raw)
            out.append(word)
        return out


# ---------------------------------------------------------------------------------------------
# Vectors


def _norm(vec: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vec.values()))


def _char_grams(words: list[str]) -> Counter:
    grams: Counter = Counter()
    for w in words:
        padded = f" {w} "
        for i in range(len(padded) - 2):
            grams[padded[i: i + 3]] += 1
    return grams


@dataclass(frozen=True)
class Scored:
    score: float  # 0..1, the blend of the four similarities
    index: int  # position in the retriever's entries
    coverage: float  # share (0..1) of the query's information found in the entry's questions


@dataclass
class _Analysed:
    terms: dict[str, float]  # stem -> weight (fuzzy matches weigh less)
    missing: float  # squared information of words the knowledge base cannot explain
    surface: list[str]  # content words before stemming (for character n-grams)


class FaqRetriever:
    def __init__(self, entries: list[FaqEntry]) -> None:
        self.entries = list(entries)
        self.lexicon = Lexicon.load(DEFAULT_FAQ_DIR / SYNONYMS_FILE)
        self._corrections: dict[str, str | None] = {}
        self._build()

    # -- index ------------------------------------------------------------------------------

    def _content(self, text: str) -> list[str]:
        return [w for w in self.lexicon.words(text) if w not in self.lexicon.stop_words]

    def _build(self) -> None:
        n = len(self.entries)
        fields: list[list[tuple[list[str], float]]] = []
        sentences: list[tuple[int, list[str]]] = []
        known_surface: set[str] = set()
        for idx, e in enumerate(self.entries):
            per: list[tuple[list[str], float]] = []
            for text in (e.question, *e.alternates):
                words = self._content(text)
                per.append((words, W_QUESTION))
                sentences.append((idx, words))
            for kw in e.keywords:
                per.append((self._content(kw), W_KEYWORD))
            per.append((self._content(e.page), W_PAGE))
            per.append((self._content(e.answer), W_ANSWER))
            fields.append(per)
            for words, _ in per:
                known_surface.update(words)
        # Words a patient may type that map onto the index: the surface forms and their variants.
        known_surface.update(self.lexicon.word_map)
        known_surface.update(self.lexicon.word_map.values())
        self._known_surface = frozenset(w for w in known_surface if not w.isdigit())
        by_first: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self._known_surface):
            if len(w) >= 3:
                by_first[w[0]].append(w)
        self._by_first = dict(by_first)

        # Document frequency over entries. A word only in an entry's answer or page title counts
        # a quarter: answers repeat the phone number and the portal everywhere, which would
        # otherwise make "call" or "portal" look meaningless in a question.
        df: Counter = Counter()
        for per in fields:
            strong = {stem(w) for words, weight in per if weight >= W_KEYWORD for w in words}
            weak = {stem(w) for words, weight in per if weight < W_KEYWORD for w in words}
            df.update({t: 1.0 for t in strong})
            df.update({t: 0.25 for t in weak - strong})
        self._idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
        self._unknown_idf = (math.log(n + 1) + 1.0) * UNKNOWN_WORD_IDF_FACTOR

        # Entry document vectors (sublinear tf, field-weighted) and the entry's question vocabulary.
        self._doc_vecs: list[dict[str, float]] = []
        self._question_vocab: list[frozenset[str]] = []
        for per in fields:
            tf: dict[str, float] = defaultdict(float)
            vocab: set[str] = set()
            for words, weight in per:
                for w in words:
                    t = stem(w)
                    tf[t] += weight
                    if weight >= W_KEYWORD:
                        vocab.add(t)
            vec = {t: (1 + math.log(v)) * self._idf[t] if v >= 1 else v * self._idf[t]
                   for t, v in tf.items()}
            self._doc_vecs.append(vec)
            self._question_vocab.append(frozenset(vocab))
        self._doc_norms = [_norm(v) or 1.0 for v in self._doc_vecs]
        self._doc_index = self._invert(self._doc_vecs)

        # Sentence vectors (question and each alternate) and their character trigrams.
        self._sent_entry = [idx for idx, _ in sentences]
        self._sent_vecs = []
        char_vecs_raw: list[Counter] = []
        for _, words in sentences:
            sent_vec: dict[str, float] = defaultdict(float)
            for w in words:
                sent_vec[stem(w)] += self._idf[stem(w)]
            self._sent_vecs.append(dict(sent_vec))
            char_vecs_raw.append(_char_grams(words))
        self._sent_norms = [_norm(v) or 1.0 for v in self._sent_vecs]
        self._sent_index = self._invert(self._sent_vecs)
        gdf: Counter = Counter()
        for grams in char_vecs_raw:
            gdf.update(grams.keys())
        m = len(char_vecs_raw)
        self._gram_idf = {g: math.log((m + 1) / (c + 1)) + 1.0 for g, c in gdf.items()}
        self._gram_unknown_idf = math.log(m + 1) + 1.0
        self._char_vecs = [{g: c * self._gram_idf[g] for g, c in grams.items()}
                           for grams in char_vecs_raw]
        self._char_norms = [_norm(v) or 1.0 for v in self._char_vecs]
        self._char_index = self._invert(self._char_vecs)

    @staticmethod
    def _invert(vecs: list[dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
        index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, vec in enumerate(vecs):
            for t, v in vec.items():
                index[t].append((i, v))
        return dict(index)

    # -- query ------------------------------------------------------------------------------

    def _correct(self, word: str) -> str | None:
        """The known word one typo away (two for long words), same first letter; else None."""
        if word in self._corrections:
            return self._corrections[word]
        fixed = self._nearest(word)
        if len(self._corrections) < 10_000:  # bounded: patients' typos are unbounded
            self._corrections[word] = fixed
        return fixed

    def _nearest(self, word: str) -> str | None:
        if len(word) < 4 or word.isdigit():
            return None
        limit = 1 if len(word) <= 6 else 2
        best: tuple[int, int, str] | None = None
        for cand in self._by_first.get(word[0], ()):
            if abs(len(cand) - len(word)) > limit:
                continue
            d = _edit_distance(word, cand, limit)
            if d <= limit:
                key = (d, -len(cand), cand)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def _analyse(self, text: str) -> _Analysed:
        terms: dict[str, float] = defaultdict(float)
        missing = 0.0
        surface: list[str] = []
        for w in self._content(text):
            weight = 1.0
            if w not in self._known_surface and stem(w) not in self._idf:
                fixed = self._correct(w)
                if fixed is None:
                    missing += self._unknown_idf ** 2
                    surface.append(w)
                    continue
                w = self.lexicon.word_map.get(fixed, fixed)
                if w in self.lexicon.stop_words:
                    continue
                weight = FUZZY_WEIGHT
            surface.append(w)
            t = stem(w)
            if t not in self._idf:
                missing += self._unknown_idf ** 2
                continue
            if weight > terms.get(t, 0.0):
                terms[t] = weight
        # A corrected word is only probably what the patient meant ("massage" may mean a
        # massage): the part of its information it does not match counts as unexplained.
        missing += sum((1.0 - w * w) * self._idf[t] ** 2 for t, w in terms.items())
        return _Analysed(dict(terms), missing, surface)

    def components(self, text: str) -> dict[int, tuple[float, float, float, float]]:
        """Per entry with any overlap: (sentence, document, coverage, character) similarities."""
        a = self._analyse(text)
        if not a.terms:
            return {}
        q = {t: w * self._idf[t] for t, w in a.terms.items()}
        total_info = sum(v * v for v in q.values()) + a.missing
        q_norm = math.sqrt(total_info)

        doc = self._cosines(q, q_norm, self._doc_index, self._doc_norms)
        sent = self._best_per_entry(self._cosines(q, q_norm, self._sent_index, self._sent_norms))
        grams = _char_grams(a.surface)
        gq = {g: c * self._gram_idf.get(g, self._gram_unknown_idf) for g, c in grams.items()}
        char = self._best_per_entry(
            self._cosines(gq, _norm(gq) or 1.0, self._char_index, self._char_norms))

        out: dict[int, tuple[float, float, float, float]] = {}
        for e in set(doc) | set(sent):
            vocab = self._question_vocab[e]
            covered = sum(v * v for t, v in q.items() if t in vocab)
            out[e] = (sent.get(e, 0.0), doc.get(e, 0.0), math.sqrt(covered / total_info),
                      char.get(e, 0.0))
        return out

    def scores(self, text: str) -> list[Scored]:
        """Every entry with any overlap, best first."""
        out = [
            Scored(min(1.0, MIX_SENTENCE * s + MIX_DOCUMENT * d + MIX_COVERAGE * c + MIX_CHAR * g),
                   e, c)
            for e, (s, d, c, g) in self.components(text).items()
        ]
        out.sort(key=lambda x: (-x.score, x.index))
        return out

    def _best_per_entry(self, per_sentence: dict[int, float]) -> dict[int, float]:
        best: dict[int, float] = defaultdict(float)
        for s, v in per_sentence.items():
            e = self._sent_entry[s]
            best[e] = max(best[e], v)
        return best

    @staticmethod
    def _cosines(q: dict[str, float], q_norm: float, index: dict[str, list[tuple[int, float]]],
                 norms: list[float]) -> dict[int, float]:
        dots: dict[int, float] = defaultdict(float)
        for t, qv in q.items():
            for i, v in index.get(t, ()):
                dots[i] += qv * v
        return {i: d / (q_norm * norms[i]) for i, d in dots.items()}

    def match(self, text: str) -> FaqMatch:
        ranked = self.scores(text)
        if not ranked:
            return FaqMatch(entry=None, score=0.0, margin=0.0, confident=False)
        best = ranked[0]
        margin = best.score - (ranked[1].score if len(ranked) > 1 else 0.0)
        confident = (best.score >= CONFIDENT_SCORE and margin >= CONFIDENT_MARGIN
                     and best.coverage >= CONFIDENT_COVERAGE)
        return FaqMatch(entry=self.entries[best.index], score=round(best.score, 4),
                        margin=round(margin, 4), confident=confident)
