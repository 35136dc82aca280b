"""A minimal Socket.IO (Engine.IO 4) client over one websocket, for the web-chat tests here.

Why by hand: the test venv has no python-socketio, and the bot venv's client needs a newer
aiohttp than Rasa pins. The protocol needed is small: open ("0"), connect the namespace ("40"),
events as ``42["name", data]``, and answer the server's pings ("2" -> "3").
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import websockets


async def flood(rasa_url: str, origin: str, count: int, wait_s: float,
                done: Callable[[list[str]], bool] = lambda texts: False) -> list[str]:
    """Open a session, send ``count`` messages at once, return the bot texts seen within
    ``wait_s`` (or until ``done(texts)``)."""
    url = rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    texts: list[str] = []
    async with websockets.connect(url, origin=origin) as ws:
        assert str(await ws.recv()).startswith("0")  # Engine.IO open
        await ws.send("40")
        await _until(ws, lambda kind, data: kind == "connected")
        await ws.send("42" + json.dumps(["session_request", {}]))
        await _until(ws, lambda kind, data: kind == "session_confirm")
        for _ in range(count):
            await ws.send("42" + json.dumps(["user_uttered", {"message": "hello"}]))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while (left := deadline - loop.time()) > 0:
            try:
                kind, data = await _next(ws, left)
            except TimeoutError:
                break
            if kind == "bot_uttered" and isinstance(data, dict):
                texts.append(str(data.get("text") or ""))
                if done(texts):
                    break
    return texts


async def _next(ws: Any, timeout: float) -> tuple[str, Any]:
    while True:
        frame = str(await asyncio.wait_for(ws.recv(), timeout))
        if frame == "2":  # Engine.IO ping
            await ws.send("3")
        elif frame.startswith("40"):
            return "connected", None
        elif frame.startswith("42"):
            name, *rest = json.loads(frame[2:])
            return name, rest[0] if rest else None


async def _until(ws: Any, wanted: Any, timeout: float = 30.0) -> None:
    while True:
        kind, data = await _next(ws, timeout)
        if wanted(kind, data):
            return
