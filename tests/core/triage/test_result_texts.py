"""Result texts fit the patient and the finding, and one result carries one disposition.

An outside review found advice for "a baby under 3 months" shown to adults, burn first aid for
"burning calories", and "press firmly on the wound" for bleeding in pregnancy. These tests check
the whole class mechanically: every text that names a population (babies, children, pregnancy,
older adults) or a first-aid action is attached only to rules whose `when` guarantees it, and each
rule, assessed for a generated infant / child / adult / unknown-age patient, yields texts that
fit that patient and state only the one disposition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from actions.core.triage.engine import Assessment, assess, assess_facts
from actions.core.triage.messages import PLAIN_DISPOSITION, compose
from actions.core.triage.rules import LEVELS, Rule, default_ruleset
from actions.nlp.extract import Facts
from actions.nlp.lexicon import load_lexicon

TEXT_FIELDS = ("reason", "advice", "return_precautions")
GROUPS = ("infant", "child", "adult", "unknown")

# Words that address a population. "baby" inside a pregnancy text is the unborn baby.
INFANT = re.compile(
    r"\b(bab(?:y|ies|y's)|infants?|newborns?|under 3 months|feeds|feeding)\b", re.I
)
CHILD = re.compile(r"\b(child|children|kids?|toddlers?)\b", re.I)
# "if you could be pregnant" asks rather than assumes (period pain's safety net); anything that
# speaks to a pregnant patient needs a rule that knows she is pregnant.
PREGNANCY = re.compile(
    r"\b(?<!could be )(pregnan\w*|maternity|midwife|labour ward|trimester)\b", re.I
)
# Concepts that only exist in pregnancy ("the baby is moving less" is about the unborn baby).
PREGNANCY_CONCEPTS = {"pregnancy", "reduced_fetal_movement"}
OLDER = re.compile(r"\b(at your age|65 or older|older adults?|elderly|over 65|after 50)\b", re.I)

# First-aid actions and the findings that must be guaranteed before they are given.
# Heavy bleeding with one of these is bleeding from a wound.
WOUND_CONCEPTS = {"wound_cut", "deep_cut", "animal_bite", "major_trauma", "open_fracture",
                  "head_injury", "self_harm"}
FIRST_AID: dict[str, tuple[re.Pattern[str], set[str]]] = {
    "wound pressure": (
        re.compile(r"\bpress (firmly )?on (the wound|it)\b|\bpressure on the (wound|cut)\b", re.I),
        WOUND_CONCEPTS,
    ),
    "cool a burn": (
        re.compile(r"\bcool (it|the burn)\b|\bcling film\b", re.I),
        {"burn", "severe_burn"},
    ),
    "rinse an eye": (
        re.compile(r"\brinse (the|your) eyes?\b|\brinse with\b", re.I),
        {"chemical_in_eye", "eye_injury"},
    ),
    "adrenaline": (
        re.compile(r"\b(adrenaline|auto-?injector|epipen)\b", re.I),
        {"allergic_reaction", "insect_bite", "hives", "new_medication", "face_lip_swelling",
         "throat_tightness"},
    ),
    "pinch the nose": (re.compile(r"\bpinch\b", re.I), {"nosebleed"}),
    "fresh air": (re.compile(r"\bfresh air\b", re.I), {"co_exposure"}),
}

# Unconditional sentences that state a level. A sentence with "if"/"unless"/"when" is a
# return precaution (a different level only under a condition) and may name another level.
LEVEL_STATEMENT = {
    "emergency": re.compile(
        r"needs? emergency (care|help)|call 911 now|urgently in (hospital|the emergency department)"
        r"|checked in the emergency department|checked at the hospital now",
        re.I,
    ),
    "urgent": re.compile(
        r"should be (checked|seen|reviewed)\b[^.]*\btoday\b|within 24 hours", re.I
    ),
    "routine": re.compile(r"\b(at|book) (an|a regular) appointment\b", re.I),
    "self_care": re.compile(
        r"\b(looked after|cared for|managed|treated|eased) at home\b"
        r"|\bget(s)? better on (its|their) own\b|\bgo(es)? away on (its|their) own\b",
        re.I,
    ),
}
CONDITIONAL = re.compile(r"\b(if|unless|when|whenever)\b", re.I)


def _implied_closure(concepts: set[str]) -> set[str]:
    lexicon = load_lexicon()
    out = set(concepts)
    for c in concepts:
        out |= lexicon.implied(c)
    return out


def _guaranteed(rule: Rule, concepts: set[str]) -> bool:
    """True if every patient matching `rule.when` has one of `concepts` (directly or implied)."""
    w = rule.when
    if _implied_closure(set(w.get("all") or [])) & concepts:
        return True
    for key in ("any", "any2"):
        names = w.get(key) or []
        if names and all(_implied_closure({n}) & concepts for n in names):
            return True
    return False


def _guarantees_infant(rule: Rule) -> bool:
    w = rule.when
    return bool(w.get("infant")) or (w.get("age_max") is not None and w["age_max"] <= 1)


def _guarantees_child(rule: Rule) -> bool:
    w = rule.when
    return (
        _guarantees_infant(rule)
        or bool(w.get("child"))
        or (w.get("age_max") is not None and w["age_max"] <= 16)
        or bool({"is_child", "young_child"} & set(w.get("all") or []))
    )


def _guarantees_pregnancy(rule: Rule) -> bool:
    return bool(rule.when.get("pregnant")) or _guaranteed(rule, PREGNANCY_CONCEPTS)


def _guarantees_older(rule: Rule) -> bool:
    return (rule.when.get("age_min") or 0) >= 40


def _texts(rule: Rule) -> Iterator[tuple[str, str, str]]:
    """(field, group, text) for every text variant of the rule ("default" = any age group)."""
    for name in TEXT_FIELDS:
        variants = rule.variants.get(name, {})
        default = getattr(rule, name)
        if default:
            yield name, "default", default
        for group, text in variants.items():
            if group != "default":
                yield name, group, text


def _all_rules() -> list[Rule]:
    ruleset = default_ruleset()
    return [*ruleset.rules, ruleset.default]


# ------------------------------------------------------------------------------- static rule scan


def test_population_texts_only_on_rules_that_guarantee_the_population() -> None:
    problems = []
    for rule in _all_rules():
        pregnant = _guarantees_pregnancy(rule)
        for name, group, text in _texts(rule):
            if INFANT.search(text) and not (
                group == "infant" or _guarantees_infant(rule) or pregnant
            ):
                problems.append(f"{rule.id}.{name}[{group}] names a baby: {text}")
            if CHILD.search(text) and not (
                group in {"infant", "child"} or _guarantees_child(rule)
            ):
                problems.append(f"{rule.id}.{name}[{group}] names a child: {text}")
            if PREGNANCY.search(text) and not pregnant:
                problems.append(f"{rule.id}.{name}[{group}] names pregnancy: {text}")
            if OLDER.search(text) and not _guarantees_older(rule):
                problems.append(f"{rule.id}.{name}[{group}] names an older age: {text}")
    assert not problems, "\n".join(problems)


def test_first_aid_texts_only_on_rules_that_guarantee_the_finding() -> None:
    problems = []
    for rule in _all_rules():
        for name, group, text in _texts(rule):
            for action, (pattern, needs) in FIRST_AID.items():
                if pattern.search(text) and not _guaranteed(rule, needs):
                    problems.append(f"{rule.id}.{name}[{group}]: {action} without {sorted(needs)}")
    assert not problems, "\n".join(problems)


def test_rule_texts_state_only_their_own_level() -> None:
    problems = []
    for rule in _all_rules():
        for name, group, text in _texts(rule):
            for sentence in _sentences(text):
                for level in _levels_stated(sentence):
                    if level != rule.level and not (rule.crisis and level == "urgent"):
                        problems.append(f"{rule.id}.{name}[{group}] states {level}: {sentence}")
    assert not problems, "\n".join(problems)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+|:\s+| - ", text) if s.strip()]


def _levels_stated(sentence: str) -> set[str]:
    if CONDITIONAL.search(sentence):
        return set()
    return {level for level, pattern in LEVEL_STATEMENT.items() if pattern.search(sentence)}


# ---------------------------------------------------- every rule, assessed for generated patients

AGES = {"infant": 0.5, "child": 8.0, "adult": 35.0, "unknown": None}


def _age_for(rule: Rule, group: str) -> float | None:
    """An age in `group` that satisfies the rule's age bounds, or None for "unknown"; raises
    LookupError when the group cannot meet the bounds."""
    low, high = rule.when.get("age_min"), rule.when.get("age_max")
    if group == "unknown":
        return None
    span = {"infant": (0.0, 1.0), "child": (1.0, 16.0), "adult": (16.0, 100.0)}[group]
    lo, hi = max(span[0], low or 0.0), min(span[1], high if high is not None else 200.0)
    if lo >= hi:
        raise LookupError(group)
    age = AGES[group]
    assert age is not None
    return age if lo <= age < hi else (lo + hi) / 2 if hi < 200 else lo + 1


def _range_value(rule: Rule, name: str) -> float | None:
    low, high = rule.when.get(f"{name}_min"), rule.when.get(f"{name}_max")
    if low is not None:
        return float(low)
    if high is not None:
        return float(high)
    return None


def _facts_for(rule: Rule, group: str, picks: tuple[str | None, str | None]) -> Facts | None:
    w = rule.when
    try:
        age = _age_for(rule, group)
    except LookupError:
        return None
    present = set(w.get("all") or [])
    for pick in picks:
        if pick:
            present.add(pick)
    derived = {"severe", "is_child", "young_child", "is_male", "is_female", "long_duration",
               "only_hypothetical", "crisis_mentioned"}
    present = {c for c in _implied_closure(present - derived)}
    if present & set(w.get("none") or []):
        return None
    severity = _range_value(rule, "severity")
    if "severe" in (w.get("all") or []) or "severe" in picks:
        severity = 8
    duration = _range_value(rule, "duration_hours")
    if "long_duration" in picks or "long_duration" in (w.get("all") or []):
        duration = 400.0
    infant = group == "infant" or (group == "unknown" and bool(w.get("infant")))
    child = infant or group == "child" or (group == "unknown" and bool(w.get("child")))
    sex = w.get("sex")
    if "is_male" in picks:
        sex = "male"
    if "is_female" in picks:
        sex = "female"
    pregnant = bool(w.get("pregnant")) or "pregnancy" in present
    if pregnant:
        present.add("pregnancy")
    return Facts(
        text="",
        present=present,
        age_years=age,
        sex=sex,
        infant=infant,
        child=child,
        pregnant=pregnant,
        pregnancy_weeks=_range_value(rule, "pregnancy_weeks"),
        temperature_c=_range_value(rule, "temp_c"),
        duration_hours=duration,
        severity=severity,
    )


def _cases() -> Iterator[tuple[Rule, str, Facts]]:
    for rule in default_ruleset().rules:
        any1 = list(rule.when.get("any") or []) or [None]
        any2 = list(rule.when.get("any2") or []) or [None]
        picks = {(a, any2[0]) for a in any1} | {(any1[0], b) for b in any2}
        for group in GROUPS:
            for pick in sorted(picks, key=str):
                facts = _facts_for(rule, group, pick)
                if facts is not None:
                    yield rule, group, facts


def _result_text(facts: Facts) -> tuple[str, Assessment]:
    a = assess_facts(facts)
    msg = compose(
        a.disposition, a.crisis, reasons=a.reasons, explanation=None, advice=a.advice,
        return_precautions=a.return_precautions,
    )
    return " ".join(msg.all), a


def test_generated_patients_get_texts_that_fit_them() -> None:
    problems: set[str] = set()
    count = 0
    for rule, group, facts in _cases():
        count += 1
        _, a = _result_text(facts)
        where = f"{rule.id} [{group}, {sorted(facts.present)}] -> {a.disposition}"
        patient_texts = " ".join([*a.reasons, a.advice or "", *a.return_precautions])
        pregnant = facts.pregnant or bool(facts.present & PREGNANCY_CONCEPTS)
        if group in {"adult", "unknown"} and not facts.infant and not pregnant:
            if INFANT.search(patient_texts):
                problems.add(f"{where}: infant text for a non-infant: {patient_texts}")
        if group == "adult" and CHILD.search(patient_texts):
            problems.add(f"{where}: child text for an adult: {patient_texts}")
        if not pregnant and PREGNANCY.search(patient_texts):
            problems.add(f"{where}: pregnancy text for a non-pregnant patient: {patient_texts}")
        for action, (pattern, needs) in FIRST_AID.items():
            if pattern.search(patient_texts) and not (facts.present & needs):
                problems.add(f"{where}: {action} without {sorted(needs)}: {patient_texts}")
    assert count > 500
    assert not problems, "\n".join(sorted(problems)[:40])


def test_generated_results_carry_one_disposition() -> None:
    problems: set[str] = set()
    for rule, group, facts in _cases():
        text, a = _result_text(facts)
        level = a.disposition
        where = f"{rule.id} [{group}, {sorted(facts.present)}] -> {level}"
        for other in LEVELS:
            if other != level and PLAIN_DISPOSITION[other] in text:
                problems.add(f"{where}: also says {PLAIN_DISPOSITION[other]!r}")
        for sentence in _sentences(text):
            for stated in _levels_stated(sentence):
                if stated != level and not (a.crisis and stated == "urgent"):
                    problems.add(f"{where}: states {stated}: {sentence}")
    assert not problems, "\n".join(sorted(problems)[:40])


@pytest.mark.parametrize("level", LEVELS)
def test_compose_shows_only_its_own_plain_phrase(level: str) -> None:
    ruleset = default_ruleset()
    for rule in ruleset.rules:
        texts = [t for _, _, t in _texts(rule)]
        msg = compose(level, False, reasons=[], explanation=None, advice=None,
                      return_precautions=[rule.return_precautions or ""])
        joined = " ".join(msg.all)
        for other in LEVELS:
            if other != level:
                assert PLAIN_DISPOSITION[other] not in joined, (rule.id, texts)


# ------------------------------------------------------------------- the review's own findings


@pytest.mark.parametrize(
    "message",
    [
        "what's the best way to burn calories fast",
        "how many calories does swimming burn",
        "I want to burn fat before summer",
        "burning the midnight oil for my exams this week",
        "I've been burning the candle at both ends",
        "does walking burn more calories than cycling",
        "I need to burn off some energy",
    ],
)
def test_non_medical_burning_is_not_a_burn(message: str) -> None:
    a = assess(message, age=30)
    assert "burn" not in a.facts.present
    assert "sc_minor_burn" not in a.fired
    assert not re.search(r"running water|cling film", a.advice or "", re.I)


@pytest.mark.parametrize(
    ("message", "concept"),
    [
        ("I have bad heartburn after meals", "heartburn"),
        ("burning when I pee", "dysuria"),
        ("I burned my hand on the oven door", "burn"),
        ("my eyes are burning and red", "red_eye"),
        ("my eyes are burning", "red_eye"),
    ],
)
def test_medical_burning_still_matches(message: str, concept: str) -> None:
    assert concept in assess(message, age=30).facts.present


@pytest.mark.parametrize(
    "message",
    [
        "I'm 9 weeks pregnant and bleeding heavily",
        "I'm pregnant and there's a lot of blood",
        "pregnant and spotting since this morning",
        "I am 24 weeks pregnant and have some bleeding",
    ],
)
def test_bleeding_in_pregnancy_gets_no_wound_first_aid(message: str) -> None:
    a = assess(message, age=29, sex="female")
    texts = " ".join([*a.reasons, a.advice or "", *a.return_precautions])
    assert a.disposition in {"urgent", "emergency"}
    assert not re.search(r"\bwound\b|press firmly", texts, re.I), texts


def test_light_bleeding_in_early_pregnancy_gets_its_own_advice() -> None:
    a = assess("I'm 8 weeks pregnant and spotting", age=29, sex="female")
    assert a.disposition == "urgent"
    assert a.advice and re.search(r"midwife|maternity", a.advice, re.I)
    assert any(re.search(r"soaking|faint|shoulder", p, re.I) for p in a.return_precautions)


def test_heavy_bleeding_in_pregnancy_is_an_emergency() -> None:
    a = assess("I'm 9 weeks pregnant and bleeding heavily", age=29, sex="female")
    assert a.disposition == "emergency"


def test_wound_that_will_not_stop_bleeding_gets_pressure_advice() -> None:
    a = assess("I cut my hand with a knife and it won't stop bleeding", age=40)
    assert a.disposition == "emergency"
    text = " ".join([*a.reasons, a.advice or ""])
    assert re.search(r"press", text, re.I), text


@pytest.mark.parametrize(
    ("message", "age"),
    [
        ("I have a fever and a cough", 35),
        ("I have a cough and a runny nose", 42),
        ("sunburn on my shoulders from the beach", 30),
        ("I have a cold", None),
        ("red itchy eyes", 28),
        ("fever", 70),
    ],
)
def test_adults_never_get_baby_texts(message: str, age: float | None) -> None:
    a = assess(message, age=age)
    msg = compose(a.disposition, a.crisis, reasons=a.reasons, explanation=None, advice=a.advice,
                  return_precautions=a.return_precautions)
    text = " ".join(msg.all)
    assert not INFANT.search(text), text


def test_baby_with_a_cold_is_not_told_to_take_honey() -> None:
    a = assess("my 8 month old has a runny nose and a cough")
    assert a.advice is None or not re.search(r"\bhoney\b(?![^.]*\bnot\b)", a.advice, re.I) or (
        re.search(r"do not give honey", a.advice, re.I)
    )


def test_vulnerable_upgrade_does_not_also_say_home_care() -> None:
    a = assess("my 6 week old has a runny nose")
    assert a.disposition == "routine"
    msg = compose(a.disposition, a.crisis, reasons=a.reasons, explanation=None, advice=a.advice,
                  return_precautions=a.return_precautions)
    for sentence in _sentences(" ".join(msg.all)):
        assert "self_care" not in _levels_stated(sentence), sentence


# ------------------------------------------------------------------ age-group wording in the data


def test_a_baby_gets_the_baby_wording_and_an_adult_the_adult_wording() -> None:
    baby = assess("my baby has a cough and a runny nose")
    adult = assess("I have a cough and a runny nose", age=40)
    unknown = assess("I have a cough and a runny nose")
    assert baby.advice and "do not give honey" in baby.advice.lower()
    assert adult.advice and "honey" in adult.advice.lower() and not INFANT.search(adult.advice)
    assert unknown.advice and not INFANT.search(unknown.advice)
    assert any("your baby" in p for p in baby.return_precautions)


def test_age_group_wording_needs_a_default_and_known_groups(tmp_path) -> None:
    import yaml

    from actions.core.triage.rules import RuleError, load_rules

    base = {"id": "t1", "level": "urgent", "when": {"any": ["fever"]}, "source": ["nhs_111"]}
    for reason, message in (
        ({"infant": "A baby with a fever should be checked today."}, "needs a `default`"),
        ({"default": "Check today.", "teen": "Check today."}, "unknown age group"),
    ):
        rules_dir = tmp_path / message.replace(" ", "_").strip("`")
        rules_dir.mkdir()
        (rules_dir / "x.yml").write_text(yaml.safe_dump({"rules": [{**base, "reason": reason}]}))
        with pytest.raises(RuleError, match=message):
            load_rules(rules_dir=rules_dir)
