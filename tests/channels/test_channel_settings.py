"""The Rasa-process settings (bot/channels/settings.py): one read of the environment."""

from __future__ import annotations

import pytest

from bot.channels.settings import (
    DEFAULT_REDIS_URL,
    DEFAULT_SUPPORT_CONTACT,
    ChannelSettings,
    ChannelSettingsError,
)
from bot.channels.twilio_policy import DEV_CHANNEL_ID_KEY
from bot.runtime_mode import DevelopmentKeyRefused

DEV = {"TRIAGE_ENV": "development"}


def test_defaults() -> None:
    s = ChannelSettings.from_env(DEV)
    assert s == ChannelSettings(development=True)
    assert s.twilio_concurrent_turns == 2
    assert s.clinic_support_contact == DEFAULT_SUPPORT_CONTACT
    assert s.channel_id_key == DEV_CHANNEL_ID_KEY.encode()
    assert s.webchat_allowed_origins is None  # same origin only
    assert s.redis_url == "" and s.twilio_redis_url == DEFAULT_REDIS_URL
    assert s.twilio_public_base_url is None and s.twilio_api_base_url is None


def test_values_from_the_environment() -> None:
    s = ChannelSettings.from_env({
        "TWILIO_ACCOUNT_SID": " AC1 ", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_SMS_FROM": "+1555",
        "TWILIO_PUBLIC_BASE_URL": "https://clinic.example", "TWILIO_CONCURRENT_TURNS": "5",
        "WHATSAPP_TEMPLATE_SID": "HX1", "CLINIC_SUPPORT_CONTACT": "call 555",
        "LOG_HASH_KEY": "log-key", "WEBCHAT_ALLOWED_ORIGINS": "https://a.example/, https://b",
        "WEBCHAT_SESSION_SECRET": "s" * 16, "REDIS_URL": "redis://r:6379/1",
    })
    assert s.required("TWILIO_ACCOUNT_SID") == "AC1"
    assert s.twilio_public_base_url == "https://clinic.example"
    assert s.twilio_concurrent_turns == 5
    assert s.whatsapp_template_sid == "HX1" and s.clinic_support_contact == "call 555"
    assert s.log_hash_key == "log-key" and s.channel_id_key == b"log-key"
    assert s.webchat_allowed_origins == ("https://a.example", "https://b")
    assert s.redis_url == s.twilio_redis_url == "redis://r:6379/1"
    any_origin = ChannelSettings.from_env({**DEV, "WEBCHAT_ALLOWED_ORIGINS": "*"})
    assert any_origin.webchat_allowed_origins == "*"


def test_secrets_stay_out_of_repr() -> None:
    s = ChannelSettings.from_env({"TWILIO_AUTH_TOKEN": "tok-secret", "LOG_HASH_KEY": "k-secret",
                                  "WEBCHAT_SESSION_SECRET": "w-secret-0123456789"})
    assert "secret" not in repr(s)


def test_missing_or_malformed_settings_are_named() -> None:
    with pytest.raises(ChannelSettingsError, match="TWILIO_WHATSAPP_FROM"):
        ChannelSettings.from_env(DEV).required("TWILIO_WHATSAPP_FROM")
    with pytest.raises(ChannelSettingsError, match="TWILIO_CONCURRENT_TURNS"):
        ChannelSettings.from_env({**DEV, "TWILIO_CONCURRENT_TURNS": "two"})
    with pytest.raises(ChannelSettingsError, match="RATE_LIMIT_PER_SENDER"):
        ChannelSettings.from_env({**DEV, "RATE_LIMIT_PER_SENDER": "-1"})


def test_the_built_in_keys_are_refused_outside_development_mode() -> None:
    with pytest.raises(DevelopmentKeyRefused, match="CHANNEL_ID_KEY"):
        ChannelSettings.from_env({})
    with pytest.raises(DevelopmentKeyRefused, match="LOG_HASH_KEY"):
        ChannelSettings.from_env({"CHANNEL_ID_KEY": "c" * 32, "TRIAGE_ENV": "production"})
    # Setting a key to the published development value is no better than leaving it unset.
    with pytest.raises(DevelopmentKeyRefused):
        ChannelSettings.from_env({"CHANNEL_ID_KEY": DEV_CHANNEL_ID_KEY, "LOG_HASH_KEY": "l" * 32})
    s = ChannelSettings.from_env({"CHANNEL_ID_KEY": "c" * 32, "LOG_HASH_KEY": "l" * 32})
    assert s.channel_id_key == b"c" * 32 and not s.development
