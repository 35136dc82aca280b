"""The one interface every LLM backend implements, and its typed errors.

Message convention: ``messages`` is an OpenAI-style list of ``{"role", "content"}`` dicts.
If the last message has role ``"assistant"`` it is a *prefill*: the backend continues that
text and returns only the continuation (the local backend does this exactly; an
OpenAI-compatible server may or may not, so callers must accept either a continuation
or a full answer — see ``actions.core.guardrails.schema.parse_llm_json``).

This module is pure (no torch, no httpx) so ``actions.core`` may import it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

# ``protect(text_so_far) -> bool``: until it returns True the deadline must not stop the
# generation (the token budget still does). The guardrails pass "the model's level vote is
# settled", so a slow run can lose the model's sentence but never change the level.
Protect = Callable[[str], bool]


class LLMError(RuntimeError):
    """The backend could not produce an answer (bad response, server error, ...)."""

    reason = "llm_error"


class LLMTimeout(LLMError):
    """No answer before the deadline. ``partial`` holds any text produced so far."""

    reason = "llm_timeout"

    def __init__(self, message: str = "LLM call timed out", *, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial


class LLMUnavailable(LLMError):
    """The backend is not usable at all (model files missing, not configured)."""

    reason = "llm_unavailable"


class LLMBackend(ABC):
    """A chat-completion backend. Implementations must be safe to call from several
    threads (serialising internally if they need to) and must honour ``timeout_s``."""

    @property
    @abstractmethod
    def model_id(self) -> str:
        """Stable identifier written to the audit record (backend, model, revision)."""

    @abstractmethod
    def complete(
        self,
        messages: list[dict],
        *,
        max_tokens: int,
        timeout_s: float,
        protect: Protect | None = None,
    ) -> str:
        """Return the assistant text for ``messages``.

        Raises ``LLMTimeout`` when ``timeout_s`` elapses first (with the text so far in
        ``partial``) and ``LLMError`` for any other failure. Never returns ``None``.
        A backend that can (the local one) keeps generating past the deadline until
        ``protect(text so far)`` is True; one that cannot (a remote server) ignores it.
        """

    def close(self) -> None:
        """Release resources (threads, connections)."""
        return None


def split_prefill(messages: list[dict]) -> tuple[list[dict], str]:
    """Split a trailing assistant message off as prefill text."""
    if messages and messages[-1].get("role") == "assistant":
        return list(messages[:-1]), str(messages[-1].get("content") or "")
    return list(messages), ""
