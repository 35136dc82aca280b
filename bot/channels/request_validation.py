"""Validation of incoming REST chat requests (pure: no rasa / sanic imports).

Why: a malformed request must get a 4xx with a reason a developer can act on — never a stack trace,
a silent empty answer, or a log line carrying the message text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Long messages are read, not refused (see message_limits); this limit only stops abuse.
from bot.channels.message_limits import HARD_LIMIT_CHARS as MAX_MESSAGE_CHARS

MAX_SENDER_CHARS = 128
# The REST body: room for a SCREEN_CHARS (20,000-character) message in any script, even with every
# character JSON-escaped, and for the HARD_LIMIT_CHARS check to answer in words; far below the
# 90 MB a client once posted.
MAX_BODY_BYTES = 256 * 1024
# Metadata is the client's own (e.g. {"client": {"version": "2.1"}}); nothing needs it deeper, and
# thousands of levels crashed the turn.
MAX_METADATA_DEPTH = 8
# Sender ids end up in Redis keys and URLs: keep them to a conservative alphabet.
_SENDER_RE = re.compile(r"^[A-Za-z0-9_\-:.+@=]+$")


class InvalidChatRequest(ValueError):
    """The request cannot be processed; ``str(exc)`` is the reason shown to the client and
    ``status`` the HTTP status (400, or 413 for a body over the size limit)."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


def decode_body(raw: bytes | None) -> Any:
    """The JSON value of a REST body, or InvalidChatRequest (too large, not JSON, too deep)."""
    raw = raw or b""
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidChatRequest(
            f"The request body is too large ({len(raw)} bytes; the limit is {MAX_BODY_BYTES}).",
            status=413)
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise InvalidChatRequest(_too_deep("The request body")) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidChatRequest("The request body must be valid JSON.") from exc


def _too_deep(what: str = "'metadata'") -> str:
    return f"{what} is nested too deeply (the limit is {MAX_METADATA_DEPTH} levels)."


def nesting_depth(value: Any, limit: int) -> int:
    """Levels of dicts/lists in ``value``, counted without recursion; stops once past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return deepest


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
    if nesting_depth(metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH:
        raise InvalidChatRequest(_too_deep())
    return ChatRequest(sender=sender, message=message, metadata=metadata)
