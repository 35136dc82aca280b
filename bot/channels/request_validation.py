"""Validation of incoming REST chat requests (pure: no rasa / sanic imports).

Why: a malformed request must get a 4xx with a reason a developer can act on — never a stack trace,
a silent empty answer, or a log line carrying the message text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Long messages are read, not refused (see message_limits); this limit only stops abuse.
from bot.channels.message_limits import HARD_LIMIT_CHARS as MAX_MESSAGE_CHARS

MAX_SENDER_CHARS = 128
# Sender ids end up in Redis keys and URLs: keep them to a conservative alphabet.
_SENDER_RE = re.compile(r"^[A-Za-z0-9_\-:.+@=]+$")


class InvalidChatRequest(ValueError):
    """The request cannot be processed; ``str(exc)`` is the reason shown to the client."""


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str
    metadata: dict[str, Any]


def parse_chat_request(body: Any) -> ChatRequest:
    """Check a decoded JSON body ``{"sender": str, "message": str, "metadata"?: object}``."""
    if not isinstance(body, dict):
        raise InvalidChatRequest("The request body must be a JSON object.")
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise InvalidChatRequest("'sender' is required and must be a non-empty string.")
    if len(sender) > MAX_SENDER_CHARS or not _SENDER_RE.match(sender):
        raise InvalidChatRequest(
            f"'sender' must be at most {MAX_SENDER_CHARS} characters of letters, digits "
            "and _ - : . + @ =."
        )
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise InvalidChatRequest("'message' is required and must be a non-empty string.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise InvalidChatRequest(
            f"'message' is too long ({len(message)} characters; the limit is "
            f"{MAX_MESSAGE_CHARS})."
        )
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise InvalidChatRequest("'metadata' must be a JSON object when given.")
    return ChatRequest(sender=sender, message=message, metadata=metadata)
