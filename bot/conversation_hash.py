"""The conversation pseudonym used in the Rasa process's logs.

The same keyed hash (HMAC-SHA256 with ``LOG_HASH_KEY``, first 16 hex characters) as the action
server's ``actions.core.privacy.conversation_hash``, so one conversation's log lines can be joined
across both processes (a test checks both sides agree). Plain Python: importable in either venv.

The key is set once when the channels load (bot/channels/__init__.py, from
``ChannelSettings.log_hash_key``); until then the development key is used.
"""

from __future__ import annotations

import hashlib
import hmac

# The action server's development fallback; production sets LOG_HASH_KEY.
_DEV_KEY = "triage-assistant-dev-only-log-hash-key"
_key: bytes = _DEV_KEY.encode()


def set_key(key: str) -> None:
    """Use ``key`` (LOG_HASH_KEY) from now on in this process."""
    global _key
    _key = key.encode()


def conversation_hash(sender_id: str, key: str | None = None) -> str:
    secret = _key if key is None else key.encode()
    return hmac.new(secret, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
