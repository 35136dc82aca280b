"""Rule files: every rule loads, has a public source, plain-language reasons, few questions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.core.triage.rules import (
    LEVELS,
    MAX_ASKS,
    RULES_DIR,
    RuleError,
    default_ruleset,
    load_rules,
)


def test_all_rules_load_with_sources():
    ruleset = default_ruleset()
    assert len(ruleset.rules) > 100
    for rule in ruleset.rules:
        assert rule.level in LEVELS
        assert rule.sources, rule.id
        for source in rule.sources:
            assert source.publisher and source.title and source.url.startswith("https://")
        assert len(rule.ask) <= MAX_ASKS
        if rule.level == "self_care":
            assert rule.advice and rule.return_precautions


def test_default_is_never_self_care():
    assert default_ruleset().default.level == "routine"


def test_every_level_and_crisis_is_covered():
    ruleset = default_ruleset()
    assert {r.level for r in ruleset.rules} == set(LEVELS)
    crisis = [r for r in ruleset.rules if r.crisis]
    assert {r.level for r in crisis} == {"emergency", "urgent"}


def _write_rules(tmp_path: Path, rule: dict) -> Path:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "x.yml").write_text(yaml.safe_dump({"rules": [rule]}))
    return rules_dir


BASE = {"id": "t1", "level": "urgent", "when": {"any": ["fever"]}, "reason": "Check today."}


def test_rule_without_source_fails_loudly(tmp_path):
    with pytest.raises(RuleError, match="no source"):
        load_rules(rules_dir=_write_rules(tmp_path, dict(BASE)))


def test_rule_with_unknown_source_fails(tmp_path):
    with pytest.raises(RuleError, match="unknown source"):
        load_rules(rules_dir=_write_rules(tmp_path, {**BASE, "source": ["nowhere"]}))


def test_rule_with_unknown_concept_fails(tmp_path):
    rule = {**BASE, "source": ["nhs_111"], "when": {"any": ["not_a_concept"]}}
    with pytest.raises(RuleError, match="unknown concept"):
        load_rules(rules_dir=_write_rules(tmp_path, rule))


def test_reason_naming_a_diagnosis_fails(tmp_path):
    rule = {**BASE, "source": ["nhs_111"], "reason": "You may be having a heart attack."}
    with pytest.raises(RuleError, match="diagnosis"):
        load_rules(rules_dir=_write_rules(tmp_path, rule))


def test_too_many_questions_fail(tmp_path):
    asks = [{"id": f"q{i}", "text": "?", "concept": "fever"} for i in range(4)]
    rule = {**BASE, "source": ["nhs_111"], "ask": asks}
    with pytest.raises(RuleError, match="at most"):
        load_rules(rules_dir=_write_rules(tmp_path, rule))


def test_rule_files_exist_per_level():
    names = {p.stem for p in RULES_DIR.glob("*.yml")}
    assert {"emergency", "urgent", "routine", "self_care", "crisis"} <= names
