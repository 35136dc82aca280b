"""OpenAI-compatible chat-completions backend (``POST {base_url}/chat/completions``).

Works with OpenAI, vLLM, llama.cpp server, Ollama's /v1, LM Studio, ... The API key is
read from the environment only (``LLM_API_KEY``), never from files or arguments that end
up in logs; ``repr`` never shows it. A trailing assistant message (prefill) is sent as is:
servers that continue it return the continuation, others a whole answer — the guards'
parser accepts both.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from actions.llm.base import LLMBackend, LLMError, LLMTimeout, LLMUnavailable, Protect

MAX_RESPONSE_BYTES = 1_000_000


@dataclass(frozen=True)
class OpenAISettings:
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "SmolLM2-135M-Instruct"
    timeout_s: float = 8.0
    api_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OpenAISettings:
        return cls(
            base_url=env.get("LLM_BASE_URL") or cls.base_url,
            model=env.get("LLM_MODEL") or cls.model,
            timeout_s=float(env.get("LLM_TIMEOUT_S") or cls.timeout_s),
            api_key=env.get("LLM_API_KEY") or None,
        )


class OpenAIChatBackend(LLMBackend):
    def __init__(
        self, settings: OpenAISettings, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        if not settings.base_url.startswith(("http://", "https://")):
            raise LLMUnavailable(f"LLM_BASE_URL must be http(s): {settings.base_url!r}")
        self.settings = settings
        headers = {"Content-Type": "application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self._client = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            headers=headers,
            timeout=settings.timeout_s,
            transport=transport,
            follow_redirects=False,
            trust_env=False,  # no proxy surprises: the endpoint is exactly what is configured
        )

    @property
    def model_id(self) -> str:
        return f"openai/{self.settings.model}"

    def complete(
        self,
        messages: list[dict],
        *,
        max_tokens: int,
        timeout_s: float,
        protect: Protect | None = None,
    ) -> str:
        # ``protect`` cannot be honoured over a non-streaming HTTP call: a timeout here yields
        # no vote, so the level falls back to the deterministic one (README: reproducibility).
        del protect
        timeout_s = min(timeout_s, self.settings.timeout_s)
        payload = {
            "model": self.settings.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": 0,
            "seed": 0,  # for servers that sample anyway: the same answer on every run
            "stream": False,
        }
        deadline = time.monotonic() + timeout_s
        try:
            # httpx timeouts are per phase (connect/write/each read), so a server that drips
            # bytes could run past the turn budget: also check one overall deadline.
            with self._client.stream(
                "POST", "/chat/completions", json=payload, timeout=httpx.Timeout(timeout_s)
            ) as resp:
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise LLMError(
                            f"{self.model_id}: response larger than {MAX_RESPONSE_BYTES} bytes"
                        )
                    if time.monotonic() > deadline:
                        raise LLMTimeout(f"{self.model_id}: no full answer within {timeout_s:.1f}s")
                status = resp.status_code
        except httpx.TimeoutException as exc:
            raise LLMTimeout(f"{self.model_id}: no answer within {timeout_s:.1f}s") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"{self.model_id}: transport error {type(exc).__name__}") from exc
        if time.monotonic() > deadline:
            raise LLMTimeout(f"{self.model_id}: no full answer within {timeout_s:.1f}s")
        if status != 200:
            # The body may echo the prompt (patient text): keep only the status in the error.
            raise LLMError(f"{self.model_id}: HTTP {status}")
        try:
            data = json.loads(bytes(body))
            choice = data["choices"][0]
            text = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{self.model_id}: malformed response") from exc
        if not isinstance(text, str):
            raise LLMError(f"{self.model_id}: empty or non-text content")
        return text

    def close(self) -> None:
        self._client.close()
