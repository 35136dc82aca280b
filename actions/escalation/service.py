"""Putting a conversation in the staff queue from any action, with a structured summary.

Thin adapter: the queue lives in Redis (actions.escalation.store), the summary comes from slots the
symptom check and the booking form left behind. A queue failure never costs the patient an answer:
they are told to phone the clinic instead.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import settings
from actions.core.escalation.model import Entry, Reason, Summary, eta_text
from actions.core.privacy import conversation_log_fields
from actions.escalation.store import EscalationQueue
from actions.slots import TRIAGE_DISPOSITION, TRIAGE_SUMMARY

log = logging.getLogger(__name__)

CLINIC_PHONE = "(555) 010-0100"
CHANNELS = {"webchat": "webchat", "twilio_sms": "sms", "twilio_whatsapp": "whatsapp",
            "rest": "rest", "patient_rest": "rest"}
URGENT_REASONS = (Reason.EMERGENCY, Reason.CRISIS)

# Fire-and-forget enqueues (emergencies) must not be garbage-collected before they run.
_background: set[asyncio.Task[Any]] = set()


@lru_cache(maxsize=1)
def queue() -> EscalationQueue:
    current = settings.current()
    return EscalationQueue.from_url(current.redis_url, current.retention.queue_closed_seconds)


def channel_of(tracker: Tracker) -> str:
    return CHANNELS.get(tracker.get_latest_input_channel() or "", "rest")


def summary_from(tracker: Tracker, reason: Reason) -> Summary:
    facts: dict[str, Any] = tracker.get_slot(TRIAGE_SUMMARY) or {}
    channel = channel_of(tracker)
    return Summary(
        reason=reason,
        chief_complaint=facts.get("complaint"),
        onset=facts.get("onset"),
        severity=facts.get("severity"),
        red_flags=list(facts.get("red_flags") or []),
        disposition=facts.get("disposition") or tracker.get_slot(TRIAGE_DISPOSITION),
        channel=channel,
        language="en",
    )


def _enqueue(conversation_id: str, summary: Summary) -> tuple[Entry, bool, int | None, int]:
    q = queue()
    entry, created = q.enqueue(conversation_id, summary)
    return entry, created, q.position(conversation_id), len(q.agents_online())


async def escalate(dispatcher: CollectingDispatcher, tracker: Tracker, reason: Reason,
                   summary: Summary | None = None, tell_patient: bool = True) -> Entry | None:
    """Queue this conversation for a person and (unless told not to) say what happens next."""
    summary = summary or summary_from(tracker, reason)
    try:
        entry, created, position, online = await asyncio.to_thread(
            _enqueue, tracker.sender_id, summary)
    except Exception as exc:
        log.error("escalation failed", extra=conversation_log_fields(
            tracker.sender_id, reason=reason.value, error=type(exc).__name__))
        if tell_patient:
            dispatcher.utter_message(text=(
                "Sorry, I couldn't reach the clinic team from here just now. Please phone "
                f"{CLINIC_PHONE}. If this is an emergency, call 911 now."))
        return None
    log.info("escalated", extra=conversation_log_fields(
        tracker.sender_id, reason=reason.value, priority=entry.priority, new_entry=created))
    if tell_patient and not created and entry.status == "claimed":
        dispatcher.utter_message(text="A person from the clinic team is with you in this chat.")
    elif tell_patient and not created:
        dispatcher.utter_message(text=(
            "You're already in the queue for a person from the clinic team, who will see "
            "everything you write here. If this is an emergency, call 911 now."))
    elif tell_patient:
        wait = eta_text(position or 1, online)
        dispatcher.utter_message(text=(
            "I've asked a person from the clinic team to join this conversation. "
            f"It may take {wait}. You can keep writing here, and they'll see what you've "
            "already told me. If this is an emergency, call 911 now."
            + ("" if online else f" You can also phone the clinic on {CLINIC_PHONE} during "
               "opening hours.")))
    return entry


def escalate_in_background(tracker: Tracker, reason: Reason,
                           summary: Summary | None = None) -> None:
    """Queue an emergency or crisis without delaying the 911/988 message the patient gets."""
    summary = summary or summary_from(tracker, reason)
    sender = tracker.sender_id

    async def run() -> None:
        try:
            entry, created, _, _ = await asyncio.to_thread(_enqueue, sender, summary)
            log.info("escalated", extra=conversation_log_fields(
                sender, reason=reason.value, priority=entry.priority, new_entry=created))
        except Exception as exc:
            log.error("escalation failed", extra=conversation_log_fields(
                sender, reason=reason.value, error=type(exc).__name__))

    task = asyncio.get_running_loop().create_task(run())
    _background.add(task)
    task.add_done_callback(_background.discard)
