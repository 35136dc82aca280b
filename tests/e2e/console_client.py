"""A staff member using the console's HTTP API the way the page's JavaScript does: sign in through
the login form (with its CSRF token), then JSON calls carrying the session's CSRF header."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx

from scripts.stack import Stack

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleUser:
    def __init__(self, stack: Stack, username: str, password: str) -> None:
        self.base = stack.console_url
        self.client = httpx.Client(base_url=self.base, timeout=15, follow_redirects=False)
        form = self.client.get("/login")
        token = _CSRF_FIELD.search(form.text)
        assert token, form.text[:300]
        r = self.client.post("/login", data={"username": username, "password": password,
                                             "csrf_token": token.group(1)})
        assert r.status_code in (302, 303), (r.status_code, r.text[:300])
        me = self.client.get("/api/me")
        assert me.status_code == 200, me.text
        self.csrf = me.json()["csrf_token"]

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, body: dict[str, Any] | None = None,
             csrf: bool = True) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        return self.client.post(path, json=body or {}, headers=headers)

    def queue(self) -> list[dict[str, Any]]:
        r = self.get("/api/queue")
        assert r.status_code == 200, r.text
        data = r.json()
        return data["entries"] if isinstance(data, dict) else data

    def wait_for_entry(self, conversation_id: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.queue():
                if entry["conversation_id"] == conversation_id:
                    return entry
            time.sleep(0.1)
        raise AssertionError(f"no queue entry for {conversation_id}")

    def conversation(self, conversation_id: str) -> dict[str, Any]:
        r = self.get(f"/api/conversations/{conversation_id}")
        assert r.status_code == 200, r.text
        return r.json()

    def act(self, conversation_id: str, action: str, **body: Any) -> httpx.Response:
        return self.post(f"/api/conversations/{conversation_id}/{action}", body)


def new_staff(stack: Stack, role: str = "agent") -> tuple[str, str]:
    username = f"{role[:3]}{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex  # 32 characters
    stack.add_staff(username, password, role=role, display_name=f"Test {role.title()}")
    return username, password
