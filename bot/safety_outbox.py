"""Emergencies answered while the action server or Redis was down, kept until the queue has them.

When the Rasa process answers an emergency or crisis from its own pattern list
(``bot/safety_fallback.py``), nobody has queued the conversation for staff (the action server does
that normally). The Rasa process writes one small file here instead; the action server moves each
file into the staff queue as soon as it and Redis are up (``actions/escalation/outbox.py``), and
deletes it. Files hold the conversation id, the kind (emergency / crisis), the channel and the
time — never the patient's words. Directory 0700, files 0600.

Plain Python: imported by the Rasa process (writer) and the action server (reader).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "var" / "outbox"
KINDS = ("emergency", "crisis")


def outbox_dir(env: dict[str, str] | None = None) -> Path:
    """SAFETY_OUTBOX_DIR (scripts/stack.py sets it for both processes), else var/outbox."""
    value = (env if env is not None else os.environ).get("SAFETY_OUTBOX_DIR", "").strip()
    return Path(value) if value else DEFAULT_DIR


@dataclass(frozen=True)
class Pending:
    conversation_id: str
    kind: str
    channel: str
    at: float
    path: Path


def record(directory: Path, conversation_id: str, kind: str, channel: str,
           now: float | None = None) -> Path:
    """Write one entry atomically (temp file + rename), 0600 in a 0700 directory."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    at = time.time() if now is None else now
    name = f"{at:017.6f}-{uuid.uuid4().hex}"
    tmp = directory / f".{name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"conversation_id": conversation_id, "kind": kind, "channel": channel,
                   "at": at}, f)
    final = directory / f"{name}.json"
    os.replace(tmp, final)
    return final


def pending(directory: Path) -> Iterator[Pending]:
    """Entries oldest first; unreadable files are skipped (and left for a person to see)."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text())
            yield Pending(str(data["conversation_id"]), str(data["kind"]),
                          str(data.get("channel") or "rest"), float(data["at"]), path)
        except (OSError, ValueError, KeyError, TypeError):
            continue


def done(entry: Pending) -> None:
    entry.path.unlink(missing_ok=True)
