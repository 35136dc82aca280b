"""Symptom pre-screening service: rules engine → guarded LLM → patient message → audit record.

Shared by the chat (actions/triage/result.py) and the batch interface (actions/triage/batch.py), so
both run exactly the same pipeline. The LLM backend is created once per process and warmed up in a
background thread at action-server start, so no patient waits for the model to load.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from actions import settings
from actions.core.guardrails.merge import NO_RULE_BASIS, NO_RULE_REASON, GuardedResult
from actions.core.guardrails.pipeline import explain_and_guard
from actions.core.triage.audit import build_record
from actions.core.triage.engine import Assessment, assess
from actions.core.triage.messages import PatientMessage, compose, urgent_first_line
from actions.llm.base import LLMBackend, LLMError
from actions.llm.factory import backend_from_env

log = logging.getLogger(__name__)

_backend: LLMBackend | None = None
_backend_ready = False
_backend_lock = threading.Lock()


def llm_backend() -> LLMBackend | None:
    """The configured backend (LLM_BACKEND), created once; None if disabled or unavailable."""
    global _backend, _backend_ready
    if _backend_ready:
        return _backend
    with _backend_lock:
        if not _backend_ready:
            try:
                _backend = backend_from_env(settings.current().llm_env)
            except LLMError as exc:
                log.error("LLM backend unavailable, using rule-only fallback",
                          extra={"error": type(exc).__name__})
                _backend = None
            _backend_ready = True
    return _backend


def warm_up() -> None:
    """Load the spaCy pipeline and the LLM once, at action-server start (before /health says
    ok), so the first patients never wait for a model to load."""
    try:
        assess("warm up: I have a mild cough")
        backend = llm_backend()
        if backend is not None and hasattr(backend, "warmup"):
            backend.warmup()
        log.info("triage pipeline warm", extra={"llm": getattr(backend, "model_id", None)})
    except Exception as exc:  # a warm-up failure must never take the server down
        log.error("triage warm-up failed", extra={"error": type(exc).__name__})


@dataclass
class PreScreen:
    assessment: Assessment
    guarded: GuardedResult
    message: PatientMessage
    reasons: tuple[str, ...] = ()  # the "why" shown to the patient: always about the final level

    @property
    def reason(self) -> str:
        """One line for the batch output: the same why the patient read."""
        return " ".join(self.reasons) or self.guarded.explanation

    @property
    def disposition(self) -> str:
        return self.guarded.disposition

    @property
    def crisis(self) -> bool:
        return self.guarded.crisis or self.assessment.crisis

    @property
    def llm_used(self) -> bool:
        return self.guarded.llm_used


def rule_screen(text: str, age: float | None = None, sex: str | None = None,
                answers: dict[str, Any] | None = None) -> Assessment:
    """Deterministic part only (fast): used to send the 911/988 line before anything else."""
    return assess(text, age=age, sex=sex, answers=answers)


def pre_screen(text: str, age: float | None = None, sex: str | None = None,
               answers: dict[str, Any] | None = None,
               assessment: Assessment | None = None) -> PreScreen:
    """The full pre-screen. Blocking (the LLM): call it via ``asyncio.to_thread`` in a server."""
    assessment = assessment or rule_screen(text, age=age, sex=sex, answers=answers)
    # A rule decided only if one fired. Otherwise the level is fixed before the model runs:
    # urgent + a person (or the rules' own default if higher), the same level an LLM failure
    # gives, so whether the model answered in time can never change it (same words, same level)
    floor = assessment.disposition if assessment.fired else None
    no_rule_level = None if assessment.fired else assessment.disposition
    guarded = explain_and_guard(text, floor, assessment.crisis, llm_backend(),
                                no_rule_level=no_rule_level)
    final = guarded.disposition
    explanation = guarded.explanation if guarded.explanation_source == "llm" else None
    # Each "why" is shown only next to the level it was written for, so the message never
    # argues for another level than the one it gives (the engine's no-rule reason says
    # "book an appointment", which is wrong next to urgent).
    at_deterministic = final == guarded.deterministic_level
    if guarded.level_basis == NO_RULE_BASIS:
        reasons = [NO_RULE_REASON] if at_deterministic else []
        advice = None
    else:
        reasons = list(assessment.reasons) if at_deterministic else []
        advice = assessment.advice if at_deterministic else None
    message = compose(
        final, guarded.crisis or assessment.crisis,
        reasons=reasons,
        explanation=explanation or (None if reasons else guarded.explanation),
        advice=advice,
        return_precautions=assessment.return_precautions,
    )
    return PreScreen(assessment=assessment, guarded=guarded, message=message,
                     reasons=tuple(reasons))


def audit_record(conversation: str, screen: PreScreen, answers: dict[str, str] | None = None,
                 channel: str | None = None) -> dict[str, Any]:
    """The audit record of one pre-screen, with how its level was reached: the deterministic
    level and why (``rule_floor`` / ``no_rule_default``), the model's vote and whether it
    raised the level, so any disposition can be re-derived from its record."""
    record = build_record(conversation, screen.assessment, screen.guarded, answers=answers,
                          channel=channel)
    g = screen.guarded
    record.update({
        "deterministic_level": g.deterministic_level,
        "level_basis": g.level_basis,
        "llm_suggestion": g.llm_suggestion,
        "llm_vote_missing": g.level_vote,
        "raised_by_llm": g.raised_by_llm,
        "llm_used": g.llm_used,
    })
    return record


def immediate_line(assessment: Assessment) -> str | None:
    """911 / 988 line to send before the LLM runs, if the rules already demand it."""
    return urgent_first_line(assessment.disposition, assessment.crisis)


def llm_disabled() -> bool:
    return settings.current().llm_disabled
