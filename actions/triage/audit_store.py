"""Append-only audit store for triage assessments, in Redis.

Each record goes to a per-conversation list (``audit:triage:conv:<hash>``, read back by
conversation) and to one stream (``audit:triage``) for export. Records are never updated; they
are dropped after the audit retention (``AUDIT_RETENTION_DAYS``): the stream is trimmed by age
on every append, and a conversation's list expires that long after its last record.

Read back:  .venvs/actions/bin/python -m actions.triage.audit_store --sender <conversation id>
            .venvs/actions/bin/python -m actions.triage.audit_store --hash <conversation hash>
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import redis
import redis.asyncio as aioredis

from actions import settings
from actions.core.privacy import conversation_hash

STREAM = "audit:triage"
STREAM_MAXLEN = 1_000_000


def conv_key(conv_hash: str) -> str:
    return f"audit:triage:conv:{conv_hash}"


def redis_url() -> str:
    return settings.current().redis_url


_client: aioredis.Redis | None = None


def _async_client() -> aioredis.Redis:
    global _client
    if _client is None:
        _client = aioredis.from_url(redis_url(), socket_timeout=5)
    return _client


async def append(record: dict[str, Any]) -> None:
    data = json.dumps(record, default=str)
    keep_s = settings.current().retention.audit_seconds
    client = _async_client()
    async with client.pipeline(transaction=True) as pipe:
        pipe.rpush(conv_key(record["conversation"]), data)
        pipe.expire(conv_key(record["conversation"]), keep_s)
        pipe.xadd(STREAM, {"record": data}, maxlen=STREAM_MAXLEN, approximate=True)
        # Stream ids are millisecond timestamps: MINID drops everything older than the retention.
        pipe.xtrim(STREAM, minid=int((time.time() - keep_s) * 1000), approximate=False)
        await pipe.execute()


def read(conv_hash: str, url: str | None = None) -> list[dict[str, Any]]:
    client = redis.Redis.from_url(url or redis_url())
    return [json.loads(x) for x in client.lrange(conv_key(conv_hash), 0, -1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a conversation's triage audit records.")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--sender", help="conversation (sender) id; hashed before lookup")
    who.add_argument("--hash", help="conversation hash as shown in logs")
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args(argv)
    conv = args.hash or conversation_hash(args.sender)
    records = read(conv, args.redis_url)
    for rec in records:
        print(json.dumps(rec, indent=2, default=str))
    if not records:
        print(f"no audit records for conversation {conv}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
