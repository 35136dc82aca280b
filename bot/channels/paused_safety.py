"""The one exception to "the assistant stays silent while a person owns the conversation".

When a staff member claims a conversation, Rasa pauses it: patient messages are recorded, nothing
is predicted. But "my chest is crushing" typed to a busy agent must not wait for them: after
every message in a paused conversation our channels run one custom action that screens the words
with the same red-flag and crisis rules as everywhere else and, only if they fire, sends the
911/988 instruction and raises the queue entry to top priority. Anything else stays with the
person.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.policies.policy import PolicyPrediction
from sanic import Sanic

log = logging.getLogger(__name__)

ACTION = "action_screen_while_paused"


async def screen_if_paused(sender_id: str, output_channel: OutputChannel,
                           app: Any | None = None) -> None:
    try:
        app = app or Sanic.get_app()
    except Exception:  # no running Rasa app (unit tests of the channels)
        return
    agent = getattr(app.ctx, "agent", None)
    if agent is None or agent.processor is None:
        return
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None or not tracker.is_paused():
            return
        async with agent.lock_store.lock(sender_id):
            await agent.processor.execute_action(
                sender_id, ACTION, output_channel, agent.nlg,
                PolicyPrediction.for_action_name(agent.domain, ACTION))
    except Exception as exc:  # the patient's message is recorded either way
        log.error("paused-conversation screen failed error=%s", type(exc).__name__)
