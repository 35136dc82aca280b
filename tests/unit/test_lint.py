"""The codebase stays ruff-clean (configured in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

from scripts.stack import ROOT


def test_ruff_reports_nothing() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run([str(ruff), "check", "--output-format", "concise", "."], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:]
