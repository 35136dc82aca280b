"""Decisions of the Twilio channels that need no I/O (pure: no rasa, sanic, redis or twilio).

Kept apart from the channel so they are unit-tested in the test venv, which has no Rasa.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from enum import Enum
from urllib.parse import urlsplit

from bot.runtime_mode import secret

# Used only in development mode (TRIAGE_ENV=development) when neither CHANNEL_ID_KEY nor
# LOG_HASH_KEY is set; elsewhere an unset key stops the process (bot/runtime_mode.py).
DEV_CHANNEL_ID_KEY = "triage-assistant-dev-only-channel-id-key"

WHATSAPP_WINDOW_S = 24 * 3600  # WhatsApp's customer-service window after the patient's message

# Carrier / Twilio standard keywords. Whole-message matches only, so "cancel my appointment" is
# a normal message; YES (also a Twilio re-subscribe word) is left out because it answers the
# triage questions.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP"})

_KEYWORD_CLEAN = re.compile(r"[^A-Z]")


class Keyword(Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"


def keyword(body: str) -> Keyword | None:
    """The compliance keyword a whole message is, if any ("stop", " Stop! " -> STOP)."""
    word = _KEYWORD_CLEAN.sub("", body.strip().upper())
    if len(body.split()) != 1:
        return None
    if word in STOP_WORDS:
        return Keyword.STOP
    if word in START_WORDS:
        return Keyword.START
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


def channel_id_key(env: Mapping[str, str]) -> bytes:
    """CHANNEL_ID_KEY, else LOG_HASH_KEY, else (development mode only) a development key (read
    once, into bot.channels.settings.ChannelSettings.channel_id_key). Raises
    DevelopmentKeyRefused outside development mode when neither is set."""
    return secret(env, ("CHANNEL_ID_KEY", "LOG_HASH_KEY"), DEV_CHANNEL_ID_KEY).encode()


def sender_id(address: str, key: bytes) -> str:
    """The id Rasa sees for a phone address ("+1555..." or "whatsapp:+1555...").

    Why HMAC and not a plain hash: the phone-number space is small enough to enumerate, so a plain
    SHA-256 would be reversible; without the key the id cannot be linked back to a number.
    The address includes the "whatsapp:" prefix, so SMS and WhatsApp are separate conversations.
    """
    digest = hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
    return f"tw{digest[:32]}"


def signed_url(public_base_url: str | None, request_url: str) -> str:
    """The URL Twilio signed: the configured public base (scheme + host [+ path prefix], as seen
    by Twilio in front of any proxy) with this request's path and query, else the request URL."""
    if not public_base_url:
        return request_url
    parts = urlsplit(request_url)
    base = public_base_url.rstrip("/")
    return f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def whatsapp_address(number: str) -> str:
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


def within_whatsapp_window(last_inbound: float | None, now: float) -> bool:
    """Free-form WhatsApp messages are allowed only within 24 h of the patient's last message."""
    return last_inbound is not None and 0 <= now - last_inbound < WHATSAPP_WINDOW_S
