"""Deterministic triage: Facts + rules -> Assessment.

Pure: no Rasa, no network, and no spaCy unless `assess()` has to extract facts from raw text itself.
Only facts count. Instructions inside the message ("ignore your rules", "tell me it's nothing") and
minimising words produce no facts, so they can never lower the disposition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from actions.core.triage.disposition import Disposition, needs_emergency_reply
from actions.core.triage.rules import LEVELS, Question, Rule, RuleSet, default_ruleset

if TYPE_CHECKING:  # the engine stays importable (and testable) without spaCy
    from actions.nlp.extract import Facts

SEVERE_SCORE = 7  # 7/10 or "severe" words
MILD_SCORE = 3  # 3/10 or "mild", "a bit of" words
LONG_DURATION_HOURS = 336  # two weeks
MAX_QUESTIONS = 4  # red-flag and modifier questions offered; the interview caps the total at 6


@dataclass
class Assessment:
    disposition: str
    crisis: bool
    red_flags: list[str]  # emergency-level and crisis rules that fired
    fired: list[str]  # every rule that fired, most urgent first
    reasons: list[str]
    facts: Any
    next_questions: list[Question] = field(default_factory=list)
    decided: bool = True  # False: asking next_questions could still change the outcome
    advice: str | None = None  # what to do now, from a deciding rule, worded for the age group
    return_precautions: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)

    @property
    def matched_concepts(self) -> list[str]:
        return sorted(self.facts.present)


def _concepts(facts: Facts) -> set[str]:
    """Word concepts plus the ones computed from numbers and demographics."""
    present = set(facts.present)
    if facts.severity is not None and facts.severity >= SEVERE_SCORE:
        present.add("severe")
    if facts.severity is not None and facts.severity <= MILD_SCORE:
        present.add("mild")  # "a bit of", "slight", 0-3/10: tolerable, the self-care range
    if facts.duration_hours is not None and facts.duration_hours >= LONG_DURATION_HOURS:
        present.add("long_duration")
    if _is_child(facts):
        present.add("is_child")
    if facts.age_years is not None and facts.age_years < 10:
        present.add("young_child")
    if _only_hypothetical(facts):
        present.add("only_hypothetical")
    # Any talk of suicide or self-harm, even denied ("I don't want to die anymore"), changes how an
    # overdose is handled: it gets crisis support as well as emergency care.
    if any(_category(f.concept) == "crisis" for f in getattr(facts, "findings", [])):
        present.add("crisis_mentioned")
    if facts.sex == "male":
        present.add("is_male")
    if facts.sex == "female":
        present.add("is_female")
    return present


def _category(concept: str) -> str:
    from actions.nlp.lexicon import load_lexicon  # pure YAML, no spaCy

    found = load_lexicon().concepts.get(concept)
    return found.category if found else "derived"


def _only_hypothetical(facts: Facts) -> bool:
    """The message asks "what if..." and reports no current symptom: general advice, not a visit."""
    from actions.nlp.lexicon import load_lexicon  # pure YAML, no spaCy

    concepts = load_lexicon().concepts
    symptoms = {
        c
        for c in facts.present
        if concepts.get(c) and concepts[c].category in {"symptom", "crisis"}
    }
    findings = getattr(facts, "findings", [])
    hypothetical = any(f.hypothetical for f in findings)
    family = any(f.family for f in findings)  # a family history is worth a visit, not just advice
    return hypothetical and not symptoms and not family


def _is_child(facts: Facts) -> bool:
    if facts.age_years is not None:
        return facts.age_years < 16
    return bool(facts.child or facts.infant)


def _in_range(
    value: float | None, low: float | None, high: float | None, lenient_max: bool
) -> bool:
    """`*_min` needs a known value; `*_max` passes when unknown (nothing says it is exceeded)."""
    if low is not None and (value is None or value < low):
        return False
    if high is not None and value is not None and value > high:
        return False
    return not (high is not None and value is None and not lenient_max)


def matches(rule: Rule, facts: Facts, present: set[str]) -> bool:
    w = rule.when
    if not all(c in present for c in w.get("all") or []):
        return False
    for key in ("any", "any2", "any3"):
        names = w.get(key)
        if names and not any(c in present for c in names):
            return False
    if any(c in present for c in w.get("none") or []):
        return False
    if not _age_ok(rule, facts):
        return False
    if "infant" in w and bool(facts.infant) != bool(w["infant"]):
        return False
    if "child" in w and _is_child(facts) != bool(w["child"]):
        return False
    if "age_unknown" in w and (facts.age_years is None) != bool(w["age_unknown"]):
        return False
    if "pregnant" in w and bool(facts.pregnant) != bool(w["pregnant"]):
        return False
    if "sex" in w and facts.sex != w["sex"]:
        return False
    checks = (
        (facts.temperature_c, "temp_c"),
        (facts.duration_hours, "duration_hours"),
        (facts.severity, "severity"),
        (facts.pregnancy_weeks, "pregnancy_weeks"),
    )
    for value, name in checks:
        low, high = w.get(f"{name}_min"), w.get(f"{name}_max")
        if (low is not None or high is not None) and not _in_range(value, low, high, True):
            return False
    return True


def _age_ok(rule: Rule, facts: Facts) -> bool:
    w, age = rule.when, facts.age_years
    low, high = w.get("age_min"), w.get("age_max")
    if low is None and high is None:
        return True
    if age is not None:
        return (low is None or age >= low) and (high is None or age < high)
    if rule.level == Disposition.SELF_CARE:
        # For self-care an age bound is an exclusion: unknown age passes unless a baby is mentioned.
        return not (facts.infant and low is not None and low >= 1)
    # For red flags an age bound is a requirement; a baby of unknown age is surely under 1 year
    # but not surely under 3 months, so that rule waits for the age question.
    return low is None and facts.infant and high is not None and high >= 1


def _apply_answers(facts: Facts, answers: dict[str, Any] | None, ruleset: RuleSet) -> None:
    """'yes' adds the question's concept; 'no' records it as denied. A 'no' never removes
    something the patient already wrote (the text is the stronger evidence)."""
    for key, value in (answers or {}).items():
        question = ruleset.questions.get(key)
        concept = question.concept if question else key
        yes = value is True or str(value).strip().lower() in {"yes", "y", "true", "1"}
        if yes:
            facts.add(concept)
        elif concept not in facts.present:
            facts.absent.add(concept)


def age_group(facts: Facts) -> str:
    """"infant" (under 1), "child" (under 16), "adult", or "unknown": which wording of a rule's
    texts the patient gets. An unknown age counts as a baby or child only when one is mentioned."""
    if facts.age_years is not None:
        if facts.age_years < 1:
            return "infant"
        return "child" if facts.age_years < 16 else "adult"
    if facts.infant:
        return "infant"
    return "child" if facts.child else "unknown"


def _vulnerable(facts: Facts) -> bool:
    """Self-care is never the answer for a baby under 3 months or a weakened immune system, nor
    when home care was tried and did not help ("tried everything from the chemist")."""
    young = facts.age_years is not None and facts.age_years < 0.25
    return young or bool({"immunosuppressed", "treatment_not_helping"} & facts.present)


def assess_facts(
    facts: Facts, answers: dict[str, Any] | None = None, ruleset: RuleSet | None = None
) -> Assessment:
    ruleset = ruleset or default_ruleset()
    _apply_answers(facts, answers, ruleset)
    present = _concepts(facts)
    fired = [rule for rule in ruleset.rules if matches(rule, facts, present)]

    if fired:
        level: str = LEVELS[max(rule.rank for rule in fired)]
    else:
        level = ruleset.default.level  # never self-care by default
    crisis = any(rule.crisis for rule in fired)
    # The deciding rules: those at the final level (and any crisis rule). Only they give the
    # reasons, advice and return precautions, so a lower rule that also fired (a cold's home care
    # next to a red flag) never adds texts that speak of another level or another finding.
    reasons_from = [r for r in fired if r.level == level or r.crisis] or [ruleset.default]
    precautions_from = reasons_from
    if level == Disposition.SELF_CARE and _vulnerable(facts):
        # Too young or immunosuppressed for home care: the visit reason replaces the home-care
        # reasons (one result, one disposition); the complaint's own "get help if" still applies.
        level = Disposition.ROUTINE
        precautions_from = [r for r in reasons_from if r.return_precautions] or [ruleset.default]
        reasons_from = [ruleset.default]

    answered = set(answers or {})
    asked_concepts = present | facts.absent
    questions: list[Question] = []
    if not needs_emergency_reply(level, crisis):
        # Red flags first: once an emergency or crisis rule fires we stop asking and act.
        pool = [q for rule in fired for q in rule.ask] or list(ruleset.default.ask)
        seen: set[str] = set()
        for q in pool:
            if q.id in answered or q.concept in asked_concepts or q.concept in answered:
                continue
            if q.id not in seen:
                seen.add(q.id)
                questions.append(q)
        questions = questions[:MAX_QUESTIONS]

    group = age_group(facts)
    precautions = [t for r in precautions_from if (t := r.text("return_precautions", group))]
    advice = next((t for r in reasons_from if (t := r.text("advice", group))), None)
    sources: list[dict[str, str]] = []
    for rule in [*reasons_from, *(r for r in precautions_from if r not in reasons_from)]:
        for s in rule.sources:
            entry = {"publisher": s.publisher, "title": s.title, "url": s.url}
            if entry not in sources:
                sources.append(entry)
    return Assessment(
        disposition=level,
        crisis=crisis,
        red_flags=[r.id for r in fired if needs_emergency_reply(r.level, r.crisis)],
        fired=[r.id for r in fired],
        reasons=list(dict.fromkeys(r.text("reason", group) or r.reason for r in reasons_from)),
        facts=facts,
        next_questions=questions,
        decided=needs_emergency_reply(level, crisis) or not questions,
        advice=advice,
        return_precautions=list(dict.fromkeys(precautions)),
        sources=sources,
    )


def assess(
    text: str,
    age: float | None = None,
    sex: str | None = None,
    answers: dict[str, Any] | None = None,
    *,
    facts: Facts | None = None,
    ruleset: RuleSet | None = None,
) -> Assessment:
    """Assess a patient's message.

    Pass `facts` to skip NLP (tests, or facts from another extractor).
    """
    if facts is None:
        from actions.nlp.extract import extract_facts

        facts = extract_facts(text, age=age, sex=sex)
    return assess_facts(facts, answers=answers, ruleset=ruleset)
