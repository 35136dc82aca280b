"""Assign each Spanish safety case to ``dev`` or ``held_out`` with a fixed seed.

Stratified by kind (emergency only, crisis only, both, negative) and by self/other, so both halves
hold every kind. ``assign_splits`` is also used by the test, which fails if the ``split:`` fields
in spanish_cases.yml no longer match what the seed gives (i.e. someone moved a case by hand).

Run once after appending cases: ``python tests/core/safety/split_cases.py``.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

SEED = 20240611
CASES = Path(__file__).with_name("spanish_cases.yml")


def stratum(case: dict) -> str:
    kind = {(True, False): "emergency", (False, True): "crisis", (True, True): "both",
            (False, False): "negative"}[(bool(case["emergency"]), bool(case["crisis"]))]
    return f"{kind}/{'other' if case['about_other'] else 'self'}"


def assign_splits(cases: list[dict]) -> dict[str, str]:
    """id -> "dev" | "held_out"; the same for the same ids whatever their order in the file."""
    rng = random.Random(SEED)
    groups: dict[str, list[str]] = {}
    for case in cases:
        groups.setdefault(stratum(case), []).append(case["id"])
    splits: dict[str, str] = {}
    # Alternate which half gets the odd case, so small strata do not all lean to one side.
    extra_to_dev = True
    for name in sorted(groups):
        ids = sorted(groups[name])
        rng.shuffle(ids)
        half = len(ids) // 2 + (1 if extra_to_dev and len(ids) % 2 else 0)
        if len(ids) % 2:
            extra_to_dev = not extra_to_dev
        for i, case_id in enumerate(ids):
            splits[case_id] = "dev" if i < half else "held_out"
    return splits


def main() -> None:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    splits = assign_splits(cases)
    out = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^- \{id: (\w+),", line)
        if m:
            line = re.sub(r", split: \w+\}$", "}", line)
            line = line[:-1] + f", split: {splits[m.group(1)]}}}"
        out.append(line)
    CASES.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
