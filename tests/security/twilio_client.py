"""Signed Twilio webhooks against a test stack (signed like Twilio, with the stack's token)."""

from __future__ import annotations

import random
import uuid

import httpx
from twilio.request_validator import RequestValidator

from bot.channels.twilio_policy import channel_id_key, sender_id
from scripts.stack import Stack

SMS = "twilio_sms"


def new_number() -> str:
    return f"+1555{random.randint(0, 9_999_999):07d}"


def send_sms(stack: Stack, number: str, body: str) -> httpx.Response:
    url = f"{stack.rasa_url}/webhooks/{SMS}/webhook"
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": stack.twilio_account_sid,
              "From": number, "To": stack.base_env()["TWILIO_SMS_FROM"], "Body": body,
              "NumMedia": "0"}
    signature = RequestValidator(stack.twilio_auth_token).compute_signature(url, params)
    r = httpx.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10)
    assert r.status_code == 200, r.text
    return r


def conversation_id(stack: Stack, number: str) -> str:
    """The id the Rasa process gives this number (with the stack's own CHANNEL_ID_KEY)."""
    return sender_id(number, channel_id_key(stack.base_env()))
