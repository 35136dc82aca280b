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

from actions.core.menu import MENU_BUTTONS, greeting
from actions.core.privacy import conversation_log_fields

log = logging.getLogger(__name__)

SLOT_CONSENT_SHOWN = "consent_shown"


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        returning = bool(tracker.get_slot(SLOT_CONSENT_SHOWN))
        dispatcher.utter_message(text=greeting(returning), buttons=MENU_BUTTONS)
        log.info(
            "greeted",
            extra=conversation_log_fields(tracker.sender_id, returning=returning),
        )
        return [SlotSet(SLOT_CONSENT_SHOWN, True)]
