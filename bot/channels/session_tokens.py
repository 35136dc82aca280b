"""Signed, expiring web-chat session ids (pure: no rasa / sanic imports, tested under
tests/channels and tests/security).

Why: Rasa's own socket.io channel lets the browser pick any session id and then joins the room of
that id, so anyone who learns or guesses an id receives that patient's replies. Here the server
issues ``<random id>.<expiry>.<HMAC>``; a session request is honoured only with a valid
signature before the expiry (``WEBCHAT_SESSION_TTL_HOURS``, default 24 h), and the conversation
(Rasa sender) id is the random part. A token copied out of a browser therefore stops working on
its own; that one token is not used by two sockets at once is enforced by the channel
(bot/channels/webchat_claims.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

DEFAULT_TTL_S = 24 * 3600


@dataclass(frozen=True)
class WebChatSession:
    token: str
    conversation_id: str
    expires_at: float  # Unix seconds


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()[:32]


def new_session(secret: bytes, ttl_s: float = DEFAULT_TTL_S,
                now: float | None = None) -> WebChatSession:
    session_id = secrets.token_hex(16)
    expires = int((time.time() if now is None else now) + ttl_s)
    payload = f"{session_id}.{expires:x}"
    return WebChatSession(f"{payload}.{_sign(secret, payload)}", session_id, float(expires))


def read(secret: bytes, token: object, now: float | None = None) -> WebChatSession | None:
    """The session in a valid, unexpired token, else None (forged, malformed, foreign, old)."""
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 100:
        return None
    session_id, expiry, signature = token.split(".")
    if len(session_id) != 32 or not all(c in "0123456789abcdef" for c in session_id):
        return None
    if not 0 < len(expiry) <= 12 or not all(c in "0123456789abcdef" for c in expiry):
        return None
    if not hmac.compare_digest(signature, _sign(secret, f"{session_id}.{expiry}")):
        return None
    expires = float(int(expiry, 16))
    if expires <= (time.time() if now is None else now):
        return None
    return WebChatSession(token, session_id, expires)


def issue(secret: bytes, ttl_s: float = DEFAULT_TTL_S) -> tuple[str, str]:
    """A new (token for the browser, conversation id for Rasa)."""
    session = new_session(secret, ttl_s)
    return session.token, session.conversation_id


def verify(secret: bytes, token: object, now: float | None = None) -> str | None:
    """The conversation id inside a valid, unexpired token, else None."""
    session = read(secret, token, now)
    return session.conversation_id if session else None
