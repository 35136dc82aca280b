"""Structured (JSON lines) logging for the action server.

Why: logs leave the PHI boundary (shipped to log stores, read by vendors), so every record is
built from ids and hashes only. Actions log through ``actions.core.privacy.conversation_log_fields``
and never pass message text, phone numbers or names.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from pathlib import Path

from actions.settings import current

_CONFIGURED = False

# Fields a LogRecord always has; anything else came in through ``extra=`` and is emitted.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def frames(exc: BaseException) -> str:
    """file:line:function of each frame, innermost first; no message, no values."""
    return " < ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}"
                      for f in reversed(traceback.extract_tb(exc.__traceback__)))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg and any ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            if record.exc_info[1] is not None:
                # Where it crashed, never what it held: file:line:function per frame.
                payload["at"] = frames(record.exc_info[1])
        return json.dumps(payload, default=str)


def configure_logging(level: str | None = None) -> None:
    """Install the JSON formatter on the root logger once per process."""
    global _CONFIGURED
    if _CONFIGURED:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel((level or current().log_level).upper())
    # Third-party debug output can echo payloads (message text); keep it quiet.
    for noisy in ("sanic.access", "urllib3", "httpx", "httpcore", "PyRuSH", "medspacy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _CONFIGURED = True
