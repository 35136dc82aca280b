"""The patient asks for a person (in any words, on any channel): queue the conversation.

The reason recorded for staff is the most specific one we know: an FAQ we could not answer, an
urgent result where the patient wants a callback, or simply "patient asked".
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.core.escalation.model import Reason
from actions.escalation import service as escalation_service
from actions.safety.net import screen_and_reply
from actions.slots import APPT_ANSWER, APPT_STATE, HANDOFF_REASON


def reason_for(tracker: Tracker) -> Reason:
    remembered = tracker.get_slot(HANDOFF_REASON)
    try:
        return Reason(remembered) if remembered else Reason.PATIENT_REQUEST
    except ValueError:
        return Reason.PATIENT_REQUEST


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        # "I need a person, my husband is not breathing" is an emergency first.
        if await screen_and_reply(dispatcher, tracker):
            return [SlotSet(HANDOFF_REASON, None)]
        await escalation_service.escalate(dispatcher, tracker, reason_for(tracker))
        # Leaves any booking in progress (the rules deactivate the form): start afresh later.
        return [SlotSet(HANDOFF_REASON, None), SlotSet(APPT_STATE, None),
                SlotSet(APPT_ANSWER, None)]
