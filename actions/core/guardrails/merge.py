"""Merge the deterministic rule floor with a (possibly bad) LLM answer.

Invariants, each covered by tests:
* The deterministic level comes first and never from the model: the rule floor, or — when
  no rule decided (``floor is None``) — ``urgent`` (or the rules' own default if that is
  higher) with a person offered (``level_basis="no_rule_default"``). It is the same
  whether the model answers well, badly, late or not at all.
* ``disposition = max(deterministic level, the model's level vote)``: the model can raise,
  never lower.
* The vote is read from the shortest prefix of the answer that settles it
  (``schema.decide_level``), even from an answer cut off by the deadline, and the local
  backend keeps generating until that prefix is written (``protect``): so a timeout can
  cost the model's sentence, never change the level. What the model writes after its vote
  (facts, explanation; a refusal or forbidden text in them) only decides whether its
  phrasing is shown.
* The patient-facing explanation is the model's sentence only if it passes every content
  check *and* the model suggested exactly the final level (a sentence written to justify
  another level, or none, would send mixed messages); otherwise a templated sentence for
  the final disposition. Crisis always uses the crisis template.
* The not-a-clinician disclaimer (and, for crisis, 988/911) is appended here, by code.
* Everything rejected is kept with its reason for the audit record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from actions.core.guardrails import content
from actions.core.guardrails.schema import (
    DISPOSITIONS,
    SchemaError,
    TriageOutput,
    coerce_disposition,
    decide_level,
    parse_llm_json,
    rank,
    validate,
)

DISCLAIMER = (
    "I'm an automated assistant, not a clinician, and this is not a diagnosis. "
    "If your symptoms get worse or you are worried, call 911 or contact your clinic."
)
CRISIS_TEXT = (
    "You don't have to go through this alone. Call or text 988 (Suicide & Crisis Lifeline) "
    "to talk with someone now. If you are in immediate danger, call 911."
)

ACTIONS = {
    "emergency": "Call 911 or go to the nearest emergency department now.",
    "urgent": "Please speak with a clinician within the next 24 hours.",
    "routine": "Please book a visit with a clinician.",
    "self_care": "This can usually be looked after at home for now.",
}
TEMPLATES = {
    "emergency": "What you describe can be serious and needs to be checked by emergency care "
    "right away.",
    "urgent": "What you describe should be checked by a clinician soon, within a day.",
    "routine": "What you describe should be looked at by a clinician, but it does not sound like "
    "it needs care today.",
    "self_care": (
        "Rest and keep an eye on how you feel. Get help right away if you get worse, have trouble "
        "breathing, chest pain, confusion, or symptoms that worry you."
    ),
}

# No rule decided: the level every such message gets, whatever the model says (it may only
# raise it). Urgent + a person is what the design promises when the model fails, so it has to
# be what the patient gets when the model succeeds too, or the level would depend on timing.
NO_DECISION_DISPOSITION = "urgent"
NO_RULE_BASIS = "no_rule_default"
RULE_BASIS = "rule_floor"
# Why, in the patient's words, when no rule decided: level-neutral, so it fits whatever the
# deterministic level is.
NO_RULE_REASON = (
    "None of our symptom rules matched what you describe, so to be safe a clinician should "
    "check it, and you can ask to talk to a person from the clinic."
)


@dataclass(frozen=True)
class Rejection:
    field: str  # "output" | "facts" | "suggested_disposition" | "explanation"
    reason: str  # machine code, e.g. "invalid_json", "diagnosis", "lower_than_floor"
    detail: str = ""


@dataclass(frozen=True)
class GuardedResult:
    disposition: str
    crisis: bool
    floor: str | None
    offer_human: bool
    action: str  # deterministic instruction for the final disposition
    explanation: str  # body only (model's or templated)
    explanation_source: str  # "llm" | "template" | "crisis_template"
    disclaimer: str
    facts: tuple[str, ...] = ()
    llm_suggestion: str | None = None
    llm_used: bool = False  # some part of the model's answer survived validation
    fallback_reason: str | None = None
    rejections: tuple[Rejection, ...] = ()
    input_flags: tuple[str, ...] = ()
    # provenance, filled by the pipeline
    model_id: str | None = None
    prompt_id: str | None = None
    prompt_version: int | None = None
    raw_output: str | None = None
    validated_output: dict | None = None
    extraction_notes: tuple[str, ...] = ()
    latency_ms: float | None = None
    extra: dict = field(default_factory=dict)
    # the deterministic level (never None) and where it came from
    deterministic_level: str | None = None
    level_basis: str = RULE_BASIS  # "rule_floor" | "no_rule_default"
    raised_by_llm: bool = False
    level_vote: str | None = None  # why the model's answer had no level vote, if it had none

    @property
    def patient_text(self) -> str:
        """What the patient sees: crisis line, action, explanation, disclaimer."""
        parts = []
        if self.crisis:
            parts.append(CRISIS_TEXT)
        parts.append(self.action)
        if self.explanation_source != "crisis_template":
            parts.append(self.explanation)
        parts.append(self.disclaimer)
        return " ".join(p for p in parts if p)

    def to_audit(self) -> dict:
        """Plain dict for the audit record (the caller adds conversation hash + time)."""
        d = asdict(self)
        d["patient_text"] = self.patient_text
        return d


def _max(a: str | None, b: str | None) -> str | None:
    return a if rank(a) >= rank(b) else b


def deterministic_level(floor_disposition, no_rule_level=None) -> tuple[str, str]:
    """(level, basis) before the model: the rule floor, or when no rule decided the higher of
    ``urgent`` and the rules' own default (``no_rule_level``)."""
    floor = coerce_disposition(floor_disposition)
    if floor is not None:
        return floor, RULE_BASIS
    default = coerce_disposition(no_rule_level)
    if default is not None and rank(default) >= rank(NO_DECISION_DISPOSITION):
        return default, NO_RULE_BASIS
    return NO_DECISION_DISPOSITION, NO_RULE_BASIS


