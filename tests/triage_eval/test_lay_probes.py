"""Development probes: lay sentences per complaint topic and indirect crisis wording.

Written while building the rules (so they are development material, not a held-out measure);
kept as a regression check that every probe still lands on the right one of three levels.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.core.triage.engine import assess
from actions.core.triage.evaluate import three_level

HERE = Path(__file__).parent


def _lines(name: str) -> list[str]:
    return [line.strip() for line in (HERE / name).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


PROBES = [tuple(line.split("|", 2)) for line in _lines("lay_probes.txt")]


def test_probe_file_covers_every_level() -> None:
    assert len(PROBES) >= 150
    assert {want for want, _, _ in PROBES} == {"emergency", "urgent", "routine", "self_care"}


@pytest.mark.parametrize(("want", "age", "message"), PROBES)
def test_lay_probe_three_level(want: str, age: str, message: str) -> None:
    result = assess(message, age=float(age))
    assert three_level(result.disposition, result.crisis) == three_level(want, False), (
        result.disposition, result.fired)


@pytest.mark.parametrize("message", _lines("crisis_probes.txt"))
def test_indirect_crisis_wording_gets_crisis_support(message: str) -> None:
    assert assess(message, age=30).crisis
