"""Degraded mode: a turn that cannot run still gets an answer from this process.

Rasa's ``Agent.handle_message`` takes the conversation's lock (Redis), loads the tracker (Redis)
and runs the turn. When Redis is down or the turn fails outright, Rasa 3.6 raises and the patient
gets nothing (REST: an error; SMS and web chat: silence). Here such a turn answers with the compact
911 / 988 lines when the message matches them (``bot/safety_fallback.py``) and a kind "having
trouble, phone the clinic" line; an emergency is also written to the outbox
(``bot/safety_outbox.py``) so the staff queue learns about it once things are back.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import safety_fallback
from bot.conversation_hash import conversation_hash
from bot.log_frames import frames
from bot.safety_gate import TROUBLE_TEXT, record_for_staff

log = logging.getLogger(__name__)


def degraded_lines(sender_id: str, text: str, channel: str | None) -> list[str]:
    """The reply of a turn that could not run (911 / 988 first when they apply); an emergency
    is written to the outbox for the staff queue."""
    record_for_staff(sender_id, text, channel)
    return [*safety_fallback.screen(text), TROUBLE_TEXT]


async def answer_without_state(message: UserMessage) -> list[dict[str, Any]] | None:
    """Send the degraded reply through the message's own output channel."""
    lines = degraded_lines(message.sender_id or "", message.text or "", message.input_channel)
    output = message.output_channel
    for line in lines:
        try:
            await output.send_text_message(message.sender_id or "", line)
        except Exception as exc:  # the channel itself is broken: logged, nothing more to try
            log.error("degraded reply not sent conv=%s error=%s at=%s",
                      conversation_hash(message.sender_id or ""), type(exc).__name__,
                      frames(exc))
            break
    if isinstance(output, CollectingOutputChannel):
        return output.messages
    return None


async def handle_message(self: Agent, message: UserMessage) -> list[dict[str, Any]] | None:
    """``Agent.handle_message``: the same lock and turn, and an answer when they fail."""
    if not self.is_ready():
        log.info("Ignoring message as there is no agent to handle it.")
        return None
    try:
        async with self.lock_store.lock(message.sender_id):
            return await self.processor.handle_message(message)  # type: ignore[union-attr]
    except Exception as exc:
        log.error("turn failed, degraded reply conv=%s error=%s at=%s",
                  conversation_hash(message.sender_id or ""), type(exc).__name__, frames(exc))
        return await answer_without_state(message)


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        Agent.handle_message = handle_message  # type: ignore[method-assign]
        _installed = True
