"""WhatsApp over Twilio: ``POST /webhooks/twilio_whatsapp/webhook`` (behaviour in twilio_base).

Differences from SMS: addresses are "whatsapp:+1555...", and a free-form message is allowed only
within 24 h of the patient's last message (WhatsApp's customer-service window); after that only
an approved template may be sent, so we send WHATSAPP_TEMPLATE_SID (a Content API SID, e.g. "You
have a new message from the clinic, reply to read it") instead of the text.
"""

from __future__ import annotations

import logging
import time

from bot.channels.twilio_base import TwilioInput
from bot.channels.twilio_policy import whatsapp_address, within_whatsapp_window

log = logging.getLogger(__name__)


class TwilioWhatsAppInput(TwilioInput):
    from_env = "TWILIO_WHATSAPP_FROM"
    confirms_keywords = True  # WhatsApp has no carrier-level STOP handling

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"

    @staticmethod
    def normalise_address(address: str) -> str:
        return whatsapp_address(address)

    async def outbound_params(self, sender: str, recipient: str,
                              bodies: list[str]) -> list[dict[str, str]]:
        if not bodies:
            return []
        if within_whatsapp_window(await self.store.last_inbound(sender), time.time()):
            return await super().outbound_params(sender, recipient, bodies)
        template = self.settings.whatsapp_template_sid
        if not template:
            log.warning("whatsapp reply outside the 24 h window and no template configured")
            return []
        # One template per turn, whatever the number of parts: it invites the patient to reply,
        # which reopens the window.
        return [{"to": recipient, "from_": self.from_address, "content_sid": template}]
