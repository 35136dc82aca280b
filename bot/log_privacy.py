"""Keep patient text out of the Rasa server's logs when something fails.

Rasa 3.6 logs a failed custom action with the action server's whole error response, and that
response echoes the request: the tracker, with every message the patient wrote. This filter, on
every handler of the root logger, replaces any exception text or message that carries a tracker
or request body with the exception's type (and HTTP status, if any). Ordinary records pass
unchanged.
"""

from __future__ import annotations

import logging
import re

# Markers of serialised conversations: the tracker JSON, the action request, event lists.
# Both quote styles: JSON bodies and Python reprs of dicts.
_SENSITIVE = re.compile(r"""request_body|["'](tracker|latest_message|events|text)["']\s*:""")
_STATUS = re.compile(r"\b([1-5]\d\d)\b")


def _redact(text: str) -> str | None:
    if not _SENSITIVE.search(text):
        return None
    status = _STATUS.search(text[:200])
    return f"[redacted: conversation data{' (HTTP ' + status.group(1) + ')' if status else ''}]"


class RedactConversationData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        redacted = _redact(message)
        if redacted is not None:
            record.msg, record.args = f"{redacted} (from {record.name})", None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            details = _redact(str(exc))
            if details is not None:
                record.msg = f"{record.getMessage()} [{type(exc).__name__}: {details}]"
                record.args = None
                record.exc_info = None
                record.exc_text = None
        return True


def install() -> None:
    """Attach the filter to every handler of the root logger (idempotent)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactConversationData) for f in handler.filters):
            handler.addFilter(RedactConversationData())
