"""The action server's settings (actions/settings.py): one read of the environment."""

from __future__ import annotations

import pytest

from actions.core.privacy import DEV_KEY
from actions.settings import DEFAULT_REDIS_URL, ActionSettings
from bot.runtime_mode import DevelopmentKeyRefused


def test_defaults() -> None:
    s = ActionSettings.from_env({"TRIAGE_ENV": "development"})
    assert s == ActionSettings()
    assert s.redis_url == DEFAULT_REDIS_URL == "redis://127.0.0.1:6379/0"
    assert s.log_hash_key == DEV_KEY and s.log_level == "INFO"
    assert s.scheduling_db == "" and s.clinic_now == "" and not s.warm_up
    assert s.llm_backend == "local" and not s.llm_disabled and dict(s.llm_env) == {}


def test_values_from_the_environment() -> None:
    s = ActionSettings.from_env({
        "REDIS_URL": "redis://r:6380/2", "LOG_HASH_KEY": "k", "LOG_LEVEL": "debug",
        "SCHEDULING_DB": "/data/s.sqlite3", "CLINIC_NOW": "2026-03-02T10:15:00-05:00",
        "ACTION_SERVER_WARMUP": "1", "LLM_BACKEND": "None", "LLM_API_KEY": "sk-secret",
        "UNRELATED": "x",
    })
    assert s.redis_url == "redis://r:6380/2" and s.log_hash_key == "k" and s.log_level == "DEBUG"
    assert s.scheduling_db == "/data/s.sqlite3" and s.clinic_now.endswith("-05:00")
    assert s.warm_up and s.llm_disabled
    assert dict(s.llm_env) == {"LLM_BACKEND": "None", "LLM_API_KEY": "sk-secret"}
    assert "secret" not in repr(s) and "k'" not in repr(s)


def test_an_empty_redis_url_is_the_default() -> None:
    env = {"REDIS_URL": " ", "TRIAGE_ENV": "development"}
    assert ActionSettings.from_env(env).redis_url == DEFAULT_REDIS_URL


def test_the_built_in_log_hash_key_is_refused_outside_development_mode() -> None:
    with pytest.raises(DevelopmentKeyRefused, match="LOG_HASH_KEY"):
        ActionSettings.from_env({})
    with pytest.raises(DevelopmentKeyRefused, match="LOG_HASH_KEY"):
        ActionSettings.from_env({"LOG_HASH_KEY": DEV_KEY, "TRIAGE_ENV": "production"})
    assert ActionSettings.from_env({"LOG_HASH_KEY": "k" * 32}).log_hash_key == "k" * 32
