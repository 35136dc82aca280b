"""The screening gate: every patient message is screened for red flags and crisis first.

Why here, in the Rasa process, around ``MessageProcessor.handle_message``: whatever state the
conversation is in — the opener, any interview question, any booking step, after an FAQ answer,
while a person from the clinic owns the conversation (Rasa is paused then) — the words go through
the same screen *before* NLU intents, forms or rules get a chance to swallow them as "a number",
"yes/no" or "goodbye". Nothing the dialogue expected can outrank "my wife won't wake up".

One turn:
1. Very long messages are cut to their beginning and end (nothing real is that long; the patient
   is told) — never refused.
2. The action server's ``action_safety_screen`` gets the message with the facts gathered so far
   (a small, fixed-size request: the turn's cost does not grow with the conversation). If it
   answers with messages (911 / 988, or the Spanish reply), they go out at once, the current form
   is left, and nothing else runs this turn.
3. If the action server cannot be reached, a compact pattern list in this process
   (``bot/safety_fallback.py``) still gives the 911 / 988 line: the emergency reply never depends
   on another process being up. When those patterns fire and the action server has not answered
   within ``LOCAL_ANSWER_AFTER_S``, they answer at once (the patient does not wait out the full
   timeout), and the conversation is written to the outbox (``bot/safety_outbox.py``) so the staff
   queue learns about it when the action server and Redis are back.
   After a failed screen the action server counts as down for ``DOWN_FOR_S``: turns then get the
   "having trouble" reply at once instead of waiting on actions that cannot run.
4. Otherwise Rasa handles the turn as usual — and if that produced no message at all (an action
   crashed, a rule did not match), the patient gets a short apology with the 911 line instead of
   silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
from typing import Any

import aiohttp
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot import safety_fallback, safety_outbox
from bot.channels.message_limits import fit_message
from bot.conversation_hash import conversation_hash
from bot.log_frames import frames

log = logging.getLogger(__name__)

GATE_ACTION = "action_safety_screen"
# The screen is a few ms of rules; under heavy load it may queue. Past this, the local pattern list
# answers instead: a patient in danger never waits on a slow or dead action server.
SCREEN_TIMEOUT_S = 6.0
# When the compact patterns see an emergency and the action server has not answered after this,
# its health endpoint gets HEALTH_TIMEOUT_S: no answer there either, and the local lines go out.
LOCAL_ANSWER_AFTER_S = 0.9
HEALTH_TIMEOUT_S = 0.7
# After a failed screen or action call: the action server counts as down for this long (per Rasa
# worker), turns are answered at once, and the screen is only probed with a short timeout.
DOWN_FOR_S = 15.0
PROBE_TIMEOUT_S = 1.5
CLINIC_PHONE = "(555) 010-0100"  # data/clinic.yml
NO_REPLY_TEXT = (
    "Sorry, I couldn't process that just now. If this is an emergency, call 911 (or call or text "
    "988 for a mental health crisis). Please try again in a moment, or type \"person\" to reach "
    "the clinic team."
)
TROUBLE_TEXT = (
    "Sorry, I'm having technical trouble right now and can't help with that at the moment. "
    f"Please phone the clinic at {CLINIC_PHONE}. If this is an emergency, call 911; for a mental "
    "health crisis, call or text 988."
)
CUT_NOTE = (
    "Your message was very long, so I read its beginning and its end. If I missed something "
    "important, please send it again in a shorter message."
)
# Slots the gate's request carries: what the screen needs to know "the facts gathered so far"
# (the interview's complaint, answers and age) and who the conversation belongs to.
SCREEN_SLOTS = ("triage_complaint", "triage_answers", "triage_age", "triage_asked",
                "triage_question")


def _latest_user_event(tracker: DialogueStateTracker) -> UserUttered | None:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return event
    return None


def screen_request(tracker: DialogueStateTracker) -> dict[str, Any]:
    """The action-server request for the screen: fixed size, whatever the conversation's length."""
    user = _latest_user_event(tracker)
    slots = {name: tracker.get_slot(name) for name in SCREEN_SLOTS
             if name in tracker.slots}
    state = {
        "sender_id": tracker.sender_id,
        "slots": slots,
        "latest_message": tracker._latest_message_data(),
        "events": [user.as_dict()] if user else [],
        "paused": tracker.is_paused(),
        "followup_action": None,
        "active_loop": dataclasses.asdict(tracker.active_loop) if tracker.active_loop else {},
        "latest_action_name": tracker.latest_action_name,
    }
    body = {"next_action": GATE_ACTION, "sender_id": tracker.sender_id, "tracker": state,
            "domain": {}, "version": rasa.__version__}
    # NLU confidences are numpy floats (inside the active loop's trigger message too): plain JSON.
    return json.loads(json.dumps(body, default=_plain))


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


