"""How long stored data lives: one parser for every process (pure: importable from both venvs).

Defaults (README "Retention"; docs/architecture.md section 5):
  CONVERSATION_RETENTION_DAYS  30   Rasa's tracker (the whole conversation), counted from the
                                    last message (RedisTrackerStore ``record_exp``)
  AUDIT_RETENTION_DAYS         400  triage / gate / appointment-lookup audit records
  QUEUE_RETENTION_DAYS         7    closed escalation-queue entries and their staff notes
  MESSAGE_DEDUPE_HOURS         48   Twilio MessageSid "seen" markers (retries come within minutes)

Why a limit on everything: each of these holds PHI or pseudonymous traces of it, and data that
is kept forever is data that can leak forever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DAY_S = 24 * 3600


class RetentionError(ValueError):
    """A retention setting is malformed; the message names it."""


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise RetentionError(f"{name} must be a number") from exc
    if not value > 0:
        raise RetentionError(f"{name} must be positive (data never expiring is not an option)")
    return value


@dataclass(frozen=True)
class Retention:
    conversation_seconds: int = 30 * DAY_S
    audit_seconds: int = 400 * DAY_S
    queue_closed_seconds: int = 7 * DAY_S
    message_dedupe_seconds: int = 48 * 3600

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Retention:
        return cls(
            conversation_seconds=round(_positive(env, "CONVERSATION_RETENTION_DAYS", 30) * DAY_S),
            audit_seconds=round(_positive(env, "AUDIT_RETENTION_DAYS", 400) * DAY_S),
            queue_closed_seconds=round(_positive(env, "QUEUE_RETENTION_DAYS", 7) * DAY_S),
            message_dedupe_seconds=round(_positive(env, "MESSAGE_DEDUPE_HOURS", 48) * 3600),
        )
