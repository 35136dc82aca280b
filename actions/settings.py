"""Settings of the action server, read from the environment once.

Why one object: the adapters used to read ``os.environ`` wherever they needed a value (REDIS_URL
in two modules, each with its own default), and two core modules read it too. Now
``ActionSettings.from_env()`` is the only place, ``current()`` builds it once per process, and
the adapters hand the values to the pure core (``actions/core`` reads no environment).
README.md, "Settings (environment variables)", documents every variable (a test checks).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from actions.core.privacy import DEV_KEY as DEV_LOG_HASH_KEY
from bot.retention import Retention
from bot.runtime_mode import secret

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# The LLM backend's settings, parsed by actions/llm/factory.py (which documents them).
LLM_VARIABLES = ("LLM_BACKEND", "LLM_MODEL_DIR", "LLM_LOCAL_DTYPE", "LLM_BASE_URL", "LLM_MODEL",
                 "LLM_API_KEY", "LLM_TIMEOUT_S")


@dataclass(frozen=True)
class ActionSettings:
    # Audit stream and escalation queue (the same Redis as Rasa's tracker store).
    redis_url: str = DEFAULT_REDIS_URL
    # HMAC key of the conversation pseudonym in logs, audit records and the appointment book's
    # phone hashes (set into actions.core.privacy at start).
    log_hash_key: str = field(default=DEV_LOG_HASH_KEY, repr=False)
    log_level: str = "INFO"
    # The appointment book's file ("" = <repo>/var/scheduling.sqlite3) and a frozen clinic clock
    # (ISO 8601 with offset; "" = real time): parsed by actions.core.scheduling.sqlite_store.
    scheduling_db: str = ""
    clinic_now: str = ""
    # The shared appointment book of several action servers: a postgresql:// URL selects the
    # PostgreSQL store (actions/booking/postgres_store.py) instead of the SQLite file.
    scheduling_db_url: str = field(default="", repr=False)
    # Load the spaCy pipeline and the LLM at start (scripts/stack.py sets it for the server).
    warm_up: bool = False
    # How long audit records and closed queue entries are kept (bot/retention.py).
    retention: Retention = field(default_factory=Retention)
    # Emergencies the Rasa process answered alone ("" = <repo>/var/outbox), moved into the staff
    # queue by actions/escalation/outbox.py (bot/safety_outbox.py writes them).
    safety_outbox_dir: str = ""
    # Sentence embeddings (all-MiniLM-L6-v2, local): FAQ answers confirmed by embeddings (on:
    # fewer wrong answers), and triage findings added from lay paraphrases (off: it changed no
    # level on our case sets; see the README's figures).
    faq_semantic: bool = True
    triage_semantic: bool = False
    # The LLM_* variables that are set, for actions.llm.factory.backend_from_env (may hold
    # LLM_API_KEY, so not in repr).
    llm_env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    @property
    def llm_backend(self) -> str:
        return (self.llm_env.get("LLM_BACKEND") or "local").strip().lower()

    @property
    def llm_disabled(self) -> bool:
        return self.llm_backend in {"none", "off", "disabled"}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ActionSettings:
        env = os.environ if env is None else env
        return cls(
            redis_url=env.get("REDIS_URL", "").strip() or DEFAULT_REDIS_URL,
            log_hash_key=secret(env, ("LOG_HASH_KEY",), DEV_LOG_HASH_KEY),
            log_level=(env.get("LOG_LEVEL", "").strip() or "INFO").upper(),
            scheduling_db=env.get("SCHEDULING_DB", "").strip(),
            clinic_now=env.get("CLINIC_NOW", "").strip(),
            scheduling_db_url=env.get("SCHEDULING_DB_URL", "").strip(),
            warm_up=env.get("ACTION_SERVER_WARMUP") == "1",
            retention=Retention.from_env(env),
            safety_outbox_dir=env.get("SAFETY_OUTBOX_DIR", "").strip(),
            faq_semantic=env.get("FAQ_SEMANTIC", "1").strip() != "0",
            triage_semantic=env.get("TRIAGE_SEMANTIC", "0").strip() == "1",
            llm_env=MappingProxyType({k: env[k] for k in LLM_VARIABLES if k in env}),
        )


@lru_cache(maxsize=1)
def current() -> ActionSettings:
    """This process's settings, read from the environment on first use."""
    return ActionSettings.from_env()
