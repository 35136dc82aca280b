"""Symptom pre-screening service: rules engine → guarded LLM → patient message → audit record.

Shared by the chat (actions/triage_result.py) and the batch interface (actions/triage_batch.py), so
both run exactly the same pipeline. The LLM backend is created once per process and warmed up in a
background thread at action-server start, so no patient waits for the model to load.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

from actions.core.guardrails.merge import GuardedResult
from actions.core.guardrails.pipeline import explain_and_guard
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
                _backend = backend_from_env()
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
    # A rule decided only if one fired; otherwise the engine's "book a visit" default is not a
    # floor and an LLM failure falls back to urgent + a human (DESIGN.md §3).
    floor = assessment.disposition if assessment.fired else None
    guarded = explain_and_guard(text, floor, assessment.crisis, llm_backend())
    final = guarded.disposition
    explanation = guarded.explanation if guarded.explanation_source == "llm" else None
    same_level = final == assessment.disposition
    message = compose(
        final, guarded.crisis or assessment.crisis,
        reasons=assessment.reasons if same_level else [],
        explanation=explanation or (None if same_level else guarded.explanation),
        advice=assessment.advice if same_level else None,
        return_precautions=assessment.return_precautions,
    )
    return PreScreen(assessment=assessment, guarded=guarded, message=message)


def immediate_line(assessment: Assessment) -> str | None:
    """911 / 988 line to send before the LLM runs, if the rules already demand it."""
    return urgent_first_line(assessment.disposition, assessment.crisis)


def llm_disabled() -> bool:
    return (os.environ.get("LLM_BACKEND") or "local").lower() in {"none", "off", "disabled"}
