"""STOP still screens: an emergency or crisis text from a number that sent STOP reaches staff.

Why: after STOP the clinic may not text that number again (carrier rules; Twilio refuses with
error 21610), so the Twilio channels used to drop every later message unread — "my husband is not
breathing" included, and nobody at the clinic ever saw it. Now such a message goes through the
same screen as every other message (the action server's ``action_safety_screen``, the one
emergency-response path): when it fires, that path queues the conversation for staff at top
priority and writes the audit record. Its 911 / 988 reply is *not* texted (the number opted
out); staff see the entry, with the patient's words as the complaint, and phone the patient.

Only when the screen fires does anything happen; any other text after STOP stays unprocessed.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from bot.conversation_hash import conversation_hash

log = logging.getLogger(__name__)

GATE_ACTION = "action_safety_screen"
TIMEOUT_S = 10.0
# Slots the action sets only when the gate fired (emergency or crisis), not for a plain Spanish
# reply: the sign that the conversation was queued.
_FIRED_SLOT = "triage_disposition"


def screen_request(sender: str, text: str, channel: str) -> dict[str, Any]:
    """A minimal action-server call: the one message, on its channel, no dialogue state."""
    user = {"event": "user", "text": text, "input_channel": channel,
            "parse_data": {"text": text, "intent": {}, "entities": []}}
    tracker = {"sender_id": sender, "slots": {}, "latest_message": user["parse_data"],
               "events": [user], "paused": False, "followup_action": None, "active_loop": {},
               "latest_action_name": "action_listen"}
    return {"next_action": GATE_ACTION, "sender_id": sender, "tracker": tracker, "domain": {},
            "version": "3.6.21"}


def fired(response: Any) -> bool:
    events = response.get("events") if isinstance(response, dict) else None
    return any(isinstance(e, dict) and e.get("event") == "slot" and e.get("name") == _FIRED_SLOT
               and e.get("value") for e in events or [])


async def queue_if_urgent(action_url: str, token: str, sender: str, text: str,
                          channel: str) -> bool:
    """Screen an opted-out sender's message; True if it was an emergency or crisis (queued for
    staff by the action server). Never sends anything to the patient."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as http:
            async with http.post(action_url, json=screen_request(sender, text, channel),
                                 headers={"X-Action-Token": token}) as resp:
                resp.raise_for_status()
                result = await resp.json()
    except Exception as exc:
        log.error("%s opted-out message could not be screened conv=%s error=%s",
                  channel, conversation_hash(sender), type(exc).__name__)
        return False
    urgent = fired(result)
    log.info("%s opted-out message screened conv=%s queued_for_staff=%s",
             channel, conversation_hash(sender), urgent)
    return urgent
