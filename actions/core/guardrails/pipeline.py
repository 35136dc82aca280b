"""Glue: prompt → backend → guards → GuardedResult (with everything the audit needs).

Pure apart from calling the backend it is handed; never raises because of the model.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from actions.core.guardrails.merge import GuardedResult, Rejection, apply_llm
from actions.core.guardrails.schema import level_settled
from actions.core.triage.disposition import is_emergency
from actions.llm.base import LLMBackend, LLMError, LLMUnavailable
from actions.llm.prompt import Prompt, load_prompt

log = logging.getLogger(__name__)


def explain_and_guard(
    text: str,
    floor,
    crisis: bool,
    backend: LLMBackend | None,
    prompt: Prompt | None = None,
    *,
    timeout_s: float | None = None,
    max_tokens: int | None = None,
    call_llm_at_emergency: bool = False,
    no_rule_level=None,
) -> GuardedResult:
    """Run the LLM pre-screen for the patient's ``text`` behind the guardrails.

    ``floor`` is the rules engine's disposition (str/Enum) or None if no rule decided; then
    the level is ``urgent`` (or ``no_rule_level``, the rules' own default, if higher) and a
    person is offered, whatever the model answers (it may only raise it).
    The backend is asked to let the deadline stop it only once the model's level vote is
    settled (``protect``), so on a slow run the model's sentence may be lost, not its vote.
    The model is not called in a crisis, or (by default) when the floor is already
    ``emergency``: those answers must go out at once and the model could add nothing
    that changes them.
    """
    prompt = prompt or load_prompt()
    timeout_s = prompt.timeout_s if timeout_s is None else timeout_s
    max_tokens = prompt.max_tokens if max_tokens is None else max_tokens
    floor_value = getattr(floor, "value", floor)

    raw: str | None = None
    error: BaseException | str | None = None
    skipped: str | None = None
    latency_ms: float | None = None
    _, truncated = prompt.sanitize(text)

    if crisis:
        skipped = "crisis_skip_llm"
    elif is_emergency(floor_value) and not call_llm_at_emergency:
        skipped = "emergency_skip_llm"
    elif backend is None:
        error = LLMUnavailable("no LLM backend configured")
    else:
        t0 = time.monotonic()
        try:
            raw = backend.complete(
                prompt.render(text),
                max_tokens=max_tokens,
                timeout_s=timeout_s,
                protect=lambda so_far: level_settled(so_far, prompt.assistant_prefill),
            )
        except LLMError as exc:
            error = exc
            raw = getattr(exc, "partial", None) or None
        except Exception as exc:
            log.exception("LLM backend raised unexpectedly")
            error = LLMError(f"{type(exc).__name__}: {exc}")
        latency_ms = round((time.monotonic() - t0) * 1000, 1)

    result = apply_llm(
        floor,
        crisis,
        None if skipped else raw,
        error,
        patient_text=text,
        prefill=prompt.assistant_prefill,
        no_rule_level=no_rule_level,
    )
    if skipped:
        # Not a failure: drop the "no_output" rejection apply_llm recorded.
        result = dataclasses.replace(
            result,
            rejections=tuple(r for r in result.rejections if r.reason != "no_output"),
            fallback_reason=skipped
            if result.fallback_reason in (None, "no_output")
            else result.fallback_reason,
        )
    extra_rejections: tuple[Rejection, ...] = ()
    if truncated:
        extra_rejections = (
            Rejection("input", "input_truncated", f">{prompt.max_input_chars} chars"),
        )
    return dataclasses.replace(
        result,
        model_id=backend.model_id if backend is not None else None,
        prompt_id=prompt.id,
        prompt_version=prompt.version,
        raw_output=raw,
        latency_ms=latency_ms,
        rejections=result.rejections + extra_rejections,
        extra={
            "llm_called": latency_ms is not None,
            "timeout_s": timeout_s,
            "max_tokens": max_tokens,
        },
    )
