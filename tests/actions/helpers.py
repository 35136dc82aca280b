"""Build rasa_sdk trackers for action tests (no servers needed)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def make_tracker(text: str = "", intent: str = "report_symptoms", slots: dict | None = None,
                 active_loop: str | None = None, sender: str = "test-sender") -> Tracker:
    latest: dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.9},
                              "entities": []}
    return Tracker(
        sender_id=sender, slots={"requested_slot": None, **(slots or {})},
        latest_message=latest, events=[], paused=False, followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def record_side_effects(monkeypatch: Any, with_summary: bool = False) -> dict[str, list[Any]]:
    """Replace the audit store and the background staff alert with recorders (no Redis).

    ``escalations`` holds each alert's reason, or ``(reason, summary)`` with ``with_summary``."""
    from actions.escalation import service as escalation_service
    from actions.triage import audit_store

    seen: dict[str, list[Any]] = {"audits": [], "escalations": []}

    async def fake_append(record: dict) -> None:
        seen["audits"].append(record)

    def fake_escalate(tracker: Any, reason: Any, summary: Any = None) -> None:
        seen["escalations"].append((reason, summary) if with_summary else reason)

    monkeypatch.setattr(audit_store, "append", fake_append)
    monkeypatch.setattr(escalation_service, "escalate_in_background", fake_escalate)
    return seen
