"""Build the symptom-extraction spaCy pipeline once per process.

blank("en") + sentencizer + spelling/shorthand normaliser + scispacy AbbreviationDetector + lexicon
matcher (PhraseMatcher on LOWER and on corrected NORM, case-sensitive abbreviations, regexes) +
medspacy ConText (negation / family history / hypothetical / historical).

No model download is needed or allowed: everything comes from data/triage/*.yml.
"""

from __future__ import annotations

import logging
import threading
import warnings
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

from actions.nlp.fuzzy import SpellingCorrector
from actions.nlp.lexicon import (
    DEFAULT_CONTEXT_RULES,
    DEFAULT_LEXICON,
    Lexicon,
    load_context_rules,
    load_lexicon,
)
from actions.nlp.prefilter import PatternIndex

# PyRuSH / medspacy log every sentence at DEBUG through loguru and logging; patients' words must not
# end up in logs, and the noise hides real problems.
for _name in ("PyRuSH", "medspacy", "scispacy"):
    logging.getLogger(_name).setLevel(logging.WARNING)
try:  # loguru is a medspacy dependency; silence it for PyRuSH only if present.
    from loguru import logger as _loguru

    _loguru.disable("PyRuSH")
except ImportError:  # pragma: no cover
    pass

import medspacy  # noqa: E402, F401  registers its Span extensions
import scispacy.abbreviation  # noqa: E402  registers "abbreviation_detector"
import spacy  # noqa: E402  (after logging is silenced)
from medspacy.context import ConText, ConTextRule  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.matcher import Matcher, PhraseMatcher  # noqa: E402
from spacy.tokens import Doc, Span, Token  # noqa: E402
from spacy.util import filter_spans  # noqa: E402

from actions.nlp.context_runner import SentenceContext  # noqa: E402  (imports medspacy)

# scispacy's AbbreviationDetector warns on every doc that its (unused) global matcher is empty.
warnings.filterwarnings("ignore", message=r".*\[W036\].*")

_BUILD_LOCK = threading.Lock()
SPAN_GROUP = "triage_findings"  # overlapping concept spans; doc.ents cannot hold overlaps

if not Token.has_extension("corrected"):
    Token.set_extension("corrected", default=None)
if not Doc.has_extension("norm_text"):
    Doc.set_extension("norm_text", default="")
if not Doc.has_extension("norm_offsets"):
    Doc.set_extension("norm_offsets", default=())


def normalized_text(doc: Doc) -> tuple[str, tuple[int, ...]]:
    """Lower-cased message with spelling fixes applied, and each token's start offset in it.

    Regexes run over this string so that "chest pian" and "bby" match like "chest pain" and "baby".
    """
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for tok in doc:
        word = tok._.corrected or tok.lower_
        starts.append(pos)
        parts.append(word + tok.whitespace_)
        pos += len(word) + len(tok.whitespace_)
    return "".join(parts), tuple(starts)


