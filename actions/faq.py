"""Clinic questions: thin Rasa adapter over actions.core.faq (retrieval over data/faq/).

Order matters: red flags and crisis words first (safety net), then medical questions go to the
symptom check (never answered from the FAQ), then a confident FAQ match is answered with its
source page, and anything else gets "not sure" plus the offer of a person — never a guess.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import settings
from actions.core.booking.services import refusal_for
from actions.core.faq.answer import FaqMatcher, decide, default_retriever
from actions.core.faq.hybrid import HybridFaq
from actions.core.privacy import conversation_log_fields
from actions.safety.net import (
    asks_for_booking,
    reroute_to_booking,
    reroute_to_symptom_check,
    screen_and_reply,
)
from actions.slots import HANDOFF_REASON
from actions.tracker_read import active_form, latest_text
from actions.triage import service as triage_service

log = logging.getLogger(__name__)

ASK_WHAT = ("What would you like to know about the clinic? For example opening hours, parking, "
            "insurance, prescription refills or test results.")
SYMPTOM_BUTTON = [{"title": "Check my symptoms", "payload": "/report_symptoms"}]
PERSON_BUTTON = [{"title": "Talk to a person", "payload": "/request_human"}]


@lru_cache(maxsize=1)
def faq_matcher() -> FaqMatcher:
    """Words confirmed by sentence embeddings (FAQ_SEMANTIC, on by default), or words only
    when it is off or the model is not extracted."""
    words = default_retriever()
    if not settings.current().faq_semantic:
        return words
    from actions.embeddings.factory import default_encoder  # torch only when it is used

    encoder = default_encoder()
    if encoder is None:
        return words
    return HybridFaq.build(words, encoder, encoder.encode_fixed)


def _decide(text: str) -> tuple[Any, bool]:
    symptoms = bool(triage_service.rule_screen(text).facts.present)
    return decide(text, faq_matcher(), symptoms_mentioned=symptoms), symptoms


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if not text.strip() or text.startswith("/"):
            dispatcher.utter_message(text=ASK_WHAT)
            return []
        if await screen_and_reply(dispatcher, tracker):
            return []
        decision, symptoms = await asyncio.to_thread(_decide, text)
        log.info("faq", extra=conversation_log_fields(
            tracker.sender_id, kind=decision.kind,
            entry=decision.entry.id if decision.entry else None))
        if decision.kind == "answer":
            dispatcher.utter_message(text=decision.text)
            return [SlotSet(HANDOFF_REASON, None)]
        if decision.kind == "medical" and symptoms and not active_form(tracker):
            # Someone describing symptoms wants the symptom check, not an FAQ refusal.
            return reroute_to_symptom_check(tracker)
        if decision.kind == "medical":
            dispatcher.utter_message(text=decision.text, buttons=SYMPTOM_BUTTON)
            return []
        if decision.kind == "empty":
            dispatcher.utter_message(text=ASK_WHAT)
            return []
        refusal = refusal_for(text)
        if refusal:  # "do you offer acupuncture?": a plain no, and what we do offer
            dispatcher.utter_message(text=refusal, buttons=PERSON_BUTTON)
            return [SlotSet(HANDOFF_REASON, "faq_unanswered")]
        if asks_for_booking(tracker):
            return reroute_to_booking(tracker)  # "flu jab saturday?" asks for a time
        # Not sure: never guess; offer a person, and remember why if they take it.
        dispatcher.utter_message(text=decision.text, buttons=PERSON_BUTTON)
        return [SlotSet(HANDOFF_REASON, "faq_unanswered")]
