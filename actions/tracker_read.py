"""Reading a tracker safely: the latest message's text, intent and entities, and the form running.

``tracker.latest_message`` and ``tracker.active_loop`` may be missing or partial (a button
payload, the small tracker the screening gate sends); these never raise and give "" / None / []
instead.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
    return (tracker.latest_message or {}).get("entities") or []


def active_form(tracker: Tracker) -> str | None:
    """The form (``active_loop``) running now, if any."""
    return (tracker.active_loop or {}).get("name")
