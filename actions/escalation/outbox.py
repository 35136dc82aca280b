"""Moves the Rasa process's outbox (bot/safety_outbox.py) into the staff queue.

While the action server or Redis was down, the Rasa process answered emergencies and crises from
its own pattern list and wrote one file per conversation. A daemon thread in the action server
queues each at top priority (emergency / crisis) as soon as Redis answers, then deletes the file;
a file that cannot be queued stays for the next pass.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from actions import settings
from actions.core.escalation.model import Reason, Summary
from actions.core.privacy import conversation_log_fields
from actions.escalation.store import EscalationQueue
from bot import safety_outbox

log = logging.getLogger(__name__)

DRAIN_EVERY_S = 2.0
CHANNELS = {"webchat": "webchat", "twilio_sms": "sms", "twilio_whatsapp": "whatsapp"}


def outbox_path() -> Path:
    configured = settings.current().safety_outbox_dir
    return Path(configured) if configured else safety_outbox.DEFAULT_DIR


def drain_once(queue: EscalationQueue, directory: Path) -> int:
    """Queue every pending entry; returns how many were queued (the rest stay)."""
    queued = 0
    for item in safety_outbox.pending(directory):
        reason = Reason.CRISIS if item.kind == "crisis" else Reason.EMERGENCY
        summary = Summary(reason=reason, disposition=reason.value,
                          channel=CHANNELS.get(item.channel, "rest"),
                          red_flags=["answered by the assistant's fallback while degraded"])
        queue.enqueue(item.conversation_id, summary, now=item.at)
        safety_outbox.done(item)
        queued += 1
        log.warning("outbox entry queued", extra=conversation_log_fields(
            item.conversation_id, reason=reason.value))
    return queued


def _loop(stop: threading.Event) -> None:
    queue = EscalationQueue.from_url(settings.current().redis_url)
    directory = outbox_path()
    while not stop.wait(DRAIN_EVERY_S):
        try:
            drain_once(queue, directory)
        except Exception as exc:  # Redis down: the files wait for the next pass
            log.error("outbox drain failed", extra={"error": type(exc).__name__})


_stop = threading.Event()


def start_drainer() -> threading.Thread:
    thread = threading.Thread(target=_loop, args=(_stop,), name="safety-outbox", daemon=True)
    thread.start()
    return thread
