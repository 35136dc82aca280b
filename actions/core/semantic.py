"""Sentence-embedding similarity, pure: the encoder is given, never loaded here.

``SentenceEncoder`` is the one thing the core knows about the model: ``encode(texts)`` returns
one unit-length row per text (all-MiniLM-L6-v2 in production, actions/embeddings/encoder.py; a
small deterministic fake in tests). Because rows are unit length, cosine similarity is a dot
product. ``ExampleIndex`` holds labelled example texts (FAQ questions, lay phrasings of a
finding) and answers "which label is closest to this text, and how close".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

Vectors = np.ndarray  # shape (n, dim), float32, rows of unit length


class SentenceEncoder(Protocol):
    model_id: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit-length row per text, in order."""
        ...


def cosine(queries: Vectors, examples: Vectors) -> np.ndarray:
    """(n_queries, n_examples) cosine similarities of unit-length rows."""
    if len(queries) == 0 or len(examples) == 0:
        return np.zeros((len(queries), len(examples)), dtype=np.float32)
    return np.asarray(queries @ examples.T, dtype=np.float32)


@dataclass(frozen=True)
class LabelScore:
    label: str
    score: float  # best cosine of any of the label's examples, -1..1
    example: int  # index of that example


class ExampleIndex:
    """Labelled example vectors; each query is scored against every label's closest example."""

    def __init__(self, labels: Sequence[str], vectors: Vectors) -> None:
        if len(labels) != len(vectors):
            raise ValueError("one label per example vector")
        self.labels = list(labels)
        self.vectors = vectors
        self.label_names = list(dict.fromkeys(self.labels))
        position = {name: i for i, name in enumerate(self.label_names)}
        self._label_of = np.array([position[lab] for lab in self.labels], dtype=np.int64)

    def per_label(self, query_vectors: Vectors) -> np.ndarray:
        """(n_queries, n_labels) best similarity per label."""
        sims = cosine(query_vectors, self.vectors)
        out = np.full((len(query_vectors), len(self.label_names)), -1.0, dtype=np.float32)
        for j, lab in enumerate(self._label_of):
            np.maximum(out[:, lab], sims[:, j], out=out[:, lab])
        return out

    def ranked(self, query_vector: Vectors) -> list[LabelScore]:
        """Every label for one query (a (dim,) or (1, dim) vector), best first."""
        sims = cosine(np.atleast_2d(query_vector), self.vectors)[0]
        best: dict[str, LabelScore] = {}
        for j, (lab, s) in enumerate(zip(self.labels, sims, strict=True)):
            if lab not in best or s > best[lab].score:
                best[lab] = LabelScore(lab, float(s), j)
        return sorted(best.values(), key=lambda x: (-x.score, x.label))
