"""Web-chat session tokens expire, cannot be forged to last longer, and one token is never used
by two sockets at once (a copied token gets a new conversation, not the patient's replies)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import websocket

from bot.channels import session_tokens
from bot.channels.settings import ChannelSettings, ChannelSettingsError

SECRET = b"0123456789abcdef0123456789abcdef"


def test_a_token_expires_after_its_lifetime() -> None:
    token, conversation = session_tokens.issue(SECRET, ttl_s=3600)
    assert session_tokens.verify(SECRET, token) == conversation
    assert session_tokens.verify(SECRET, token, now=time.time() + 3599) == conversation
    assert session_tokens.verify(SECRET, token, now=time.time() + 3601) is None
    # The default lifetime is 24 hours.
    default, _ = session_tokens.issue(SECRET)
    assert session_tokens.verify(SECRET, default, now=time.time() + 23.9 * 3600)
    assert session_tokens.verify(SECRET, default, now=time.time() + 24.1 * 3600) is None


def test_the_expiry_cannot_be_extended_or_dropped() -> None:
    token, _ = session_tokens.issue(SECRET, ttl_s=60)
    session_id, expiry, signature = token.split(".")
    later = f"{int(expiry, 16) + 365 * 24 * 3600:x}"
    assert session_tokens.verify(SECRET, f"{session_id}.{later}.{signature}") is None
    assert session_tokens.verify(SECRET, f"{session_id}.{signature}") is None   # old format
    assert session_tokens.verify(SECRET, f"{session_id}..{signature}") is None


# Built-in keys are allowed only in development mode (bot/runtime_mode.py).
DEV = {"TRIAGE_ENV": "development"}


def test_the_lifetime_is_a_setting() -> None:
    assert ChannelSettings.from_env(DEV).webchat_session_ttl_s == 24 * 3600
    two_hours = ChannelSettings.from_env({**DEV, "WEBCHAT_SESSION_TTL_HOURS": "2"})
    assert two_hours.webchat_session_ttl_s == 2 * 3600
    for bad in ("0", "-3", "forever"):
        with pytest.raises(ChannelSettingsError, match="WEBCHAT_SESSION_TTL_HOURS"):
            ChannelSettings.from_env({**DEV, "WEBCHAT_SESSION_TTL_HOURS": bad})


class Socket:
    """A minimal Socket.IO v5 / Engine.IO v4 client over one websocket (no extra package)."""

    def __init__(self, stack) -> None:
        url = stack.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, origin=stack.web_url, timeout=15)
        assert self.ws.recv().startswith("0")          # Engine.IO open
        self.ws.send("40")                              # Socket.IO connect
        assert self.next_packet().startswith("40")

    def next_packet(self) -> str:
        while True:
            packet = self.ws.recv()
            if packet == "2":                           # ping
                self.ws.send("3")
                continue
            return packet

    def emit(self, event: str, data: object) -> None:
        self.ws.send("42" + json.dumps([event, data]))

    def events(self, until: str, timeout: float = 15) -> list[tuple[str, object]]:
        """Events received until (and including) the first ``until``."""
        got: list[tuple[str, object]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            packet = self.next_packet()
            if packet.startswith("42"):
                name, *args = json.loads(packet[2:])
                got.append((name, args[0] if args else None))
                if name == until:
                    return got
        raise AssertionError(f"no {until!r} within {timeout}s: {got}")

    def session(self, token: str | None) -> tuple[str, list[str]]:
        """Ask for a session; returns the confirmed token and any bot texts that came with it."""
        self.emit("session_request", {"session_id": token})
        got = self.events("session_confirm")
        confirmed = got[-1][1]
        assert isinstance(confirmed, str)
        texts = []
        self.ws.settimeout(0.5)
        try:
            while True:
                packet = self.next_packet()
                if packet.startswith("42"):
                    name, data = json.loads(packet[2:])
                    if name == "bot_uttered":
                        texts.append(data.get("text", ""))
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self.ws.settimeout(15)
        return confirmed, texts

    def close(self) -> None:
        self.ws.close()


@contextmanager
def socket(stack) -> Iterator[Socket]:
    s = Socket(stack)
    try:
        yield s
    finally:
        s.close()


def test_a_second_socket_never_shares_a_live_session(stack) -> None:
    with socket(stack) as first:
        token, _ = first.session(None)
        with socket(stack) as second:
            other, notices = second.session(token)
            assert other != token
            assert session_tokens.verify(SECRET, other) is None   # signed by the stack, not us
            assert any("another window" in n for n in notices)
    # Once the first socket has gone, the same token resumes its conversation (a reload).
    with socket(stack) as again:
        resumed, notices = again.session(token)
        assert resumed == token and notices == []


def test_an_expired_token_starts_a_new_conversation(stack) -> None:
    secret = stack.base_env()["WEBCHAT_SESSION_SECRET"].encode()
    expired = session_tokens.new_session(secret, ttl_s=60, now=time.time() - 3600)
    with socket(stack) as s:
        token, notices = s.session(expired.token)
        assert token != expired.token
        assert session_tokens.verify(secret, token) not in (None, expired.conversation_id)
        assert any("new conversation" in n for n in notices)
