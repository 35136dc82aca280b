"""What the semantic finding matcher adds (recall) and costs (false findings), per threshold.

    .venvs/actions/bin/python -m tests.triage_eval.semantic_gain [THRESHOLD ...]

Runs tests/triage_eval/dev_cases.csv and robustness_cases.csv through the rules with the matcher
off, then at each threshold, and prints: emergency recall, 3-level accuracy and self-care
accuracy; cases whose level changed (better / worse); and the cost — findings the matcher added
as present on self-care cases, and on messages that deny or negate something.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from actions.core.triage.engine import assess
from actions.core.triage.evaluate import Outcome, metrics, read_cases
from actions.nlp import semantic

HERE = Path(__file__).parent
SETS = ("dev_cases.csv", "robustness_cases.csv")
RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}
NEGATION_WORDS = (" no ", " not ", "n't", " never ", " without ", " denies ")


def _tags(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return {r["case_id"]: r.get("tags", "") for r in csv.DictReader(fh)}


def figures(threshold: float | None) -> dict[str, float]:
    matcher = semantic._build()
    if matcher is not None:
        matcher.threshold = 9.0 if threshold is None else threshold
    semantic.semantic_findings = lambda: matcher  # on whatever TRIAGE_SEMANTIC says
    out: dict[str, float] = {}
    for name in SETS:
        outcomes = []
        added_selfcare = added_negation = 0
        levels = {}
        for case in read_cases(str(HERE / name)):
            a = assess(case.message, age=case.age, sex=case.sex)
            o = Outcome(case, a.disposition, a.crisis, tuple(a.red_flags))
            outcomes.append(o)
            levels[o.case.case_id] = o.disposition
            facts = a.facts
            extra = [f for f in facts.findings if f.semantic and f.present]
            added_selfcare += bool(extra) and o.case.expected == "self_care"
            text = f" {o.case.message.lower()} "
            added_negation += bool(extra) and any(w in text for w in NEGATION_WORDS)
        m = metrics(outcomes)
        out.update({f"{name}:emergency_recall": m["emergency_recall"],
                    f"{name}:accuracy": m["overall_accuracy"],
                    f"{name}:self_care": m["per_level_accuracy"]["self_care"],
                    f"{name}:selfcare_cases_with_added_finding": added_selfcare,
                    f"{name}:negating_cases_with_added_finding": added_negation})
        out[f"{name}:levels"] = levels  # type: ignore[assignment]
        out[f"{name}:expected"] = {o.case.case_id: o.case.expected  # type: ignore[assignment]
                                   for o in outcomes}
    return out


def main(argv: list[str]) -> int:
    thresholds = [float(a) for a in argv] or [semantic.THRESHOLD]
    base = figures(None)
    for t in [None, *thresholds]:
        f = base if t is None else figures(t)
        print(f"threshold {t if t is not None else 'off'}:")
        for name in SETS:
            better = worse = 0
            for cid, level in f[f"{name}:levels"].items():  # type: ignore[union-attr]
                was = base[f"{name}:levels"][cid]  # type: ignore[index]
                exp = f[f"{name}:expected"][cid]  # type: ignore[index]
                if level != was:
                    gap_now, gap_was = abs(RANK[level] - RANK[exp]), abs(RANK[was] - RANK[exp])
                    better += gap_now < gap_was
                    worse += gap_now > gap_was
            print(f"  {name}: emergency recall {f[f'{name}:emergency_recall']:.3f}, "
                  f"accuracy {f[f'{name}:accuracy']:.3f}, self-care {f[f'{name}:self_care']:.3f};"
                  f" changed better {better} / worse {worse}; cost: self-care cases with an added "
                  f"finding {f[f'{name}:selfcare_cases_with_added_finding']}, negating messages "
                  f"with an added finding {f[f'{name}:negating_cases_with_added_finding']}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
