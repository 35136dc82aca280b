"""Split the texting-style FAQ question set once, with a fixed seed, into dev and held-out.

    python -m tests.core.faq.split_texting_set SOURCE.yml

Run once, when the set was written (before any tuning); the two files it writes are committed
and never re-split: dev is what the semantic retriever was tuned on, held-out is only reported.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SEED = 20261202
HEADER = """\
# Texting-style FAQ questions, {part} half (split once with seed {seed} by split_texting_set.py).
# Written in our own words before the semantic retriever was tuned: slang, typos, SMS style,
# status vs how-to ("did my refill go thru" is refill_status, not refill_request), topics the
# clinic FAQ does not cover (expect: none -> "not sure" + a person) and medical questions
# (expect: medical -> the symptom check, never an FAQ answer). expect may list several entries
# when each of them answers the question. {use}
"""


def main(source: str) -> None:
    items = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    half = len(items) // 2
    parts = {"dev": sorted(order[:half]), "heldout": sorted(order[half:])}
    uses = {"dev": "Tuning may look at these.",
            "heldout": "Never tuned on: only reported (tests/core/faq/test_texting_faq.py)."}
    for part, idx in parts.items():
        lines = [HEADER.format(part=part, seed=SEED, use=uses[part])]
        for i in idx:
            item = items[i]
            expect = item["expect"]
            exp = f"[{', '.join(expect)}]" if isinstance(expect, list) else expect
            question = yaml.safe_dump(item["q"], default_style='"').strip()
            lines.append(f"- {{q: {question}, expect: {exp}}}\n")
        (HERE / f"texting_{part}.yml").write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
