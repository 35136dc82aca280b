"""Greeting: the not-a-clinician notice and the capability menu.

A first-time patient gets the full notice; a returning one (slot ``consent_shown`` already set,
kept in Redis across sessions and restarts) gets a shorter welcome that still repeats it.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.core.menu import GOODBYE, MENU_BUTTONS, greeting
from actions.core.privacy import conversation_log_fields
from actions.slots import CONSENT_SHOWN, TRIAGE_FORM
from actions.tracker_read import active_form

log = logging.getLogger(__name__)

class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        returning = bool(tracker.get_slot(CONSENT_SHOWN))
        dispatcher.utter_message(text=greeting(returning), buttons=MENU_BUTTONS)
        log.info(
            "greeted",
            extra=conversation_log_fields(tracker.sender_id, returning=returning),
        )
        return [SlotSet(CONSENT_SHOWN, True)]


class ActionGoodbye(Action):
    """"Goodbye" — except as an answer inside the symptom check.

    A bare "no" (or "nope, that's all") to the interview's last question is often filed as
    goodbye by NLU; the form then takes it as the answer and gives the result. A "Goodbye, and
    take care" in front of that result would read as the end of the conversation, so inside the
    symptom check this stays silent and the form goes on.
    """

    def name(self) -> str:
        return "action_goodbye"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if active_form(tracker) == TRIAGE_FORM:
            return []
        dispatcher.utter_message(text=GOODBYE)
        return []
