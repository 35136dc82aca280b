"""Signed web-chat session ids (pure: no rasa / sanic imports, tested under tests/channels).

Why: Rasa's own socket.io channel lets the browser pick any session id and then joins the room of
that id, so anyone who learns or guesses an id receives that patient's replies. Here the server
issues ``<random id>.<HMAC>``; a session request is honoured only with a valid signature, and the
conversation (Rasa sender) id is the random part.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def _sign(secret: bytes, session_id: str) -> str:
    return hmac.new(secret, session_id.encode(), hashlib.sha256).hexdigest()[:32]


def issue(secret: bytes) -> tuple[str, str]:
    """A new (token for the browser, conversation id for Rasa)."""
    session_id = secrets.token_hex(16)
    return f"{session_id}.{_sign(secret, session_id)}", session_id


def verify(secret: bytes, token: object) -> str | None:
    """The conversation id inside a valid token, else None (forged, malformed or foreign)."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 100:
        return None
    session_id, signature = token.split(".")
    if len(session_id) != 32 or not all(c in "0123456789abcdef" for c in session_id):
        return None
    if not hmac.compare_digest(signature, _sign(secret, session_id)):
        return None
    return session_id
