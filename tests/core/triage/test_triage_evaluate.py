"""The evaluation script's metrics on a tiny synthetic set (pure: uses a stub assessor)."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest

from actions.core.triage.evaluate import main, metrics, read_cases, run

ROWS = [
    ("c1", "30", "F", "chest", "emergency", "false", "G1"),
    ("c2", "30", "M", "chest", "emergency", "false", "G1"),
    ("c3", "20", "", "sad", "urgent", "true", ""),
    ("c4", "", "", "cold", "self_care", "false", "G2"),
    ("c5", "", "", "cold!", "self_care", "false", "G2"),
]


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "cases.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "case_id",
                "age",
                "sex",
                "message",
                "expected_disposition",
                "expected_crisis",
                "cf_group",
            ]
        )
        writer.writerows(ROWS)
    return path


def fake_assess(message, age=None, sex=None):
    disposition = {"chest": "emergency", "sad": "routine", "cold": "self_care"}.get(
        message, "routine"
    )
    return SimpleNamespace(disposition=disposition, crisis=message == "sad", red_flags=[])


def test_metrics(csv_path):
    m = metrics(run(read_cases(str(csv_path)), fake_assess))
    assert m["cases"] == 5
    assert m["emergency_recall"] == 1.0
    assert m["crisis_recall"] == 1.0
    assert m["per_level_accuracy"]["urgent"] == 0.0
    assert m["overall_accuracy"] == pytest.approx(3 / 5)
    assert m["under_triage_rate"] == pytest.approx(1 / 5)  # c3: urgent -> routine
    assert m["over_triage_rate"] == pytest.approx(1 / 5)  # c5: self_care -> routine
    assert m["counterfactual_agreement"] == pytest.approx(0.5)  # G2 disagrees


def test_main_prints_report(csv_path, capsys):
    assert main([str(csv_path)]) == 0
    out = capsys.readouterr().out
    assert "emergency_recall" in out and "counterfactual_agreement" in out