class _ActionServerHealth:
    """Whether the last screen failed (per Rasa worker): then actions are not tried for a while."""

    def __init__(self) -> None:
        self.down_until = 0.0

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self) -> None:
        self.down_until = time.monotonic() + DOWN_FOR_S

    def answered(self) -> None:
        self.down_until = 0.0


action_server = _ActionServerHealth()


async def _remote_screen(processor: MessageProcessor, tracker: DialogueStateTracker,
                         output_channel: OutputChannel, timeout_s: float) -> list[Event]:
    endpoint = processor.action_endpoint
    if endpoint is None:
        raise RuntimeError("no action endpoint")
    response = await endpoint.request(
        json=screen_request(tracker), method="post",
        timeout=aiohttp.ClientTimeout(total=timeout_s))
    if not isinstance(response, dict):
        raise RuntimeError("empty action-server response")
    responses = response.get("responses") or []
    events = deserialise_events(response.get("events") or [])
    if not responses:
        # Not for the gate to answer: keep what the screen remembers (slots only), then the
        # normal turn. No ActionExecuted is logged, so rules and forms see the turn untouched.
        for event in events:
            if isinstance(event, SlotSet):
                tracker.update(event)
        return []
    action = RemoteAction(GATE_ACTION, endpoint)
    bot_events = await action._utter_responses(responses, output_channel, processor.nlg, tracker)
    return [*bot_events, *events]


def _local_screen(tracker: DialogueStateTracker) -> list[Event]:
    text = (tracker.latest_message.text if tracker.latest_message else "") or ""
    lines = safety_fallback.screen(text)
    if not lines:
        return []
    return [BotUttered(text=line) for line in lines] + [ActiveLoop(None),
                                                       SlotSet("requested_slot", None)]


def record_for_staff(sender_id: str, text: str, channel: str | None) -> None:
    """Tell the staff queue (later, via the outbox) about an emergency answered locally."""
    found = safety_fallback.kinds(text)
    if not found:
        return
    kind = "emergency" if "emergency" in found else "crisis"
    try:
        safety_outbox.record(safety_outbox.outbox_dir(), sender_id, kind, channel or "rest")
    except OSError as exc:
        log.error("safety outbox write failed conv=%s error=%s", conversation_hash(sender_id),
                  type(exc).__name__)


async def _action_server_alive(processor: MessageProcessor) -> bool:
    endpoint = processor.action_endpoint
    if endpoint is None:
        return False
    url = endpoint.url.rsplit("/webhook", 1)[0] + "/health"
    try:
        async with aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_S)) as session, \
                session.get(url) as response:
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def _screen(processor: MessageProcessor, tracker: DialogueStateTracker,
                  output_channel: OutputChannel, text: str) -> tuple[list[Event], str]:
    """The screen's events and who decided.

    The action server gets SCREEN_TIMEOUT_S (PROBE_TIMEOUT_S while it counts as down). A message
    the local patterns flag is answered locally at once while the action server counts as down,
    and after LOCAL_ANSWER_AFTER_S when its health endpoint does not answer either (a crashed
    worker behind a live listening socket): the 911 / 988 line never waits out the timeout. A
    server that is merely busy keeps its full time: its screen is the richer one."""
    flagged = bool(safety_fallback.kinds(text))
    if flagged and action_server.is_down():
        return _local_screen(tracker), "local patterns"
    timeout_s = PROBE_TIMEOUT_S if action_server.is_down() else SCREEN_TIMEOUT_S
    remote = asyncio.ensure_future(_remote_screen(processor, tracker, output_channel, timeout_s))
    try:
        if flagged:
            done, _ = await asyncio.wait({remote}, timeout=LOCAL_ANSWER_AFTER_S)
            if not done and not await _action_server_alive(processor):
                remote.cancel()
                with contextlib.suppress(BaseException):
                    await remote
                # Not marked as down: a server this busy may still answer the next turns.
                log.error("safety screen: action server not answering, local patterns used "
                          "conv=%s", conversation_hash(tracker.sender_id))
                return _local_screen(tracker), "local patterns"
        events = await remote
    except asyncio.CancelledError:
        remote.cancel()
        raise
    except Exception as exc:  # unreachable, slow or broken action server: screen here
        log.error("safety screen unavailable, local patterns used conv=%s error=%s at=%s",
                  conversation_hash(tracker.sender_id), type(exc).__name__, frames(exc))
        action_server.failed()
        return _local_screen(tracker), "local patterns"
    action_server.answered()
    return events, "action server"


