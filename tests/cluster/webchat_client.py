"""A minimal Socket.IO (Engine.IO 4, websocket transport) client for the web chat, the way the
widget talks (bot/static/widget.js: websocket only). Enough for tests: connect, session_request,
user_uttered, and collecting bot_uttered events; it answers the server's pings."""

from __future__ import annotations

import json
import time
from typing import Any

from websockets.sync.client import ClientConnection, connect


class WebChat:
    def __init__(self, base_url: str, origin: str, timeout: float = 15) -> None:
        ws_url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws: ClientConnection = connect(ws_url, origin=origin, open_timeout=timeout)  # type: ignore[arg-type]
        opened = str(self.ws.recv(timeout=timeout))
        assert opened.startswith("0"), opened  # Engine.IO open packet
        self.ws.send("40")  # Socket.IO connect to the default namespace
        self._until(lambda packet: packet.startswith("40"), timeout)
        self.pending: list[tuple[str, Any]] = []
        self.emit("session_request", {"session_id": None})
        self.token = self.wait_event("session_confirm", timeout)

    def emit(self, event: str, data: Any) -> None:
        self.ws.send("42" + json.dumps([event, data]))

    def _until(self, wanted: Any, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no such packet from the web chat")
            packet = str(self.ws.recv(timeout=left))
            if packet == "2":  # ping
                self.ws.send("3")
                continue
            if wanted(packet):
                return packet
            if packet.startswith("42"):
                event, *args = json.loads(packet[2:])
                self.pending.append((event, args[0] if args else None))

    def wait_event(self, event: str, timeout: float = 30) -> Any:
        for i, (name, data) in enumerate(self.pending):
            if name == event:
                del self.pending[i]
                return data
        packet = self._until(lambda p: p.startswith("42") and json.loads(p[2:])[0] == event,
                             timeout)
        args = json.loads(packet[2:])[1:]
        return args[0] if args else None

    def say(self, text: str) -> None:
        self.emit("user_uttered", {"message": text, "session_id": self.token})

    def texts_until(self, needle: str, timeout: float = 60) -> list[str]:
        """bot_uttered texts received until one contains ``needle``."""
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while not any(needle in t for t in got):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} never arrived; got {got}")
            got.append((self.wait_event("bot_uttered", left) or {}).get("text", ""))
        return got

    def close(self) -> None:
        self.ws.close()