def _level_vote(
    llm_output: str | dict | TriageOutput | None, prefill: str
) -> tuple[str | None, str | None]:
    """(suggestion, reason there is none) — from the settled prefix of a text answer, even a
    cut-off one, so the vote is the same however late the answer came."""
    if llm_output is None:
        return None, "no_output"
    if isinstance(llm_output, TriageOutput):
        return llm_output.suggested_disposition, None
    if isinstance(llm_output, dict):
        try:
            return validate(llm_output).suggested_disposition, None
        except SchemaError as exc:
            return None, exc.reason
    vote = decide_level(llm_output, prefill)
    if vote is None:
        return None, "unsettled"
    return vote.suggestion, vote.reason


def apply_llm(
    floor_disposition,
    crisis: bool,
    llm_output: str | dict | TriageOutput | None,
    error: BaseException | str | None,
    *,
    patient_text: str = "",
    prefill: str = "",
    no_rule_level=None,
) -> GuardedResult:
    """Combine the deterministic level with the model's answer. Pure and total: never raises
    on bad model output (only on a bad ``floor_disposition`` from our own code).

    ``llm_output`` may be given together with ``error`` (the partial text of a timed-out
    answer): then only its level vote is used, never its phrasing."""
    floor = coerce_disposition(floor_disposition)
    base, basis = deterministic_level(floor, no_rule_level)
    rejections: list[Rejection] = []
    notes: tuple[str, ...] = ()
    parsed: TriageOutput | None = None
    fallback_reason: str | None = None
    suggestion, vote_reason = _level_vote(llm_output, prefill)

    # 1. get a schema-valid answer for the phrasing, or a reason why not
    if error is not None:
        fallback_reason = getattr(error, "reason", None) or "llm_error"
        rejections.append(Rejection("output", fallback_reason, str(error)[:200]))
    elif llm_output is None:
        fallback_reason = "no_output"
        rejections.append(Rejection("output", "no_output"))
    elif isinstance(llm_output, TriageOutput):
        parsed = llm_output
    else:
        try:
            if isinstance(llm_output, dict):
                parsed = validate(llm_output)
            else:
                parsed = parse_llm_json(llm_output, prefill=prefill)
        except SchemaError as exc:
            raw = llm_output if isinstance(llm_output, str) else ""
            fallback_reason = "refusal" if content.is_refusal(raw) else exc.reason
            rejections.append(Rejection("output", fallback_reason, exc.detail[:200]))
    if parsed is not None:
        notes = parsed.notes
        if parsed.explanation and content.is_refusal(parsed.explanation):
            # A refusal wrapped in JSON is still a refusal: use none of it.
            rejections.append(Rejection("output", "refusal", parsed.explanation[:200]))
            fallback_reason, parsed = "refusal", None

    # 2. facts: only those grounded in the patient's words
    facts: list[str] = []
    if parsed is not None:
        for f in parsed.facts:
            bad = content.check_fact(f, patient_text=patient_text)
            if bad:
                rejections.append(Rejection("facts", bad.kind, f[:80]))
            else:
                facts.append(f)

    # 3. disposition: the deterministic level, raised (never lowered) by the model's vote
    offer_human = basis == NO_RULE_BASIS
    disposition = _max(base, suggestion)
    if suggestion is not None and rank(suggestion) < rank(base):
        code = "lower_than_floor" if basis == RULE_BASIS else "lower_than_default"
        rejections.append(Rejection("suggested_disposition", code, f"{suggestion} < {base}"))
    if basis == NO_RULE_BASIS and suggestion is None:
        fallback_reason = fallback_reason or "no_decision"
    raised = rank(disposition) > rank(base)
    assert disposition in DISPOSITIONS

    # 4. explanation: model's sentence only if clean and consistent with the final level
    explanation, source = TEMPLATES[disposition], "template"
    model_expl = parsed.explanation if parsed else None
    if crisis:
        source = "crisis_template"
        offer_human = True
        if model_expl:
            rejections.append(Rejection("explanation", "crisis_uses_template"))
    elif model_expl:
        violations = content.check_explanation(model_expl, patient_text=patient_text)
        for viol in violations:
            rejections.append(Rejection("explanation", viol.kind, viol.match[:80]))
        if (
            not violations
            and facts
            and not (content.content_stems(model_expl) & content.content_stems(" ".join(facts)))
        ):
            # A sentence about none of the patient's symptoms is noise at best.
            violations = [content.Violation("unrelated", model_expl[:40])]
            rejections.append(Rejection("explanation", "unrelated", model_expl[:80]))
        if not violations and suggestion != disposition:
            # The sentence was written to justify a different level (or none): showing it
            # next to a higher final level would send mixed messages.
            violations = [
                content.Violation("inconsistent_with_final", f"{suggestion} != {disposition}")
            ]
            rejections.append(
                Rejection(
                    "explanation", "inconsistent_with_final", f"{suggestion} != {disposition}"
                )
            )
        if not violations:
            explanation, source = model_expl, "llm"

    llm_used = (
        bool(facts)
        or source == "llm"
        or (suggestion is not None and rank(suggestion) >= rank(base))
    )
    return GuardedResult(
        disposition=disposition,
        crisis=bool(crisis),
        floor=floor,
        offer_human=offer_human,
        action=ACTIONS[disposition],
        explanation=explanation,
        explanation_source=source,
        disclaimer=DISCLAIMER,
        facts=tuple(facts),
        llm_suggestion=suggestion,
        llm_used=llm_used,
        fallback_reason=fallback_reason,
        rejections=tuple(rejections),
        input_flags=tuple(content.input_flags(patient_text)),
        validated_output=parsed.as_dict() if parsed else None,
        extraction_notes=notes,
        deterministic_level=base,
        level_basis=basis,
        raised_by_llm=raised,
        level_vote=vote_reason,
    )