class SpellingComponent:
    """Rewrites NORM (and token._.corrected) for shorthand and misspelled symptom words."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.corrector = SpellingCorrector(lexicon.vocabulary(), lexicon.shorthand)

    def __call__(self, doc: Doc) -> Doc:
        # One pass builds normalized_text(doc) too (reading token._ back is slow on long texts).
        parts: list[str] = []
        starts: list[int] = []
        pos = 0
        for tok in doc:
            word = tok.lower_
            fixed = self.corrector.correct(word)
            if fixed and fixed != word:
                tok._.corrected = fixed
                tok.norm_ = fixed
                word = fixed
            space = tok.whitespace_
            starts.append(pos)
            parts.append(word + space)
            pos += len(word) + len(space)
        doc._.norm_text, doc._.norm_offsets = "".join(parts), tuple(starts)
        return doc


class LexiconMatcher:
    """Turns lexicon concepts into doc.ents (label = concept id); the most specific span wins."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.abbr = Matcher(nlp.vocab)
        # Long forms of abbreviations, so "shortness of breath (SOB)" teaches us what "SOB"
        # means here.
        self.phrase_to_concept: dict[str, str] = {}
        # Only the regexes whose required words occur in a text are run on it (same matches).
        self.patterns = PatternIndex(
            (concept.id, pattern) for concept in lexicon.concepts.values()
            for pattern in concept.patterns)
        for concept in lexicon.concepts.values():
            docs = [nlp.make_doc(p) for p in concept.phrases]
            if docs:
                self.lower.add(concept.id, docs)
                self.norm.add(concept.id, docs)
            for abbr in concept.abbr:
                toks = nlp.make_doc(abbr)
                self.abbr.add(concept.id, [[{"ORTH": t.text} for t in toks]])
            for phrase in concept.phrases:
                self.phrase_to_concept.setdefault(phrase.lower(), concept.id)

    def _regex_spans(self, doc: Doc) -> list[Span]:
        text: str = doc._.norm_text
        starts: tuple[int, ...] = doc._.norm_offsets
        if not starts:
            return []
        spans: list[Span] = []
        for concept_id, m in self.patterns.finditer(text):
            first = bisect_right(starts, m.start()) - 1
            last = bisect_right(starts, max(m.end() - 1, m.start())) - 1
            if first < 0 or last < first:
                continue
            spans.append(Span(doc, first, last + 1, label=concept_id))
        return spans

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for matcher in (self.lower, self.norm, self.abbr):
            for match_id, start, end in matcher(doc):
                spans.append(Span(doc, start, end, label=doc.vocab.strings[match_id]))
        spans.extend(self._regex_spans(doc))
        for abbr in getattr(doc._, "abbreviations", []) or []:
            long_form = abbr._.long_form
            concept = self.phrase_to_concept.get(long_form.text.lower()) if long_form else None
            if concept:
                for i in range(len(doc) - len(abbr) + 1):
                    if doc[i : i + len(abbr)].text == abbr.text:
                        spans.append(Span(doc, i, i + len(abbr), label=concept))
        # A span inside a longer one is dropped ("worst headache of my life" absorbs "headache"; the
        # idiom "is killing me" absorbs any crisis reading), but partly overlapping spans of
        # different concepts are both kept ("drain cleaner splashed on" + "... into my eye").
        crisis = {c.id for c in self.lexicon.concepts.values() if c.category == "crisis"}
        idioms = {c.id for c in self.lexicon.concepts.values() if c.category == "idiom"}
        kept = _drop_contained(_dedupe(spans), protected=crisis, absorbers=crisis | idioms)
        doc.spans[SPAN_GROUP] = kept
        doc.ents = filter_spans(kept)
        return doc


