"""Word matching confirmed by sentence embeddings: the FAQ retriever used by the action server.

The word retriever (``retriever.py``) scores each entry; all-MiniLM-L6-v2 embeddings of each
entry's question and alternates give a second, paraphrase-tolerant ranking. An entry is answered
when the word score is high enough AND the embeddings rank the same entry first — or the word
score alone is very high. A question about the *status* of something ("did my refill go thru",
"any update on my results") can only be answered by an entry that tells how to check a status
(``status: true`` in data/faq); otherwise it gets "not sure" + a person, never the how-to answer.

Thresholds were tuned on tests/core/faq/texting_dev.yml and dev_questions.yml so that no wrong
entry is answered with confidence; tests/core/faq/test_texting_faq.py reports the held-out half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from actions.core.faq.knowledge import FaqEntry
from actions.core.faq.retriever import FaqMatch, FaqRetriever
from actions.core.semantic import ExampleIndex, SentenceEncoder

# Word score needed when the embeddings agree on the entry, and the margin over the runner-up.
AGREED_SCORE = 0.60
AGREED_MARGIN = 0.03
# Word score that answers even when the embeddings prefer another entry.
WORD_ONLY_SCORE = 0.70

_STATUS = re.compile(
    r"""\b(?:
      (?:did|has|have|had|was|were|is|are)\b.{0,40}?\b
        (?:go(?:ne)?\s+(?:thru|through)|get\s+(?:sent|approved|done|processed|received)
          |been\s+(?:sent|approved|received|processed|called\s+in|done|filled|faxed|confirmed)
          |sent|approved|received|processed|confirmed|called\s+in|back|ready|filled)\b
     |any\s+(?:update|news|word)\b
     |still\s+(?:nothing|waiting|no\b|haven'?t|hasn'?t|not)
     |(?:status|track(?:ing)?)\s+(?:of|on)\b
     |where\s+(?:is|r|are)\s+my\b
     |^(?:did|has|have|was|were|is|are)\b.*\byet\b
     |no\s+(?:word|update|news|call|results?|refill)\b
     |(?:it'?s|its)\s+been\s+(?:a|\w+)\s+(?:days?|weeks?)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def is_status_question(text: str) -> bool:
    """"Did X happen / where is X" rather than "how do I do X"."""
    return bool(_STATUS.search(" ".join(text.lower().split())))


@dataclass(frozen=True)
class HybridFaq:
    """Same ``match`` as FaqRetriever, so answer.decide() takes either."""

    words: FaqRetriever
    encoder: SentenceEncoder
    questions: ExampleIndex  # label = entry position (as a string)
    status_ok: np.ndarray  # per entry: may answer a status question

    @classmethod
    def build(cls, words: FaqRetriever, encoder: SentenceEncoder,
              fixed_encode: object = None) -> HybridFaq:
        """``fixed_encode`` (e.g. a disk-cached encoder's encode_fixed) encodes the entries'
        own texts; patients' questions always go through ``encoder.encode``."""
        labels: list[str] = []
        texts: list[str] = []
        for i, e in enumerate(words.entries):
            for t in (e.question, *e.alternates):
                labels.append(str(i))
                texts.append(t)
        encode = fixed_encode if callable(fixed_encode) else encoder.encode
        status_ok = np.array([e.status for e in words.entries], dtype=bool)
        return cls(words, encoder, ExampleIndex(labels, encode(texts)), status_ok)

    @property
    def entries(self) -> list[FaqEntry]:
        return self.words.entries

    def match(self, text: str) -> FaqMatch:
        n = len(self.entries)
        word = np.zeros(n, dtype=np.float32)
        for s in self.words.scores(text):
            word[s.index] = s.score
        if not word.any():
            return FaqMatch(entry=None, score=0.0, margin=0.0, confident=False)
        per_label = self.questions.per_label(self.encoder.encode([text]))[0]
        sem = np.zeros(n, dtype=np.float32)
        for j, label in enumerate(self.questions.label_names):
            sem[int(label)] = per_label[j]
        if is_status_question(text):
            word = word * self.status_ok
            sem = np.where(self.status_ok, sem, -1.0)
        order = np.argsort(-word, kind="stable")
        best = int(order[0])
        margin = float(word[best] - (word[order[1]] if n > 1 else 0.0))
        agreed = int(np.argmax(sem)) == best
        confident = bool(word[best] > 0 and margin >= AGREED_MARGIN and (
            (agreed and word[best] >= AGREED_SCORE) or word[best] >= WORD_ONLY_SCORE))
        return FaqMatch(entry=self.entries[best] if word[best] > 0 else None,
                        score=round(float(word[best]), 4), margin=round(margin, 4),
                        confident=confident)
