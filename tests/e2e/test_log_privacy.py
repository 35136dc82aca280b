"""Logs carry hashed conversation ids, never message text or phone numbers."""

from __future__ import annotations

import json

from actions.core.privacy import conversation_hash
from tests.e2e.helpers import say


def test_no_message_text_or_phone_number_in_any_log(stack) -> None:
    phone_sender = "+15550142377"
    secret_text = "my neighbour zyxwvut has a rash"
    say(stack, phone_sender, "hello")
    say(stack, phone_sender, secret_text)
    logs = {p.name: p.read_text(errors="replace") for p in stack.log_dir.glob("*.log")}
    assert set(logs) >= {"rasa.log", "actions.log"}
    for name, content in logs.items():
        assert "zyxwvut" not in content, name
        assert "5550142377" not in content, name
    # The action server logged this conversation, by hash, as JSON lines.
    records = [json.loads(line) for line in logs["actions.log"].splitlines()
               if line.startswith("{")]
    assert any(r.get("conv") == conversation_hash(phone_sender) and r["msg"] == "greeted"
               for r in records)
