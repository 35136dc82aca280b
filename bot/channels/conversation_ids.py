"""Which channel a conversation id belongs to, and the ids the REST channel issues (pure).

Why: every channel writes into the same Rasa tracker store, so a conversation id is the key to a
patient's conversation. SMS/WhatsApp ids are ``tw`` + HMAC(CHANNEL_ID_KEY, phone address) and
web-chat ids are the random half of a signed session token: each channel mints its own and a
client cannot choose them. The REST channel used to accept any sender id, so a REST client that
knew (or computed) a phone conversation's id read and wrote that patient's conversation. Now:

- an id of another channel's form (``tw…`` or a web-chat id) is never accepted over REST;
- REST issues its own ids, ``rest-<random>-<HMAC(key, "rest:" + random)>``
  (``POST /webhooks/rest/conversations``), bound to the REST channel by the HMAC;
- a client-chosen id (e.g. ``test-42``) is accepted only in development mode.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from enum import Enum

REST_PREFIX = "rest-"
_REST_ID = re.compile(r"^rest-([0-9a-f]{24})-([0-9a-f]{32})$")
_TWILIO_ID = re.compile(r"^tw[0-9a-f]{32}$")
_WEBCHAT_ID = re.compile(r"^[0-9a-f]{32}$")


class RestSender(Enum):
    ISSUED = "issued"  # an id this channel issued: accepted
    CLIENT_CHOSEN = "client_chosen"  # accepted in development mode only
    FOREIGN = "foreign"  # another channel's id, or a forged REST id: never accepted


def owner_channel(conversation_id: str) -> str | None:
    """The channel family that mints ids of this form: "twilio", "webchat", "rest" or None."""
    if _TWILIO_ID.match(conversation_id):
        return "twilio"
    if _WEBCHAT_ID.match(conversation_id):
        return "webchat"
    if conversation_id.startswith(REST_PREFIX):
        return "rest"
    return None


def _rest_signature(key: bytes, nonce: str) -> str:
    return hmac.new(key, f"rest:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def issue_rest_id(key: bytes) -> str:
    nonce = secrets.token_hex(12)
    return f"{REST_PREFIX}{nonce}-{_rest_signature(key, nonce)}"


def classify_rest_sender(sender: str, key: bytes) -> RestSender:
    match = _REST_ID.match(sender)
    if match:
        valid = hmac.compare_digest(match.group(2), _rest_signature(key, match.group(1)))
        return RestSender.ISSUED if valid else RestSender.FOREIGN
    if owner_channel(sender) is not None:  # tw…, a web-chat id, or a malformed rest-…
        return RestSender.FOREIGN
    return RestSender.CLIENT_CHOSEN


def rest_sender_refusal(sender: str, key: bytes, development: bool) -> str | None:
    """None if the REST channel may use ``sender``; else the reason told to the client."""
    kind = classify_rest_sender(sender, key)
    if kind is RestSender.ISSUED or (kind is RestSender.CLIENT_CHOSEN and development):
        return None
    return ("This 'sender' was not issued by this REST channel. Ask for a conversation id with "
            "POST /webhooks/rest/conversations and send it as 'sender'.")
