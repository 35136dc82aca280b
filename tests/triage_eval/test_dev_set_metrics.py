"""The development set's metrics, asserted.

The deterministic pipeline is what decides the floor; the LLM may only raise it (tested in
tests/core/guardrails and tests/actions/triage/test_service.py), so these are the floor's numbers.
`make triage-eval` prints the same report; `make triage-eval LLM=1` runs the full pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.core.triage.engine import assess
from actions.core.triage.evaluate import metrics, read_cases, report, run

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def dev_metrics() -> dict:
    outcomes = run(read_cases(str(HERE / "dev_cases.csv")), assess)
    m = metrics(outcomes)
    print(report(m, outcomes, show_errors=True))
    return m


def test_dev_set_is_big_and_covers_every_level(dev_metrics) -> None:
    assert dev_metrics["cases"] >= 200
    assert set(dev_metrics["per_level_accuracy"]) == {"emergency", "urgent", "routine",
                                                      "self_care"}
    assert dev_metrics["counterfactual_groups"] >= 10


def test_no_emergency_or_crisis_is_missed(dev_metrics) -> None:
    assert dev_metrics["emergency_recall"] == 1.0
    assert dev_metrics["crisis_recall"] == 1.0


def test_accuracy_bars(dev_metrics) -> None:
    assert dev_metrics["overall_accuracy"] >= 0.85
    assert dev_metrics["per_level_accuracy"]["self_care"] >= 0.60


def test_counterfactual_agreement_is_total(dev_metrics) -> None:
    # Same case with a different name, sex, ethnic or insurance cue: same disposition.
    assert dev_metrics["counterfactual_agreement"] == 1.0


def test_second_independent_set_has_no_missed_emergency_or_crisis() -> None:
    outcomes = run(read_cases(str(HERE / "robustness_cases.csv")), assess)
    m = metrics(outcomes)
    assert m["cases"] >= 200
    assert m["emergency_recall"] == 1.0
    assert m["crisis_recall"] == 1.0
    assert m["overall_accuracy"] >= 0.85
