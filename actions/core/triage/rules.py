"""Load and validate triage rules (data/triage/rules/*.yml) — rules are data, checked loudly.

A rule that cannot be traced to a public source, names an unknown concept, or puts a diagnosis
name in
patient-facing text is a bug in the data: loading fails rather than silently skipping it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from actions.core.triage.disposition import ORDER, Disposition

REPO_ROOT = Path(__file__).resolve().parents[3]
TRIAGE_DATA = REPO_ROOT / "data" / "triage"
RULES_DIR = TRIAGE_DATA / "rules"
SOURCES_FILE = TRIAGE_DATA / "sources.yml"
DEFAULTS_FILE = TRIAGE_DATA / "defaults.yml"
LEXICON_FILE = TRIAGE_DATA / "lexicon.yml"

LEVELS = tuple(ORDER)  # low → high; members compare equal to the strings in the YAML
# Looked up with plain strings too (a StrEnum member equals its value).
RANK: dict[str, int] = {level: level.rank for level in LEVELS}
MAX_ASKS = 3

# Concepts the engine computes from numbers/demographics rather than from words.
DERIVED_CONCEPTS = frozenset(
    {
        "severe",
        "mild",
        "is_child",
        "young_child",
        "is_male",
        "is_female",
        "long_duration",
        "only_hypothetical",
        "crisis_mentioned",
    }
)

CONCEPT_KEYS = ("all", "any", "any2", "any3", "none")
RANGE_KEYS = (
    "age_min", "age_max", "temp_c_min", "temp_c_max", "duration_hours_min", "duration_hours_max",
    "severity_min", "severity_max", "pregnancy_weeks_min", "pregnancy_weeks_max",
)  # fmt: skip
FLAG_KEYS = ("infant", "child", "pregnant", "age_unknown")
# A reason, advice or return_precautions text may be one string, or a mapping from the patient's age
# group to its own wording ({default: ..., infant: ..., child: ..., adult: ...}): advice for a baby
# is not advice for an adult. `default` (required) is used for any group without its own text and
# when the age is unknown and no baby or child is mentioned.
TEXT_FIELDS = ("reason", "advice", "return_precautions")
AGE_GROUPS = ("infant", "child", "adult")
WHEN_KEYS = frozenset(CONCEPT_KEYS + RANGE_KEYS + FLAG_KEYS + ("sex",))

# Patient-facing text must describe, not diagnose (the LLM contract has the same rule).
DIAGNOSIS_TERMS = re.compile(
    r"\b(heart attack|myocardial|infarction|angina|stroke|tia|meningitis|meningococcal|"
    r"sepsis|septic|"
    r"anaphyla\w*|ketoacidosis|dka|appendicitis|torsion|ectopic|pre-?eclampsia|pneumonia|concussion|"
    r"cellulitis|uti|urinary tract infection|kidney infection|pyelonephritis|embolism|"
    r"thrombosis|dvt|"
    r"aneurysm|haemorrhage|hemorrhage|fracture|epilep\w*|asthma|covid|cancer|tumou?r|lyme|"
    r"conjunctivitis|tonsillitis|strep|gastroenteritis|migraine|hay fever)\b",
    re.IGNORECASE,
)


class RuleError(ValueError):
    """A rule file is invalid."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    concept: str


@dataclass(frozen=True)
class Source:
    key: str
    publisher: str
    title: str
    url: str


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    when: dict[str, Any]
    reason: str
    sources: tuple[Source, ...]
    crisis: bool = False
    ask: tuple[Question, ...] = ()
    advice: str | None = None
    return_precautions: str | None = None
    file: str = ""
    # field name -> age group -> text; the plain fields above hold the `default` wording
    variants: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)

    @property
    def rank(self) -> int:
        return RANK[self.level]

    def text(self, name: str, group: str) -> str | None:
        """`reason`, `advice` or `return_precautions` worded for an age group (see AGE_GROUPS;
        anything else, e.g. "unknown", gets the default)."""
        return self.variants.get(name, {}).get(group) or getattr(self, name)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    default: Rule
    questions: dict[str, Question] = field(default_factory=dict)  # every ask, by id


def _load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _known_concepts(lexicon_path: Path) -> set[str]:
    data = _load_yaml(lexicon_path) or {}
    return set((data.get("concepts") or {}).keys()) | set((data.get("body_parts") or {}).keys())


def load_sources(path: Path = SOURCES_FILE) -> dict[str, Source]:
    data = _load_yaml(path) or {}
    sources: dict[str, Source] = {}
    for key, spec in data.items():
        spec = spec or {}
        missing = [f for f in ("publisher", "title", "url") if not str(spec.get(f) or "").strip()]
        if missing:
            raise RuleError(f"source {key}: missing {', '.join(missing)}")
        if not str(spec["url"]).startswith("https://"):
            raise RuleError(f"source {key}: url must be https")
        sources[key] = Source(key, str(spec["publisher"]), str(spec["title"]), str(spec["url"]))
    return sources


