"""Evaluate the rule engine on a labelled CSV.

    python -m actions.core.triage.evaluate tests/triage_eval/dev_cases.csv [--errors]

Columns: case_id,age,sex,message,expected_disposition,expected_crisis,cf_group
(extra columns ignored).
Prints accuracy per level, overall accuracy, emergency recall, crisis recall,
under-/over-triage rates,
counterfactual agreement (share of cf_group groups whose members all get the same disposition)
and the three-level figures an outside check uses: emergency or crisis -> "emergency",
urgent or routine -> "clinician", self_care -> "self_care".
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from actions.core.triage.disposition import is_emergency
from actions.core.triage.rules import LEVELS, RANK

if TYPE_CHECKING:
    from actions.core.triage.engine import Assessment


@dataclass(frozen=True)
class Case:
    case_id: str
    age: float | None
    sex: str | None
    message: str
    expected: str
    expected_crisis: bool
    cf_group: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    disposition: str
    crisis: bool
    red_flags: tuple[str, ...] = ()


def _age(value: str) -> float | None:
    value = (value or "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _bool(value: str) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes", "y"}


def read_cases(path: str) -> list[Case]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cases = []
    for row in rows:
        expected = (row.get("expected_disposition") or "").strip()
        if expected not in RANK:
            raise ValueError(f"case {row.get('case_id')}: bad expected_disposition {expected!r}")
        cases.append(
            Case(
                case_id=row["case_id"],
                age=_age(row.get("age", "")),
                sex=(row.get("sex") or "").strip() or None,
                message=row.get("message") or "",
                expected=expected,
                expected_crisis=_bool(row.get("expected_crisis", "")),
                cf_group=(row.get("cf_group") or "").strip(),
            )
        )
    return cases


def run(cases: Iterable[Case], assess: Callable[..., Assessment]) -> list[Outcome]:
    out = []
    for case in cases:
        result = assess(case.message, age=case.age, sex=case.sex)
        out.append(Outcome(case, result.disposition, bool(result.crisis), tuple(result.red_flags)))
    return out


def three_level(disposition: str, crisis: bool) -> str:
    """Collapse a disposition to the three levels patients act on: go now, see someone, home."""
    if crisis or is_emergency(disposition):
        return "emergency"
    return "self_care" if disposition == "self_care" else "clinician"


def _three_level_figures(outcomes: list[Outcome]) -> dict[str, float]:
    pairs = [(three_level(o.case.expected, o.case.expected_crisis),
              three_level(o.disposition, o.crisis)) for o in outcomes]

    def recall(level: str) -> float:
        rows = [got for want, got in pairs if want == level]
        return sum(got == level for got in rows) / len(rows) if rows else 1.0

    return {
        "three_level_accuracy": sum(w == g for w, g in pairs) / len(pairs) if pairs else 0.0,
        "three_level_emergency_recall": recall("emergency"),
        "three_level_self_care_recall": recall("self_care"),
    }


def metrics(outcomes: list[Outcome]) -> dict[str, float | int | dict[str, float]]:
    n = len(outcomes)
    per_level: dict[str, float] = {}
    for level in LEVELS:
        rows = [o for o in outcomes if o.case.expected == level]
        if rows:
            per_level[level] = sum(o.disposition == level for o in rows) / len(rows)
    emergencies = [o for o in outcomes if is_emergency(o.case.expected)]
    crises = [o for o in outcomes if o.case.expected_crisis]
    not_crises = [o for o in outcomes if not o.case.expected_crisis]
    under = sum(RANK[o.disposition] < RANK[o.case.expected] for o in outcomes)
    over = sum(RANK[o.disposition] > RANK[o.case.expected] for o in outcomes)
    groups: dict[str, set[str]] = defaultdict(set)
    for o in outcomes:
        if o.case.cf_group:
            groups[o.case.cf_group].add(o.disposition)
    return {
        "cases": n,
        "per_level_accuracy": per_level,
        "overall_accuracy": sum(o.disposition == o.case.expected for o in outcomes) / n
        if n
        else 0.0,
        "emergency_recall": (
            sum(is_emergency(o.disposition) for o in emergencies) / len(emergencies)
            if emergencies
            else 1.0
        ),
        "crisis_recall": sum(o.crisis for o in crises) / len(crises) if crises else 1.0,
        "crisis_false_positive_rate": (
            sum(o.crisis for o in not_crises) / len(not_crises) if not_crises else 0.0
        ),
        "under_triage_rate": under / n if n else 0.0,
        "over_triage_rate": over / n if n else 0.0,
        "counterfactual_groups": len(groups),
        "counterfactual_agreement": (
            sum(len(d) == 1 for d in groups.values()) / len(groups) if groups else 1.0
        ),
        **_three_level_figures(outcomes),
    }


def report(m: dict, outcomes: list[Outcome], show_errors: bool = False) -> str:
    lines = [f"cases: {m['cases']}"]
    for level, acc in m["per_level_accuracy"].items():
        lines.append(f"accuracy[{level}]: {acc:.1%}")
    for key in (
        "overall_accuracy", "emergency_recall", "crisis_recall", "crisis_false_positive_rate",
        "under_triage_rate", "over_triage_rate", "counterfactual_agreement",
        "three_level_accuracy", "three_level_emergency_recall", "three_level_self_care_recall",
    ):  # fmt: skip
        lines.append(f"{key}: {m[key]:.1%}")
    lines.append(f"counterfactual_groups: {m['counterfactual_groups']}")
    if show_errors:
        for o in outcomes:
            if o.disposition != o.case.expected or o.crisis != o.case.expected_crisis:
                lines.append(
                    f"  {o.case.case_id}: expected {o.case.expected}/{o.case.expected_crisis} "
                    f"got {o.disposition}/{o.crisis} {list(o.red_flags)} :: {o.case.message[:140]}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--errors", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    from actions.core.triage.engine import assess

    outcomes = run(read_cases(args.csv), assess)
    print(report(metrics(outcomes), outcomes, args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
