"""The codebase stays mypy-clean (configured under [tool.mypy] in pyproject.toml)."""

import subprocess
import sys

from scripts.stack import ROOT


def test_mypy_reports_nothing() -> None:
    # The config sets the files, and a cache under .cache/mypy: a warm run takes a few seconds.
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