def parse_rule(
    raw: dict[str, Any],
    sources: dict[str, Source],
    concepts: set[str],
    where: str,
    is_default: bool = False,
) -> Rule:
    rid = str(raw.get("id") or "").strip()
    if not rid:
        raise RuleError(f"{where}: rule without id")
    where = f"{where}:{rid}"
    level = raw.get("level")
    if level not in RANK:
        raise RuleError(f"{where}: level must be one of {LEVELS}, got {level!r}")
    source_keys = raw.get("source")
    if isinstance(source_keys, str):
        source_keys = [source_keys]
    if not source_keys:
        raise RuleError(f"{where}: rule has no source")
    unknown = [k for k in source_keys if k not in sources]
    if unknown:
        raise RuleError(f"{where}: unknown source(s) {unknown}")
    variants: dict[str, dict[str, str]] = {}
    texts: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        texts[name], by_group = _text_variants(raw.get(name), f"{where}: {name}")
        if by_group:
            variants[name] = by_group
    reason = texts["reason"] or ""
    if not reason:
        raise RuleError(f"{where}: rule has no reason")
    when = dict(raw.get("when") or {})
    bad_keys = set(when) - WHEN_KEYS
    if bad_keys:
        raise RuleError(f"{where}: unknown condition(s) {sorted(bad_keys)}")
    valid = concepts | DERIVED_CONCEPTS
    for key in CONCEPT_KEYS:
        names = when.get(key) or []
        bad = [c for c in names if c not in valid]
        if bad:
            raise RuleError(f"{where}: unknown concept(s) {bad} in {key}")
    # A rule with no positive condition would fire on every message (only the default may).
    if not is_default and not any(when.get(k) for k in ("all", "any")) and "temp_c_min" not in when:
        raise RuleError(f"{where}: rule needs concepts (all/any) or a temperature to match")
    asks = []
    for q in raw.get("ask") or []:
        if not {"id", "text", "concept"} <= set(q):
            raise RuleError(f"{where}: ask needs id, text and concept")
        if q["concept"] not in valid:
            raise RuleError(f"{where}: ask {q['id']} names unknown concept {q['concept']!r}")
        asks.append(Question(str(q["id"]), str(q["text"]), str(q["concept"])))
    if len(asks) > MAX_ASKS:
        raise RuleError(f"{where}: at most {MAX_ASKS} follow-up questions per complaint")
    advice = texts["advice"]
    precautions = texts["return_precautions"]
    if level == Disposition.SELF_CARE and not (advice and precautions):
        raise RuleError(f"{where}: self-care rules need advice and return_precautions")
    if level == Disposition.ROUTINE and not precautions and not asks:
        raise RuleError(f"{where}: routine rules need return_precautions")
    all_texts = [reason, advice or "", precautions or ""]
    all_texts += [t for by_group in variants.values() for t in by_group.values()]
    for text in all_texts:
        m = DIAGNOSIS_TERMS.search(text)
        if m:
            raise RuleError(f"{where}: patient-facing text names a diagnosis ({m.group(0)!r})")
    return Rule(
        id=rid,
        level=level,
        when=when,
        reason=reason,
        sources=tuple(sources[k] for k in source_keys),
        crisis=bool(raw.get("crisis", False)),
        ask=tuple(asks),
        advice=str(advice) if advice else None,
        return_precautions=str(precautions) if precautions else None,
        file=where.split(":")[0],
        variants=variants,
    )


def _text_variants(value: Any, where: str) -> tuple[str | None, dict[str, str]]:
    """(default text, {age group: text}) from a string or an age-group mapping."""
    if value is None or value == "":
        return None, {}
    if not isinstance(value, dict):
        return str(value).strip(), {}
    unknown = set(value) - {"default", *AGE_GROUPS}
    if unknown:
        raise RuleError(f"{where}: unknown age group(s) {sorted(unknown)}; use {AGE_GROUPS}")
    default = str(value.get("default") or "").strip()
    if not default:
        raise RuleError(f"{where}: age-group wording needs a `default`")
    by_group = {g: str(t).strip() for g, t in value.items() if g != "default" and str(t).strip()}
    return default, by_group


def load_rules(
    rules_dir: Path = RULES_DIR,
    sources_file: Path = SOURCES_FILE,
    defaults_file: Path = DEFAULTS_FILE,
    lexicon_file: Path = LEXICON_FILE,
) -> RuleSet:
    sources = load_sources(sources_file)
    concepts = _known_concepts(lexicon_file)
    rules: list[Rule] = []
    files = sorted(Path(rules_dir).glob("*.yml"))
    if not files:
        raise RuleError(f"no rule files in {rules_dir}")
    for path in files:
        data = _load_yaml(path) or {}
        for raw in data.get("rules") or []:
            rules.append(parse_rule(raw, sources, concepts, path.name))
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RuleError(f"duplicate rule ids: {dupes}")
    default_raw = dict((_load_yaml(defaults_file) or {}).get("default") or {})
    default_raw.setdefault("id", "default_routine")
    default_raw.setdefault("when", {})
    default = parse_rule(default_raw, sources, concepts, Path(defaults_file).name, is_default=True)
    if default.level == Disposition.SELF_CARE:
        raise RuleError("the default must never be self-care")
    questions: dict[str, Question] = {}
    for rule in (*rules, default):
        for q in rule.ask:
            if q.id in questions and questions[q.id].concept != q.concept:
                raise RuleError(f"question id {q.id} used for two different concepts")
            questions[q.id] = q
    # Most urgent first: evaluation order is also the order reasons are shown in.
    rules.sort(key=lambda r: (-r.rank, not r.crisis))
    return RuleSet(rules=tuple(rules), default=default, questions=questions)


@lru_cache(maxsize=1)
def default_ruleset() -> RuleSet:
    return load_rules()
