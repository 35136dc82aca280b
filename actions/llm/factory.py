"""Pick the LLM backend from the LLM_* settings (``ActionSettings.llm_env``, read once from the
environment by actions/settings.py; tests pass a plain dict).

- ``LLM_BACKEND``: ``local`` (default), ``openai``, or ``none`` (rules only, no model).
- ``LLM_MODEL_DIR``: local: converted safetensors dir
  (default ``models/llm/smollm2-135m-instruct``, made by ``python -m actions.llm.convert``).
- ``LLM_LOCAL_DTYPE``: local: ``bfloat16`` (default, ~1.6x faster on CPU) or ``float32``.
- ``LLM_BASE_URL``: openai: server base URL (default ``http://127.0.0.1:8000/v1``).
- ``LLM_MODEL``: openai: model name (default ``SmolLM2-135M-Instruct``).
- ``LLM_API_KEY``: openai: bearer token, from the environment only (default unset).
- ``LLM_TIMEOUT_S``: openai: HTTP timeout cap in seconds (default 8).

Imports are lazy so choosing ``openai`` never imports torch and ``local`` never httpx.
"""

from __future__ import annotations

from collections.abc import Mapping

from actions.llm.base import LLMBackend, LLMUnavailable


def backend_from_env(env: Mapping[str, str]) -> LLMBackend | None:
    kind = (env.get("LLM_BACKEND") or "local").strip().lower()
    if kind == "local":
        from actions.llm.local import DEFAULT_MODEL_DIR, LocalTransformersBackend

        return LocalTransformersBackend(
            env.get("LLM_MODEL_DIR") or DEFAULT_MODEL_DIR,
            dtype=env.get("LLM_LOCAL_DTYPE") or "bfloat16",
        )
    if kind == "openai":
        from actions.llm.openai_http import OpenAIChatBackend, OpenAISettings

        return OpenAIChatBackend(OpenAISettings.from_env(env))
    if kind in {"none", "off", "disabled"}:
        return None
    raise LLMUnavailable(f"unknown LLM_BACKEND {kind!r} (expected local, openai or none)")
