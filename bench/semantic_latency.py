#!/usr/bin/env python3
"""What sentence embeddings add per turn (targets: < 40 ms p95 to a screening, < 25 ms p95 to an
FAQ turn, on the 2-core machine). In-process, one message at a time, after a warm-up:

    make bench-semantic          # or: .venvs/actions/bin/python bench/semantic_latency.py

- screening: ``extract_facts`` with the semantic finding matcher on vs off (same messages);
- FAQ: words + embeddings (``HybridFaq.match``) vs words only (``FaqRetriever.match``).
Each message is timed in both modes alternately, so machine load hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions.core.faq.answer import default_retriever
from actions.core.faq.hybrid import HybridFaq
from actions.embeddings.factory import default_encoder
from actions.nlp import semantic
from actions.nlp.extract import extract_facts

SCREENING = [
    "I have had a sore throat and a runny nose for two days",
    "my chest feels tight and heavy and I'm sweating, it started 20 minutes ago",
    "Probably nothing but my 3 year old has been throwing up since this morning and seems floppy",
    "i cant catch my breath walking to the bathroom, been like this since yesterday",
    "no fever, no cough, just a twisted ankle from football",
    "headache for a week, worse in the mornings, painkillers help a bit",
    "my husband's words are coming out jumbled and his smile looks lopsided",
    "I'm 34 weeks pregnant and have a bad headache and blurry vision",
    "itchy rash on both arms after gardening, no swelling of lips or tongue",
    "burning when I pee and I need to go all the time, no back pain",
    "my baby won't take her bottle and hasn't had a wet nappy since last night",
    "cut my finger chopping onions, it's bleeding a bit but stopped with pressure",
]
FAQ = [
    "yo what r ur hrs on sunday", "did my refill go thru", "do u take blue cross",
    "where do i park at the main clinic", "can i get my kid's shot records", "how do i pay my bill",
    "do you do video appointments", "is there a fee for copies of my records",
    "can my mom come in with me", "do you do acupuncture", "how much is a visit w/o insurance",
    "my portal password isnt working",
]


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, round(q * (len(values) - 1)))]


def paired(messages: list[str], base: Callable[[str], object],
           with_semantic: Callable[[str], object], rounds: int) -> tuple[list[float], list[float]]:
    off: list[float] = []
    on: list[float] = []
    for _ in range(rounds):
        for m in messages:
            t = time.perf_counter()
            base(m)
            off.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            with_semantic(m)
            on.append((time.perf_counter() - t) * 1000)
    return off, on


def line(name: str, off: list[float], on: list[float]) -> str:
    added = [b - a for a, b in zip(off, on, strict=True)]
    return (f"{name:10} off p50 {statistics.median(off):6.1f} / p95 {pct(off, .95):6.1f} ms | "
            f"on p50 {statistics.median(on):6.1f} / p95 {pct(on, .95):6.1f} ms | "
            f"added p50 {statistics.median(added):5.1f} / p95 {pct(added, .95):5.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    encoder = default_encoder()
    matcher = semantic._build()
    if encoder is None or matcher is None:
        print("models/minilm is missing: run make setup", file=sys.stderr)
        return 2
    hybrid = HybridFaq.build(default_retriever(), encoder, encoder.encode_fixed)
    words = default_retriever()

    def screen(on: bool) -> Callable[[str], object]:
        def run(text: str) -> object:
            saved = semantic.semantic_findings
            semantic.semantic_findings = (lambda: matcher) if on else (lambda: None)
            try:
                return extract_facts(text)
            finally:
                semantic.semantic_findings = saved
        return run

    for m in SCREENING[:3] + FAQ[:3]:  # warm-up: pipeline, model, caches
        screen(True)(m)
        hybrid.match(m)
    off, on = paired(SCREENING, screen(False), screen(True), args.rounds)
    print(line("screening", off, on))
    off, on = paired(FAQ, words.match, hybrid.match, args.rounds)
    print(line("faq", off, on))
    return 0


if __name__ == "__main__":
    sys.exit(main())
