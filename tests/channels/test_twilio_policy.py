"""Pure decisions of the Twilio channels (bot/channels/twilio_policy.py)."""

from __future__ import annotations

import pytest

from bot.channels.twilio_policy import (
    WHATSAPP_WINDOW_S,
    Keyword,
    channel_id_key,
    keyword,
    sender_id,
    signed_url,
    whatsapp_address,
    within_whatsapp_window,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("STOP", Keyword.STOP), ("stop", Keyword.STOP), (" Stop! ", Keyword.STOP),
        ("StopAll", Keyword.STOP), ("unsubscribe", Keyword.STOP), ("CANCEL", Keyword.STOP),
        ("end", Keyword.STOP), ("quit", Keyword.STOP),
        ("START", Keyword.START), ("unstop", Keyword.START),
        ("help", Keyword.HELP), ("HELP?", Keyword.HELP),
        ("cancel my appointment", None), ("please stop", None), ("yes", None), ("", None),
        ("helpful", None),
    ],
)
def test_keywords_are_whole_message_matches(body: str, expected: Keyword | None) -> None:
    assert keyword(body) is expected


def test_sender_id_is_a_keyed_hash_without_the_number() -> None:
    number = "+15550142377"
    a = sender_id(number, b"key-one")
    assert a == sender_id(number, b"key-one")
    assert a != sender_id(number, b"key-two")
    assert "5550142377" not in a
    assert a != sender_id("whatsapp:" + number, b"key-one")  # separate conversations
    assert len(a) == 34 and a.startswith("tw")


def test_channel_id_key_prefers_the_dedicated_key() -> None:
    assert channel_id_key({"CHANNEL_ID_KEY": "a", "LOG_HASH_KEY": "b"}) == b"a"
    assert channel_id_key({"LOG_HASH_KEY": "b"}) == b"b"
    assert channel_id_key({"TRIAGE_ENV": "development"})  # the development fallback, only there


@pytest.mark.parametrize(
    ("base", "request_url", "expected"),
    [
        (None, "http://10.0.0.5:5005/webhooks/twilio_sms/webhook",
         "http://10.0.0.5:5005/webhooks/twilio_sms/webhook"),
        ("https://clinic.example.org", "http://10.0.0.5:5005/webhooks/twilio_sms/webhook",
         "https://clinic.example.org/webhooks/twilio_sms/webhook"),
        ("https://clinic.example.org/", "http://rasa:5005/webhooks/twilio_sms/webhook?x=1",
         "https://clinic.example.org/webhooks/twilio_sms/webhook?x=1"),
    ],
)
def test_signed_url_uses_the_public_base(base: str | None, request_url: str,
                                         expected: str) -> None:
    assert signed_url(base, request_url) == expected


def test_whatsapp_address() -> None:
    assert whatsapp_address("+14155238886") == "whatsapp:+14155238886"
    assert whatsapp_address("whatsapp:+14155238886") == "whatsapp:+14155238886"


def test_whatsapp_window() -> None:
    now = 1_000_000.0
    assert within_whatsapp_window(now - 60, now)
    assert within_whatsapp_window(now - WHATSAPP_WINDOW_S + 1, now)
    assert not within_whatsapp_window(now - WHATSAPP_WINDOW_S, now)
    assert not within_whatsapp_window(None, now)
