"""The complaint coverage table: every topic has a rule, every rule exists and cites a source."""

from __future__ import annotations

from pathlib import Path

from actions.core.triage.coverage import Topic, check, load_topics, render
from actions.core.triage.rules import default_ruleset, load_sources

DOC = Path(__file__).resolve().parents[3] / "docs" / "triage-coverage.md"


def test_table_is_broad_and_covers_adults_and_children() -> None:
    topics = load_topics()
    assert len(topics) >= 120
    assert sum(t.population in ("adult", "both") for t in topics) >= 100
    assert sum(t.population in ("child", "both") for t in topics) >= 60


def test_every_topic_has_a_rule_and_every_rule_a_source() -> None:
    topics = load_topics()
    assert check(topics) == []
    rules = {r.id: r for r in default_ruleset().rules}
    sources = load_sources()
    for topic in topics:
        assert topic.rules, topic.id
        for rid in topic.rules:
            assert rules[rid].sources, rid
            assert all(s.key in sources for s in rules[rid].sources), rid


def test_check_reports_what_a_reviewer_must_fix() -> None:
    bad = [Topic("x", "X", "adult", ()), Topic("y", "Y", "martian", ("no_such_rule",))]
    problems = check(bad)
    assert "x: no rule" in problems
    assert any("unknown rule no_such_rule" in p for p in problems)
    assert any("population" in p for p in problems)


def test_rendered_doc_is_up_to_date() -> None:
    # Regenerate with: .venvs/actions/bin/python scripts/render_triage_coverage.py
    assert DOC.read_text(encoding="utf-8") == render(load_topics())
