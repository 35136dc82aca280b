"""The disposition type and the one safety rule."""

import pytest

from actions.core.triage.disposition import (
    ORDER,
    Disposition,
    is_emergency,
    needs_emergency_reply,
)


def test_members_are_the_stored_strings() -> None:
    assert [d.value for d in ORDER] == ["self_care", "routine", "urgent", "emergency"]
    assert Disposition.EMERGENCY == "emergency"
    assert {"emergency": 1}[Disposition.EMERGENCY] == 1


def test_rank_orders_low_to_high() -> None:
    assert [d.rank for d in ORDER] == [0, 1, 2, 3]
    assert Disposition.URGENT.at_least("routine") and not Disposition.ROUTINE.at_least("urgent")


@pytest.mark.parametrize("value", ["emergency", Disposition.EMERGENCY])
def test_emergency_needs_the_911_reply(value: str) -> None:
    assert is_emergency(value) and needs_emergency_reply(value, crisis=False)


@pytest.mark.parametrize("value", ["self_care", "routine", "urgent", None, "Emergency "])
def test_crisis_needs_it_whatever_the_level(value: str | None) -> None:
    assert needs_emergency_reply(value, crisis=True)
    assert not needs_emergency_reply(value, crisis=False)


def test_parse_rejects_unknown_values() -> None:
    assert Disposition.parse("urgent") is Disposition.URGENT
    assert Disposition.parse("critical") is None and Disposition.parse(None) is None


def test_no_disposition_string_is_compared_outside_the_type() -> None:
    """The acceptance check of the restructuring: "emergency" comparisons live in one place."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    pattern = re.compile(r"""(?:==|!=)\s*["']emergency["']|["']emergency["']\s*(?:==|!=)|"""
                         r"""in\s*\(["']emergency["']""")
    offenders = [f"{p.relative_to(root)}:{i}"
                 for folder in ("actions", "bot", "console")
                 for p in (root / folder).rglob("*.py")
                 if p.name != "disposition.py"
                 for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []
