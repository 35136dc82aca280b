"""Paraphrase-tolerant findings: patients' clauses compared with lay phrasings of each finding.

The lexicon needs the words; "it feels like an elephant is sitting on my chest" has none of
them. Each clause of the message (a sentence cut at commas, semicolons, "and", "but", "so")
in which the lexicon found nothing is embedded with all-MiniLM-L6-v2 and compared with
data/triage/semantic_examples.yml; the closest finding is added when the cosine reaches
THRESHOLD. It only ever ADDS findings: the lexicon's stay as they are.

ConText still decides what the finding means: the added finding is a span on the clause's last
word, and medspacy ConText runs over it exactly as over a lexicon finding, so "no", "my mum
had", "what if" before it negate it, make it family history or hypothetical.

THRESHOLD was calibrated on tests/triage_eval/dev_cases.csv and robustness_cases.csv (see
docs/architecture.md, section 8). Off by default; TRIAGE_SEMANTIC=1 turns it on.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Doc, Span

from actions.core.semantic import ExampleIndex, SentenceEncoder
from actions.nlp.lexicon import REPO_ROOT, load_lexicon

log = logging.getLogger(__name__)

DEFAULT_EXAMPLES = REPO_ROOT / "data" / "triage" / "semantic_examples.yml"
THRESHOLD = 0.72
MAX_CLAUSES = 16  # per piece of text: a pasted history costs at most this many clauses a piece
MIN_WORDS = 2
_CUT_WORDS = frozenset({"and", "but", "so", "then", "plus", "also", "because", "cause", "cuz"})
_CUT_PUNCT = frozenset({",", ";", ":", "-", "—", "(", ")"})


def load_examples(path: Path = DEFAULT_EXAMPLES) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    concepts = load_lexicon().concepts
    out: dict[str, list[str]] = {}
    for concept, phrases in data.items():
        if concept not in concepts:
            raise ValueError(f"{path.name}: unknown concept {concept!r}")
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ValueError(f"{path.name}: {concept} must be a list of phrases")
        out[str(concept)] = [" ".join(p.split()) for p in phrases]
    return out


def clauses(doc: Doc) -> list[Span]:
    """Sentences cut at commas, semicolons and joining words, in order."""
    out: list[Span] = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.lower_ in _CUT_WORDS or tok.text in _CUT_PUNCT:
                if tok.i > start:
                    out.append(doc[start: tok.i])
                start = tok.i + 1
        if sent.end > start:
            out.append(doc[start: sent.end])
    return [c for c in out if sum(t.is_alpha for t in c) >= MIN_WORDS]


class SemanticFindings:
    def __init__(self, encoder: SentenceEncoder, examples: dict[str, list[str]],
                 fixed_encode: object = None, threshold: float = THRESHOLD) -> None:
        labels = [c for c, phrases in examples.items() for _ in phrases]
        texts = [p for phrases in examples.values() for p in phrases]
        encode = fixed_encode if callable(fixed_encode) else encoder.encode
        self.encoder = encoder
        self.index = ExampleIndex(labels, encode(texts))
        self.threshold = threshold

    def scored(self, doc: Doc, existing: list[Span]) -> list[tuple[Span, str, float]]:
        """(clause, closest concept, cosine) for each clause the lexicon left empty."""
        taken = {i for span in existing for i in range(span.start, span.end)}
        todo = [c for c in clauses(doc) if not any(t.i in taken for t in c)][:MAX_CLAUSES]
        if not todo:
            return []
        sims = self.index.per_label(self.encoder.encode([c.text for c in todo]))
        names = self.index.label_names
        return [(c, names[int(row.argmax())], float(row.max())) for c, row in zip(todo, sims,
                                                                                  strict=True)]

    def spans(self, doc: Doc, existing: list[Span]) -> list[Span]:
        """New finding spans (on each matched clause's last word), one per concept at most, and
        none for a concept the lexicon already found anywhere in the text."""
        found = {s.label_ for s in existing}
        out: list[Span] = []
        for clause, concept, score in self.scored(doc, existing):
            if score < self.threshold or concept in found:
                continue
            last = max((t.i for t in clause if t.is_alpha), default=clause.end - 1)
            out.append(Span(doc, last, last + 1, label=concept))
            found.add(concept)
        return out


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _build() -> SemanticFindings | None:
    from actions.embeddings.factory import default_encoder  # torch only when it is used

    encoder = default_encoder()
    if encoder is None:
        return None
    return SemanticFindings(encoder, load_examples(), encoder.encode_fixed)


def semantic_findings() -> SemanticFindings | None:
    """The process's matcher, or None unless TRIAGE_SEMANTIC=1 (or when the model is missing)."""
    from actions import settings

    if not settings.current().triage_semantic:
        return None
    with _lock:
        return _build()
