"""The real httpx RasaClient against a tiny local HTTP server that plays Rasa's HTTP API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from actions.core.escalation.model import Reason, Summary
from console.app import create_app
from console.rasa_client import (
    HANDBACK_TEXT,
    HttpRasaClient,
    RasaUnavailable,
    transcript_from_events,
)
from console.settings import Settings
from scripts.stack import free_port
from tests.console.conftest import PASSWORDS
from tests.console.harness import TOKEN, FakeRasaServer, ServedApp, login, unique_name


@pytest.fixture
def rasa_server() -> Iterator[FakeRasaServer]:
    server = FakeRasaServer()
    yield server
    server.close()


def run(coro):
    return asyncio.run(coro)


def test_take_over_posts_pause_and_greeting_with_token(rasa_server: FakeRasaServer) -> None:
    async def go() -> None:
        client = HttpRasaClient(rasa_server.url, TOKEN)
        try:
            await client.take_over("web/42 ä", "ann", "Ann Lee")
            await client.send_agent_message("web/42 ä", "ann", "Hello!")
            await client.hand_back("web/42 ä")
        finally:
            await client.aclose()

    run(go())
    first, second, third = rasa_server.requests
    assert first["method"] == "POST"
    assert first["path"] == "/conversations/web%2F42%20%C3%A4/tracker/events"
    assert first["query"] == {"token": [TOKEN], "output_channel": ["latest"],
                              "execute_side_effects": ["true"]}
    assert first["json"] == [
        {"event": "pause"},
        {"event": "bot", "text": "You're now chatting with Ann Lee from the clinic team.",
         "metadata": {"agent": "ann", "agent_name": "Ann Lee"}}]
    assert second["json"] == [{"event": "bot", "text": "Hello!",
                               "metadata": {"agent": "ann", "agent_name": "ann"}}]
    assert third["json"] == [{"event": "resume"}, {"event": "bot", "text": HANDBACK_TEXT,
                                                   "metadata": {"handoff": "ended"}}]


def test_transcript_reads_the_tracker(rasa_server: FakeRasaServer) -> None:
    rasa_server.events["c1"] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "I need a person", "timestamp": 1700000000.0,
         "parse_data": {"intent": {"name": "human_handoff"}}},
        {"event": "bot", "text": "Connecting you.", "timestamp": 1700000001.0},
        {"event": "pause"},
        {"event": "bot", "text": "Hi, Ann here.", "metadata": {"agent": "ann"},
         "timestamp": 1700000002.0},
        {"event": "bot", "data": {"buttons": []}},        # no text: skipped
        {"event": "slot", "name": "x", "value": 1},
    ]

    async def go() -> list[dict]:
        client = HttpRasaClient(rasa_server.url + "/", TOKEN)
        try:
            return await client.transcript("c1")
        finally:
            await client.aclose()

    lines = run(go())
    request = rasa_server.requests[0]
    assert request["method"] == "GET" and request["path"] == "/conversations/c1/tracker"
    assert request["query"] == {"token": [TOKEN]}
    assert lines == [
        {"role": "patient", "text": "I need a person", "timestamp": 1700000000.0, "agent": None},
        {"role": "assistant", "text": "Connecting you.", "timestamp": 1700000001.0,
         "agent": None},
        {"role": "agent", "text": "Hi, Ann here.", "timestamp": 1700000002.0, "agent": "ann"},
    ]


@pytest.mark.parametrize("status", [401, 404, 500, 503])
def test_error_answers_raise_rasa_unavailable(rasa_server: FakeRasaServer, status: int) -> None:
    rasa_server.fail_status = status

    async def go() -> None:
        client = HttpRasaClient(rasa_server.url, TOKEN)
        try:
            with pytest.raises(RasaUnavailable):
                await client.send_agent_message("c1", "ann", "hello")
            with pytest.raises(RasaUnavailable):
                await client.transcript("c1")
        finally:
            await client.aclose()

    run(go())


def test_wrong_token_and_nothing_listening_raise_rasa_unavailable(
        rasa_server: FakeRasaServer) -> None:
    async def go() -> None:
        wrong = HttpRasaClient(rasa_server.url, "wrong-token")
        nobody = HttpRasaClient(f"http://127.0.0.1:{free_port()}", TOKEN, timeout_s=2)
        try:
            with pytest.raises(RasaUnavailable):
                await wrong.take_over("c1", "ann", "Ann")
            with pytest.raises(RasaUnavailable):
                await nobody.take_over("c1", "ann", "Ann")
        finally:
            await wrong.aclose()
            await nobody.aclose()

    run(go())


def test_transcript_parser_tolerates_junk() -> None:
    assert transcript_from_events([]) == []
    assert transcript_from_events([{"event": "user", "text": None},
                                   {"event": "bot", "text": "ok", "metadata": "odd"}]) == [
        {"role": "assistant", "text": "ok", "timestamp": None, "agent": None}]


def test_console_wires_rasa_url_and_token_from_settings(
        rasa_server: FakeRasaServer, redis_url, rclient, queue, accounts) -> None:
    """The app built from settings (no injected client) talks to RASA_URL with RASA_TOKEN."""
    settings = Settings(redis_url=redis_url, rasa_url=rasa_server.url, rasa_token=TOKEN)
    served = ServedApp(create_app(settings, name=unique_name())).start()
    try:
        with httpx.Client(base_url=served.base_url) as client:
            token = login(client, "ann", PASSWORDS["ann"])
            queue.enqueue("c9", Summary(Reason.PATIENT_REQUEST))
            assert client.post("/api/conversations/c9/claim",
                               headers={"X-CSRF-Token": token}).status_code == 200
            rasa_server.fail_status = 503
            r = client.post("/api/conversations/c9/reply", headers={"X-CSRF-Token": token},
                            json={"text": "are you there?"})
            assert r.status_code == 502 and r.json()["text"] == "are you there?"
    finally:
        served.stop()
    posted = [r for r in rasa_server.requests if r["method"] == "POST"]
    assert posted[0]["path"] == "/conversations/c9/tracker/events"
    assert posted[0]["query"]["token"] == [TOKEN]
    assert posted[0]["json"][0] == {"event": "pause"}
