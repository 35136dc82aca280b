"""Audit record of one AI-assisted triage assessment (pure; see docs/architecture.md).

Holds: conversation id hash, inputs as extracted facts (not the raw message), rules fired, model id,
prompt version, raw and validated model output, final disposition, timestamp.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

AUDIT_FIELDS = (
    "conversation", "timestamp", "channel", "inputs", "rules_fired", "red_flags", "rule_floor",
    "model_id", "prompt_id", "prompt_version", "llm_called", "raw_output", "validated_output",
    "rejections", "fallback_reason", "final_disposition", "crisis", "offer_human",
)


def _facts(facts: Any) -> dict[str, Any]:
    return {
        "present": sorted(getattr(facts, "present", []) or []),
        "absent": sorted(getattr(facts, "absent", []) or []),
        "age_years": getattr(facts, "age_years", None),
        "sex": getattr(facts, "sex", None),
        "duration_hours": getattr(facts, "duration_hours", None),
        "severity": getattr(facts, "severity", None),
        "temperature_c": getattr(facts, "temperature_c", None),
        "pregnant": getattr(facts, "pregnant", None),
    }


def build_record(conversation_hash: str, assessment: Any, guarded: Any,
                 answers: dict[str, str] | None = None, channel: str | None = None,
                 now: float | None = None) -> dict[str, Any]:
    """A JSON-ready audit record. ``guarded`` is a GuardedResult (or None if no LLM step ran)."""
    g = dataclasses.asdict(guarded) if guarded is not None else {}
    when = time.gmtime(time.time() if now is None else now)
    return {
        "conversation": conversation_hash,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", when),
        "channel": channel,
        "inputs": {"facts": _facts(assessment.facts), "answers": dict(answers or {})},
        "rules_fired": list(assessment.fired),
        "red_flags": list(assessment.red_flags),
        "rule_floor": assessment.disposition,
        "model_id": g.get("model_id"),
        "prompt_id": g.get("prompt_id"),
        "prompt_version": g.get("prompt_version"),
        "llm_called": bool((g.get("extra") or {}).get("llm_called")),
        "raw_output": g.get("raw_output"),
        "validated_output": g.get("validated_output"),
        "rejections": [dict(r) for r in g.get("rejections", ())],
        "fallback_reason": g.get("fallback_reason"),
        "final_disposition": g.get("disposition", assessment.disposition),
        "crisis": bool(g.get("crisis", assessment.crisis)),
        "offer_human": bool(g.get("offer_human", False)),
    }
