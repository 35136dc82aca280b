"""Small HTTP helpers for end-to-end tests (real HTTP to the servers the fixture started)."""

from __future__ import annotations

from typing import Any

import httpx

from scripts.stack import Stack


def say(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    r = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                   json={"sender": sender, "message": text}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def tracker(stack: Stack, sender: str) -> dict[str, Any]:
    r = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker",
                  params={"token": stack.auth_token}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()
