"""Clients for the resilience tests: bursts sent byte-exact at fixed gaps, a minimal Socket.IO
client, signed Twilio webhooks, and readers of the conversation Rasa stored."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import websocket
from twilio.request_validator import RequestValidator

from bot.channels.twilio_policy import channel_id_key, sender_id
from scripts.stack import Stack

GAP_S = 0.010  # "patients double-send": 10 ms between messages


# ---- raw HTTP bursts ----------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float


def _request(host: str, path: str, body: bytes, content_type: str,
             extra: dict[str, str]) -> bytes:
    head = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}", "Connection: close",
            *(f"{k}: {v}" for k, v in extra.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def burst(url: str, requests: list[tuple[bytes, str, dict[str, str]]], gap: float = GAP_S,
          timeout: float = 240.0) -> list[Reply]:
    """POST each (body, content type, headers) on its own connection, opened beforehand, the
    requests written ``gap`` apart in list order (the order the server receives them)."""
    u = urllib.parse.urlparse(url)
    socks = [socket.create_connection((u.hostname, u.port), timeout=timeout) for _ in requests]
    start = time.monotonic()
    for sock, (body, ctype, extra) in zip(socks, requests, strict=True):
        sock.sendall(_request(u.netloc, u.path, body, ctype, extra))
        time.sleep(gap)
    replies = []
    for sock in socks:
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:
            pass
        finally:
            sock.close()
        head, _, payload = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
        replies.append(Reply(status, payload, time.monotonic() - start))
    return replies


def rest_burst(stack: Stack, sender: str, texts: list[str]) -> list[Reply]:
    reqs = [(json.dumps({"sender": sender, "message": t}).encode(), "application/json", {})
            for t in texts]
    return burst(f"{stack.rasa_url}/webhooks/rest/webhook", reqs)


# ---- SMS ------------------------------------------------------------------------------------

def new_phone() -> str:
    return f"+1555{uuid.uuid4().int % 10_000_000:07d}"


def sms_params(stack: Stack, phone: str, body: str) -> dict[str, str]:
    return {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": stack.twilio_account_sid,
            "From": phone, "To": stack.base_env()["TWILIO_SMS_FROM"], "Body": body,
            "NumMedia": "0", "ApiVersion": "2010-04-01"}


def sms_request(stack: Stack, phone: str, body: str) -> tuple[bytes, str, dict[str, str]]:
    url = f"{stack.rasa_url}/webhooks/twilio_sms/webhook"
    params = sms_params(stack, phone, body)
    signature = RequestValidator(stack.twilio_auth_token).compute_signature(url, params)
    return (urllib.parse.urlencode(params).encode(), "application/x-www-form-urlencoded",
            {"X-Twilio-Signature": signature})


def sms_burst(stack: Stack, phone: str, texts: list[str]) -> list[Reply]:
    return burst(f"{stack.rasa_url}/webhooks/twilio_sms/webhook",
                 [sms_request(stack, phone, t) for t in texts])


def sms_conversation_id(stack: Stack, phone: str) -> str:
    return sender_id(phone, channel_id_key(stack.base_env()))


# ---- web chat (Engine.IO 4 / Socket.IO 5 over a WebSocket) ---------------------------------

@dataclass
class WebChat:
    """Just enough Socket.IO for the widget's protocol: session_request, user_uttered,
    bot_uttered. Bot messages are collected by a reader thread."""

    stack: Stack
    ws: websocket.WebSocket = field(init=False)
    conversation_token: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        u = urllib.parse.urlparse(self.stack.rasa_url)
        self.ws = websocket.create_connection(
            f"ws://{u.hostname}:{u.port}/socket.io/?EIO=4&transport=websocket",
            origin=self.stack.web_url, timeout=60)
        assert self.ws.recv().startswith("0")  # Engine.IO open
        self.ws.send("40")
        assert self.ws.recv().startswith("40")  # namespace connected
        self.ws.send('42["session_request",{"session_id":null}]')
        while True:
            event, data = self._event(self.ws.recv())
            if event == "session_confirm":
                self.conversation_token = data
                break
        threading.Thread(target=self._read, daemon=True).start()

    @staticmethod
    def _event(frame: str) -> tuple[str | None, Any]:
        if not frame.startswith("42"):
            return None, None
        payload = json.loads(frame[2:])
        return payload[0], payload[1] if len(payload) > 1 else None

    def _read(self) -> None:
        while True:
            try:
                frame = self.ws.recv()
            except Exception:
                return
            if frame == "2":  # Engine.IO ping
                self.ws.send("3")
                continue
            event, data = self._event(frame)
            if event == "bot_uttered":
                with self._lock:
                    self.received.append(data)
                    self._lock.notify_all()

    def send_burst(self, texts: list[str], gap: float = GAP_S) -> None:
        for text in texts:
            self.ws.send("42" + json.dumps(["user_uttered", {"message": text}]))
            time.sleep(gap)

    def wait_for(self, count: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.received) < count and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            return list(self.received)

    def close(self) -> None:
        self.ws.close()


def webchat_conversation_id(stack: Stack, token: str) -> str:
    """The conversation id inside a signed web-chat session token."""
    from bot.channels import session_tokens

    conversation = session_tokens.verify(stack.base_env()["WEBCHAT_SESSION_SECRET"].encode(),
                                         token)
    assert conversation is not None
    return conversation


# ---- what Rasa stored -----------------------------------------------------------------------

def tracker_events(stack: Stack, conversation_id: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{stack.rasa_url}/conversations/{conversation_id}/tracker",
                  params={"token": stack.auth_token}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["events"]


def user_texts(events: list[dict[str, Any]]) -> list[str]:
    return [e.get("text") or "" for e in events if e["event"] == "user"]


def unanswered_user_turns(events: list[dict[str, Any]]) -> list[str]:
    """User messages not followed by any bot message before the next user message."""
    missing, pending = [], None
    for event in events:
        if event["event"] == "user":
            if pending is not None:
                missing.append(pending)
            pending = event.get("text") or ""
        elif event["event"] == "bot" and pending is not None:
            pending = None
    if pending is not None:
        missing.append(pending)
    return missing


def wait_for_user_turns(stack: Stack, conversation_id: str, count: int,
                        timeout: float) -> list[dict[str, Any]]:
    """The stored events once ``count`` user messages and a reply to the last are in."""
    deadline = time.monotonic() + timeout
    while True:
        events = tracker_events(stack, conversation_id)
        done = len(user_texts(events)) >= count and not unanswered_user_turns(events)
        if done or time.monotonic() > deadline:
            return events
        time.sleep(0.5)