_rasa_remote_run = RemoteAction.run


async def _remote_run(self: RemoteAction, *args: Any, **kwargs: Any) -> list[Event]:
    """RemoteAction.run; a connection failure or timeout marks the action server as down, so
    the next turns do not wait on it."""
    try:
        return await _rasa_remote_run(self, *args, **kwargs)
    except asyncio.TimeoutError:
        action_server.failed()
        raise
    except RasaException as exc:
        if isinstance(exc.__context__, (aiohttp.ClientConnectionError, asyncio.TimeoutError)):
            action_server.failed()
        raise


async def _run_gate(processor: MessageProcessor, tracker: DialogueStateTracker,
                    output_channel: OutputChannel) -> bool:
    """True if the gate answered this turn (the turn ends here)."""
    text = (tracker.latest_message.text if tracker.latest_message else "") or ""
    if not text.strip() or text.startswith("/"):
        return False  # our own button payloads carry no patient words
    events, via = await _screen(processor, tracker, output_channel, text)
    if not events:
        return False
    if via == "local patterns":
        record_for_staff(tracker.sender_id, text, tracker.get_latest_input_channel())
    action = RemoteAction(GATE_ACTION, processor.action_endpoint)
    prediction = PolicyPrediction.for_action_name(processor.domain, GATE_ACTION)
    processor._log_action_on_tracker(tracker, action, events, prediction)
    await processor.execute_side_effects(events, tracker, output_channel)
    # Back to "waiting for the patient", so the next turn's rules see a fresh user turn.
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    log.info("safety gate answered conv=%s via=%s", conversation_hash(tracker.sender_id), via)
    return True


def _bot_messages_since_user(tracker: DialogueStateTracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            count += 1
    return count


async def handle_message(self: MessageProcessor,
                         message: UserMessage) -> list[dict[str, Any]] | None:
    """``MessageProcessor.handle_message`` with the gate in front and no silent turns."""
    message.text, cut = fit_message(message.text or "")
    tracker = await self.log_message(message, should_save_tracker=False)
    if await _run_gate(self, tracker, message.output_channel):
        pass
    elif action_server.is_down():
        # Actions cannot run: a kind answer now rather than a turn that waits and fails.
        await _say(self, tracker, message.output_channel, TROUBLE_TEXT)
    else:
        tracker = await self.run_action_extract_slots(message.output_channel, tracker)
        await self._run_prediction_loop(message.output_channel, tracker)
        if not tracker.is_paused() and _bot_messages_since_user(tracker) == 0:
            log.error("turn ended without a reply conv=%s", conversation_hash(tracker.sender_id))
            await _say(self, tracker, message.output_channel, NO_REPLY_TEXT)
    if cut:
        await _say(self, tracker, message.output_channel, CUT_NOTE)
    await self.run_anonymization_pipeline(tracker)
    await self.save_tracker(tracker)
    if isinstance(message.output_channel, CollectingOutputChannel):
        return message.output_channel.messages
    return None


async def _say(processor: MessageProcessor, tracker: DialogueStateTracker,
               output_channel: OutputChannel, text: str) -> None:
    event = BotUttered(text=text)
    tracker.update(event)
    await processor.execute_side_effects([event], tracker, output_channel)


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        MessageProcessor.handle_message = handle_message  # type: ignore[method-assign]
        RemoteAction.run = _remote_run  # type: ignore[method-assign]
        _installed = True
