"""The conversation pseudonym used in the Rasa process's logs.

The same keyed hash (HMAC-SHA256 with ``LOG_HASH_KEY``, first 16 hex characters) as the action
server's ``actions.core.privacy.conversation_hash``, so one conversation's log lines can be joined
across both processes (a test checks both sides agree). Plain Python: importable in either venv.
"""

from __future__ import annotations

import hashlib
import hmac
import os

# The action server's development fallback; production sets LOG_HASH_KEY.
_DEV_KEY = "triage-assistant-dev-only-log-hash-key"


def conversation_hash(sender_id: str) -> str:
    key = os.environ.get("LOG_HASH_KEY", _DEV_KEY).encode()
    return hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
