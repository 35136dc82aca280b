"""The live queue over server-sent events."""

from __future__ import annotations

import json
import queue as queue_mod
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from actions.core.escalation.model import Reason, Summary
from tests.console.conftest import PASSWORDS, Console
from tests.console.harness import login


@contextmanager
def sse_events(client: httpx.Client) -> Iterator[queue_mod.Queue]:
    """Read /api/stream in a thread; yields a queue of (arrival time, event, data)."""
    events: queue_mod.Queue = queue_mod.Queue()
    stop = threading.Event()
    opened = threading.Event()

    def reader() -> None:
        try:
            read()
        except httpx.HTTPError:  # the client closed under us at teardown
            events.put((time.monotonic(), "closed", None))

    def read() -> None:
        with client.stream("GET", "/api/stream", timeout=httpx.Timeout(10, read=30)) as resp:
            events.put((time.monotonic(), "status", resp.status_code))
            events.put((time.monotonic(), "content-type", resp.headers["content-type"]))
            opened.set()
            name, data = "message", []
            for line in resp.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "":
                    if data:
                        events.put((time.monotonic(), name, json.loads("\n".join(data))))
                    name, data = "message", []
            events.put((time.monotonic(), "closed", None))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    assert opened.wait(10), "stream did not open"
    try:
        yield events
    finally:
        stop.set()


def next_event(events: queue_mod.Queue, name: str, timeout: float = 5.0,
               where=lambda data: True) -> tuple[float, object]:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {name!r} event within {timeout}s"
        at, got, data = events.get(timeout=remaining)
        if got == name and where(data):
            return at, data


def test_a_new_entry_reaches_the_stream_within_a_second(console: Console) -> None:
    client = console.client()
    login(client, "ann", PASSWORDS["ann"])
    with sse_events(client) as events:
        assert next_event(events, "status")[1] == 200
        assert next_event(events, "content-type")[1].startswith("text/event-stream")
        _, first = next_event(events, "queue")
        assert first["entries"] == [] and "stats" in first
        for round_no in range(3):
            cid = f"sse-{round_no}"
            sent = time.monotonic()
            console.queue.enqueue(cid, Summary(Reason.EMERGENCY, chief_complaint="chest pain"))
            at, snap = next_event(events, "queue", where=lambda d, cid=cid: any(
                e["conversation_id"] == cid for e in d["entries"]))
            assert at - sent < 1.0, f"round {round_no}: {at - sent:.2f}s"
            entry = next(e for e in snap["entries"] if e["conversation_id"] == cid)
            assert entry["priority"] == 0 and entry["summary"]["chief_complaint"] == "chest pain"
        # Claims are pushed too.
        console.queue.claim("sse-0", "bob")
        next_event(events, "queue", where=lambda d: any(
            e["conversation_id"] == "sse-0" and e["owner"] == "bob" for e in d["entries"]))


def test_heartbeat_marks_the_agent_online(console: Console) -> None:
    client = console.client()
    login(client, "ann", PASSWORDS["ann"])
    assert console.queue.agents_online() == []
    with sse_events(client) as events:
        _, beat = next_event(events, "heartbeat", timeout=3)
        assert abs(beat["now"] - time.time()) < 5
        assert console.queue.agents_online() == ["ann"]


def test_stream_ends_when_the_session_ends(console: Console) -> None:
    client = console.client()
    token = login(client, "ann", PASSWORDS["ann"])
    with sse_events(client) as events:
        next_event(events, "queue")
        other = console.client()
        other.cookies.update(client.cookies)
        assert other.post("/logout", headers={"X-CSRF-Token": token,
                                              "Accept": "application/json"}).status_code == 200
        next_event(events, "logout", timeout=4)
        next_event(events, "closed", timeout=4)
    assert console.queue.agents_online() == []
