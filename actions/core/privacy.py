"""Pseudonymous ids for logs and audit records.

Why a keyed hash (HMAC) rather than a plain hash: sender ids can be phone numbers, and a plain
SHA-256 of a phone number is reversible by enumerating the number space. With a secret key the
hash is only linkable by whoever holds the key.

The key (``LOG_HASH_KEY``) is not read here: the action server sets it once at start
(``actions/__init__.py``, from ``actions.settings.ActionSettings.log_hash_key``) with
``set_key``. Until then — e.g. in a bare unit test — the development key is used.
"""

from __future__ import annotations

import hashlib
import hmac

# Used only when LOG_HASH_KEY is unset (local development); production sets its own secret.
DEV_KEY = "triage-assistant-dev-only-log-hash-key"
_key: bytes = DEV_KEY.encode()


def set_key(key: str) -> None:
    """Hash with ``key`` from now on in this process (called once by the adapter layer)."""
    global _key
    _key = key.encode()


def conversation_hash(sender_id: str, key: str | None = None) -> str:
    """Stable 16-hex-char pseudonym for a conversation (sender) id (``key``: instead of the
    process's key)."""
    secret = _key if key is None else key.encode()
    digest = hmac.new(secret, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:16]


def conversation_log_fields(sender_id: str, **fields: object) -> dict[str, object]:
    """``extra=`` fields for a log line about one conversation: its hash, never the raw id."""
    return {"conv": conversation_hash(sender_id), **fields}
