"""Acceptance: `rasa data validate` is clean and the Rasa test stories cover every flow and pass."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from pathlib import Path

import yaml

from scripts.stack import ROOT, VENVS

TEST_STORIES = ROOT / "tests/stories/test_stories.yml"


def _rasa(args: list[str], env_extra: dict[str, str] | None = None,
          timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           **(env_extra or {})}
    return subprocess.run([str(VENVS / "bot/bin/rasa"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_rasa_data_validate_reports_no_warnings() -> None:
    proc = _rasa(["data", "validate", "--fail-on-warnings", "--config", "bot/config.yml",
                  "--domain", "bot/domain.yml", "--data", "data/nlu", "data/rules",
                  "data/stories"])
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    # Library deprecation noise aside, the validator itself must not warn.
    validator_warnings = [line for line in output.splitlines()
                          if "UserWarning" in line or " WARNING " in line]
    assert validator_warnings == []


def _steps(folder: Path, key: str) -> list[list[dict]]:
    flows = []
    for path in sorted(folder.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get(key, []) or []:
            flows.append(block["steps"])
    return flows


def _pairs(steps: list[dict]) -> set[tuple[str, str]]:
    """(intent, next action) pairs of a flow."""
    pairs = set()
    for a, b in itertools.pairwise(steps):
        if "intent" in a and "action" in b:
            pairs.add((a["intent"], b["action"]))
    return pairs


def test_test_stories_cover_every_rule_and_story() -> None:
    covered = set()
    for steps in _steps(TEST_STORIES.parent, "stories"):
        covered |= _pairs(steps)
    flows = _steps(ROOT / "data/rules", "rules") + _steps(ROOT / "data/stories", "stories")
    missing = [sorted(_pairs(s) - covered) for s in flows if _pairs(s) - covered]
    assert missing == []


def test_rasa_test_stories_pass(stack, output_dir: Path) -> None:
    out = output_dir / "rasa-test"
    proc = _rasa(
        ["test", "core", "--model", str(stack.model), "--stories", str(TEST_STORIES),
         "--endpoints", "bot/endpoints.yml", "--out", str(out), "--fail-on-prediction-errors"],
        env_extra={**stack.base_env()},
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    report = json.loads((out / "story_report.json").read_text())
    n_stories = len(yaml.safe_load(TEST_STORIES.read_text())["stories"])
    assert report["conversation_accuracy"] == {
        "accuracy": 1.0, "correct": n_stories, "with_warnings": 0, "total": n_stories}
