"""Test harness: the console app served in-process on a real port, a fake Rasa, login helpers.

Why in-process on a real socket (not Sanic's ASGI or test client): the SSE stream and cookies
need a real HTTP connection, and in-process lets tests hand the app a fake RasaClient.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import re
import threading
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sanic import Sanic

from console.rasa_client import RasaClient, RasaUnavailable
from scripts.stack import free_port


class FakeRasa(RasaClient):
    """Records every events POST; serves a tracker made of seeded and appended events."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[dict[str, Any]]]] = []
        self.trackers: dict[str, list[dict[str, Any]]] = {}
        self.down = False

    def patient_says(self, conversation_id: str, text: str) -> None:
        self.trackers.setdefault(conversation_id, []).append(
            {"event": "user", "text": text, "timestamp": 1.0})

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        if self.down:
            raise RasaUnavailable("ConnectError")
        self.calls.append((conversation_id, events))
        self.trackers.setdefault(conversation_id, []).extend(events)

    async def fetch_events(self, conversation_id: str) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("ConnectError")
        return list(self.trackers.get(conversation_id, []))

    def calls_for(self, conversation_id: str) -> list[list[dict[str, Any]]]:
        return [events for cid, events in self.calls if cid == conversation_id]


class ServedApp:
    """Run a Sanic app on 127.0.0.1:<free port> in a background thread with its own loop."""

    def __init__(self, app: Sanic) -> None:
        # Sanic rewrites some of its own class methods at startup ("touchup"); test mode keeps
        # the originals so a second app in the same process can start (as sanic-testing does).
        Sanic.test_mode = True
        self.app = app
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()
        self._server: Any = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._server = await self.app.create_server(
                host="127.0.0.1", port=self.port, return_asyncio_server=True)
            await self._server.startup()
            await self._server.before_start()
            await self._server.after_start()

        try:
            self._loop.run_until_complete(start())
        except BaseException as exc:  # surfaced by start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> ServedApp:
        self._thread.start()
        if not self._ready.wait(20):
            raise RuntimeError("console app did not start")
        if self._error is not None:
            raise RuntimeError("console app failed to start") from self._error
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            server = self._server
            await server.before_stop()
            server.server.close()
            for conn in list(server.connections):
                with contextlib.suppress(Exception):
                    conn.close()
            await server.after_stop()
            current = asyncio.current_task()
            for task in asyncio.all_tasks():
                if task is not current:
                    task.cancel()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(15)


def unique_name() -> str:
    return f"console_test_{uuid.uuid4().hex[:10]}"


_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def login_form_token(client: httpx.Client) -> str:
    page = client.get("/login")
    assert page.status_code == 200, page.text
    match = _CSRF_INPUT.search(page.text)
    assert match, "login form carries a csrf_token field"
    return match.group(1)


def post_login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    token = login_form_token(client)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def login(client: httpx.Client, username: str, password: str) -> str:
    """Sign in and return the session's CSRF token."""
    response = post_login(client, username, password)
    assert response.status_code == 303, (response.status_code, response.text[:300])
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    return me.json()["csrf_token"]


TOKEN = "rasa-secret-token"


class FakeRasaServer:
    """Records requests; answers a tracker GET with stored events; can be told to fail."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.events: dict[str, list[dict]] = {}
        self.fail_status: int | None = None
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, status: int, payload: object) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _record(self) -> tuple[str, dict]:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                outer.requests.append({"method": self.command, "path": url.path,
                                       "query": parse_qs(url.query), "json": body})
                return url.path, parse_qs(url.query)

            def do_GET(self) -> None:
                path, query = self._record()
                if outer.fail_status:
                    self._answer(outer.fail_status, {"error": "nope"})
                elif query.get("token") != [TOKEN]:
                    self._answer(401, {"status": "failure"})
                else:
                    cid = path.split("/")[2]
                    self._answer(200, {"sender_id": cid, "events": outer.events.get(cid, [])})

            def do_POST(self) -> None:
                path, query = self._record()
                if outer.fail_status:
                    self._answer(outer.fail_status, {"error": "nope"})
                elif query.get("token") != [TOKEN]:
                    self._answer(401, {"status": "failure"})
                else:
                    self._answer(200, {"sender_id": path.split("/")[2], "events": []})

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