def _drop_contained(
    spans: list[Span],
    protected: set[str] | frozenset[str] = frozenset(),
    absorbers: set[str] | frozenset[str] = frozenset(),
) -> list[Span]:
    """Drop spans inside longer ones. A `protected` (crisis) span survives inside a longer symptom
    span ("cut my wrist too deep" inside "... and it won't stop bleeding"): only an `absorbers` span
    (an idiom or another crisis phrase) may swallow it."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        inside = [k for k in kept if k.start <= span.start and span.end <= k.end]
        if not inside or (
            span.label_ in protected and not any(k.label_ in absorbers for k in inside)
        ):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))


def _dedupe(spans: list[Span]) -> list[Span]:
    seen: dict[tuple[int, int], Span] = {}
    for span in spans:
        key = (span.start, span.end)
        # Same extent, different concepts: keep a crisis/red-flag-bearing label deterministically by
        # preferring the first registered.
        seen.setdefault(key, span)
    return list(seen.values())


def _context_rules(raw_rules: tuple[dict, ...]) -> list[ConTextRule]:
    rules: list[ConTextRule] = []
    for raw in raw_rules:
        category = str(raw["category"]).upper()
        terminated_by = set(raw.get("terminated_by") or [])
        if category in {"NEGATED_EXISTENCE", "FAMILY", "HISTORICAL"}:
            terminated_by.add("NEW_CLAUSE")
        direction = str(raw.get("direction", "BIDIRECTIONAL")).upper()
        max_scope = raw.get("max_scope")
        if direction in {"TERMINATE", "PSEUDO"} and max_scope is None:
            # medspacy's tuple_overlaps() does not count containment as overlap, so a terminator
            # whose scope is the whole sentence never cuts a negation's scope. A 1-token scope
            # always does.
            max_scope = 1
        rules.append(
            ConTextRule(
                literal=str(raw["literal"]),
                category=category,
                pattern=raw.get("pattern"),
                direction=direction,
                max_scope=max_scope,
                terminated_by=terminated_by or None,
            )
        )
    return rules


def build_pipeline(
    lexicon_path: str | Path = DEFAULT_LEXICON, context_path: str | Path = DEFAULT_CONTEXT_RULES
) -> Language:
    lexicon = load_lexicon(lexicon_path)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    spelling = SpellingComponent(lexicon)
    matcher = LexiconMatcher(nlp, lexicon)

    @Language.component("triage_spelling_" + str(id(spelling)))
    def _spelling(doc: Doc) -> Doc:
        return spelling(doc)

    @Language.component("triage_lexicon_" + str(id(matcher)))
    def _lexicon(doc: Doc) -> Doc:
        return matcher(doc)

    nlp.add_pipe("triage_spelling_" + str(id(spelling)), name="triage_spelling")
    # spaCy types add_pipe's result as a bare Doc -> Doc callable; these are the component objects.
    abbreviations: scispacy.abbreviation.AbbreviationDetector = nlp.add_pipe(
        "abbreviation_detector")
    # Its global matcher is unused here but warns (W036) on every doc while empty.
    abbreviations.global_matcher.add("_unused", [[{"ORTH": "\u2063unused\u2063"}]])
    # A definition needs a "(" token ("shortness of breath (SOB)"); without one the detector finds
    # nothing, so a text without "(" skips its two matchers (about 1 ms per 4,000 characters).
    @Language.component("triage_abbreviations_" + str(id(abbreviations)))
    def _abbreviations(doc: Doc) -> Doc:
        return abbreviations(doc) if "(" in doc.text else doc

    nlp.replace_pipe("abbreviation_detector", "triage_abbreviations_" + str(id(abbreviations)))
    nlp.add_pipe("triage_lexicon_" + str(id(matcher)), name="triage_lexicon")
    # prune_on_target_overlap: a trigger inside a symptom phrase ("better off WITHOUT me",
    # "DON'T want to live") must not negate that phrase.
    context = ConText(nlp, rules=None, prune_on_target_overlap=True, input_span_type="group",
                      span_group_name=SPAN_GROUP)
    context.add(_context_rules(load_context_rules(context_path)))
    # Same results as ConText's own __call__, found faster (actions/nlp/context_runner.py).
    runner = SentenceContext(context, nlp.vocab, SPAN_GROUP)

    @Language.component("triage_context_" + str(id(runner)))
    def _context(doc: Doc) -> Doc:
        return runner(doc)

    nlp.add_pipe("triage_context_" + str(id(runner)), name="medspacy_context")
    return nlp


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    """The process-wide pipeline (built on first use; about a second)."""
    with _BUILD_LOCK:
        return build_pipeline()


def lexicon_regex_check(text: str) -> list[tuple[str, str]]:
    """Debug helper: which concepts' regexes match a raw text (no ConText)."""
    lexicon = load_lexicon()
    out: list[tuple[str, str]] = []
    low = text.lower()
    for concept in lexicon.concepts.values():
        for pattern in concept.patterns:
            out.extend((concept.id, m.group(0)) for m in pattern.finditer(low))
    return out


__all__ = ["SPAN_GROUP", "build_pipeline", "get_pipeline", "lexicon_regex_check", "normalized_text"]
