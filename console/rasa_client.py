"""How the console talks to Rasa: pause/resume the bot, speak as an agent, read the transcript.

Everything goes through Rasa's HTTP API (``POST /conversations/<id>/tracker/events`` with
``output_channel=latest&execute_side_effects=true``), so an agent's words reach the patient through
the patient's own channel (web chat, SMS, WhatsApp) and are recorded in the tracker like any bot
turn. A paused Rasa conversation still records the patient's messages but predicts nothing, which
is what keeps the assistant silent while a person owns the conversation.

``RasaClient`` is the interface; ``HttpRasaClient`` the real one; tests pass a fake.
"""

from __future__ import annotations

import abc
import logging
from typing import Any
from urllib.parse import quote

import httpx

from actions.core.menu import EMERGENCY_LINE
from actions.core.privacy import conversation_hash

log = logging.getLogger("console.rasa")

HANDBACK_TEXT = (
    "You're back with the clinic's automated assistant. I can answer questions about the clinic, "
    "help with appointments, or check your symptoms — just tell me what you need."
)
CLOSING_TEXT = (
    "Thank you for talking with the clinic team; this chat with us is now closed. If you need "
    f"anything else, just send a message and the clinic's automated assistant will help. "
    f"{EMERGENCY_LINE}"
)
MAX_TRANSCRIPT_MESSAGES = 300


class RasaUnavailable(RuntimeError):
    """Rasa did not accept or answer the request (down, timeout, auth or server error)."""


def takeover_text(display_name: str) -> str:
    return f"You're now chatting with {display_name} from the clinic team."


def _agent_metadata(agent: str, display_name: str | None) -> dict[str, str]:
    # "agent" (username) is what the console's transcript shows staff; "agent_name" is what the
    # patient's web chat shows as the sender's name.
    return {"agent": agent, "agent_name": display_name or agent}


def takeover_events(agent: str, display_name: str) -> list[dict[str, Any]]:
    return [{"event": "pause"},
            {"event": "bot", "text": takeover_text(display_name),
             "metadata": _agent_metadata(agent, display_name)}]


def agent_message_events(agent: str, text: str,
                         display_name: str | None = None) -> list[dict[str, Any]]:
    return [{"event": "bot", "text": text, "metadata": _agent_metadata(agent, display_name)}]


# "handoff": "ended" tells the web chat that the assistant is answering again.
def handback_events() -> list[dict[str, Any]]:
    return [{"event": "resume"},
            {"event": "bot", "text": HANDBACK_TEXT, "metadata": {"handoff": "ended"}}]


def resolve_events() -> list[dict[str, Any]]:
    return [{"event": "resume"},
            {"event": "bot", "text": CLOSING_TEXT, "metadata": {"handoff": "ended"}}]


def transcript_from_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """User and bot turns with text, labelled patient / assistant / agent, oldest first."""
    lines: list[dict[str, Any]] = []
    for event in events or []:
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not isinstance(text, str) or not text:
            continue
        metadata = event.get("metadata") or {}
        agent = metadata.get("agent") if isinstance(metadata, dict) else None
        if kind == "user":
            role = "patient"
        elif agent:
            role = "agent"
        else:
            role = "assistant"
        lines.append({"role": role, "text": text, "timestamp": event.get("timestamp"),
                      "agent": agent if role == "agent" else None})
    return lines[-MAX_TRANSCRIPT_MESSAGES:]


class RasaClient(abc.ABC):
    """What the console needs from Rasa. Methods raise RasaUnavailable on any failure."""

    @abc.abstractmethod
    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the tracker and deliver bot events through the patient's channel."""

    @abc.abstractmethod
    async def fetch_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The tracker's events."""

    async def take_over(self, conversation_id: str, agent: str, display_name: str) -> None:
        await self.append_events(conversation_id, takeover_events(agent, display_name))

    async def send_agent_message(self, conversation_id: str, agent: str, text: str,
                                 display_name: str | None = None) -> None:
        await self.append_events(conversation_id, agent_message_events(agent, text, display_name))

    async def hand_back(self, conversation_id: str) -> None:
        await self.append_events(conversation_id, handback_events())

    async def resolve(self, conversation_id: str) -> None:
        await self.append_events(conversation_id, resolve_events())

    async def transcript(self, conversation_id: str) -> list[dict[str, Any]]:
        return transcript_from_events(await self.fetch_events(conversation_id))

    async def aclose(self) -> None:  # noqa: B027 (optional hook, most fakes hold nothing)
        """Release connections."""


class HttpRasaClient(RasaClient):
    """The real client: Rasa's HTTP API with ``--auth-token`` as the ``token`` query parameter."""

    def __init__(self, base_url: str, token: str = "", timeout_s: float = 5.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = httpx.AsyncClient(timeout=timeout_s, transport=transport)

    def _url(self, conversation_id: str, suffix: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{suffix}"

    def _params(self, **extra: str) -> dict[str, str]:
        params = {"token": self._token} if self._token else {}
        params.update(extra)
        return params

    async def _call(self, method: str, conversation_id: str, url: str, **kwargs: Any) -> Any:
        try:
            response = await self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("rasa request failed", extra={"conv": conversation_hash(conversation_id),
                                                      "error": type(exc).__name__})
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code >= 300:
            log.warning("rasa answered with an error", extra={
                "conv": conversation_hash(conversation_id), "status": response.status_code})
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise RasaUnavailable("invalid JSON from Rasa") from exc

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        await self._call(
            "POST", conversation_id, self._url(conversation_id, "tracker/events"),
            params=self._params(output_channel="latest", execute_side_effects="true"),
            json=events)

    async def fetch_events(self, conversation_id: str) -> list[dict[str, Any]]:
        tracker = await self._call("GET", conversation_id, self._url(conversation_id, "tracker"),
                                   params=self._params())
        events = tracker.get("events") if isinstance(tracker, dict) else None
        return events if isinstance(events, list) else []

    async def aclose(self) -> None:
        await self._client.aclose()
