"""Scripted backend for tests and offline evaluation (NeMo-Guardrails' FakeLLM idea).

    FakeLLM(responses=['{"facts": [...]}', LLMTimeout(), ...])

Each ``complete`` call pops the next response: a string is returned, an exception
(instance or class) is raised, a callable is called with the messages. ``delay_s`` makes
a call sleep first; if that passes ``timeout_s`` the call raises ``LLMTimeout`` like a
real backend would (after sleeping only up to the deadline). Like the local backend, a
late call given ``protect`` still "writes" a scripted string up to the shortest prefix
that ``protect`` accepts and raises ``LLMTimeout`` with that prefix as ``partial`` (or, if
no prefix is ever accepted, sleeps the full delay and returns it all); ``holds_protect=False``
makes it behave like a remote server that cannot (the partial is empty).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from actions.llm.base import LLMBackend, LLMError, LLMTimeout, Protect


class FakeLLM(LLMBackend):
    def __init__(
        self,
        responses: Iterable[
            str | BaseException | type[BaseException] | Callable[[list[dict]], str]
        ] = (),
        *,
        delay_s: float = 0.0,
        model_id: str = "fake/scripted",
        cycle: bool = False,
        holds_protect: bool = True,
    ) -> None:
        self._responses = list(responses)
        self._i = 0
        self._lock = threading.Lock()
        self.delay_s = delay_s
        self.cycle = cycle
        self.holds_protect = holds_protect
        self._model_id = model_id
        self.calls: list[dict] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    def complete(
        self,
        messages: list[dict],
        *,
        max_tokens: int,
        timeout_s: float,
        protect: Protect | None = None,
    ) -> str:
        with self._lock:
            self.calls.append(
                {
                    "messages": messages,
                    "max_tokens": max_tokens,
                    "timeout_s": timeout_s,
                    "protect": protect,
                }
            )
            if self._i >= len(self._responses):
                if not (self.cycle and self._responses):
                    raise LLMError("FakeLLM has no scripted response left")
                self._i = 0
            item = self._responses[self._i]
            self._i += 1
        resp: str | BaseException | type[BaseException]
        if isinstance(item, str | BaseException | type):
            resp = item
        else:
            resp = item(messages)  # a scripted text, so a late call can be cut like one
        if self.delay_s:
            if self.delay_s >= timeout_s:
                if protect is not None and self.holds_protect and isinstance(resp, str):
                    cut = next(
                        (i for i in range(1, len(resp) + 1) if protect(resp[:i])), None
                    )
                    if cut is None:  # never settled: the token budget, not the clock, ends it
                        time.sleep(self.delay_s)
                        return resp
                    time.sleep(timeout_s)
                    raise LLMTimeout(f"fake LLM slept past {timeout_s}s", partial=resp[:cut])
                time.sleep(timeout_s)
                raise LLMTimeout(f"fake LLM slept past {timeout_s}s")
            time.sleep(self.delay_s)
        if isinstance(resp, BaseException):
            raise resp
        if isinstance(resp, type):
            raise resp()
        return resp
