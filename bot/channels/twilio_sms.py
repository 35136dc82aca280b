"""SMS over Twilio: ``POST /webhooks/twilio_sms/webhook`` (see twilio_base for the behaviour).

Settings: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_SMS_FROM (our number, E.164 or a
Messaging Service's number), TWILIO_PUBLIC_BASE_URL, TWILIO_API_BASE_URL, CLINIC_SUPPORT_CONTACT.
"""

from __future__ import annotations

from bot.channels.twilio_base import TwilioInput


class TwilioSmsInput(TwilioInput):
    from_env = "TWILIO_SMS_FROM"
    # Twilio's opt-out handling (and the carriers) already confirm STOP/START on SMS, and would
    # reject a message of ours to a number that just sent STOP (error 21610).
    confirms_keywords = False

    @classmethod
    def name(cls) -> str:
        return "twilio_sms"
