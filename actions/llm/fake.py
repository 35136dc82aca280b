"""Scripted backend for tests and offline evaluation (NeMo-Guardrails' FakeLLM idea).

    FakeLLM(responses=['{"facts": [...]}', LLMTimeout(), ...])

Each ``complete`` call pops the next response: a string is returned, an exception
(instance or class) is raised, a callable is called with the messages. ``delay_s`` makes
a call sleep first; if that passes ``timeout_s`` the call raises ``LLMTimeout`` like a
real backend would (after sleeping only up to the deadline).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from actions.llm.base import LLMBackend, LLMError, LLMTimeout


class FakeLLM(LLMBackend):
    def __init__(
        self,
        responses: Iterable[str | BaseException | type | Callable[[list[dict]], str]] = (),
        *,
        delay_s: float = 0.0,
        model_id: str = "fake/scripted",
        cycle: bool = False,
    ) -> None:
        self._responses = list(responses)
        self._i = 0
        self._lock = threading.Lock()
        self.delay_s = delay_s
        self.cycle = cycle
        self._model_id = model_id
        self.calls: list[dict] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    def complete(self, messages: list[dict], *, max_tokens: int, timeout_s: float) -> str:
        with self._lock:
            self.calls.append(
                {"messages": messages, "max_tokens": max_tokens, "timeout_s": timeout_s}
            )
            if self._i >= len(self._responses):
                if not (self.cycle and self._responses):
                    raise LLMError("FakeLLM has no scripted response left")
                self._i = 0
            resp = self._responses[self._i]
            self._i += 1
        if self.delay_s:
            if self.delay_s >= timeout_s:
                time.sleep(timeout_s)
                raise LLMTimeout(f"fake LLM slept past {timeout_s}s")
            time.sleep(self.delay_s)
        if isinstance(resp, BaseException):
            raise resp
        if isinstance(resp, type) and issubclass(resp, BaseException):
            raise resp()
        if callable(resp):
            return resp(messages)
        return resp
