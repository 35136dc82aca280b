"""Staff audit trail: every staff action appended to the Redis stream ``audit:staff``.

Who, what, when and which conversation; never message or note text, never passwords. Each
record is also logged as a JSON line, with the conversation id replaced by its HMAC (logs leave
the PHI boundary, Redis does not).
"""

from __future__ import annotations

import logging
import time

import redis
from redis.typing import EncodableT, FieldT

from actions.core.privacy import conversation_hash
from bot.retention import Retention

STREAM = "audit:staff"
MAX_RECORDS = 200_000  # approximate cap (XADD MAXLEN ~); export the stream for longer retention

log = logging.getLogger("console.audit")


def _s(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class StaffAudit:
    def __init__(self, redis_client: redis.Redis, stream: str = STREAM,
                 retention_s: int | None = None) -> None:
        self._r = redis_client
        self.stream = stream
        # AUDIT_RETENTION_DAYS: records older than this are trimmed on every append.
        self.retention_s = retention_s if retention_s is not None else Retention().audit_seconds

    def record(self, what: str, who: str, conversation_id: str | None = None,
               **detail: object) -> str:
        """Append one record; returns its stream id. ``detail`` values must not be PHI."""
        now = time.time()
        fields: dict[FieldT, EncodableT] = {
            "what": what,
            "who": who,
            "when": f"{now:.3f}",
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            "conversation_id": conversation_id or "",
        }
        fields.update({k: str(v) for k, v in detail.items() if v is not None})
        with self._r.pipeline() as pipe:
            pipe.xadd(self.stream, fields, maxlen=MAX_RECORDS, approximate=True)
            # Stream ids are millisecond timestamps: MINID drops records past the retention.
            pipe.xtrim(self.stream, minid=int((now - self.retention_s) * 1000),
                       approximate=False)
            record_id = _s(pipe.execute()[0])
        extra: dict[str, object] = {"audit": what, "who": who,
                                    **{k: v for k, v in detail.items() if v is not None}}
        if conversation_id:
            extra["conv"] = conversation_hash(conversation_id)
        log.info("staff action", extra=extra)
        return record_id

    def recent(self, count: int = 50) -> list[dict[str, str]]:
        """Newest first."""
        rows = self._r.xrevrange(self.stream, count=count) or []
        return [{"id": _s(i), **{_s(k): _s(v) for k, v in (f or {}).items()}} for i, f in rows]
