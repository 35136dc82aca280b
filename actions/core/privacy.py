"""Pseudonymous ids for logs and audit records.

Why a keyed hash (HMAC) rather than a plain hash: sender ids can be phone numbers, and a plain
SHA-256 of a phone number is reversible by enumerating the number space. With a secret key the
hash is only linkable by whoever holds the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os

# Used only when LOG_HASH_KEY is unset (local development); production sets its own secret.
_DEV_KEY = "triage-assistant-dev-only-log-hash-key"


def _key() -> bytes:
    return os.environ.get("LOG_HASH_KEY", _DEV_KEY).encode()


def conversation_hash(sender_id: str) -> str:
    """Stable 16-hex-char pseudonym for a conversation (sender) id."""
    digest = hmac.new(_key(), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:16]


def conversation_log_fields(sender_id: str, **fields: object) -> dict[str, object]:
    """``extra=`` fields for a log line about one conversation: its hash, never the raw id."""
    return {"conv": conversation_hash(sender_id), **fields}
