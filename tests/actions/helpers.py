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
