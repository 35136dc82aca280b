"""Settings of the Rasa-process code (our channels, the conversation hash), read from the
environment once (pure: no rasa / sanic imports, so it is tested in the 3.11 venv too).

Why one object: the channels used to read ``os.environ`` wherever they needed a value, with
defaults spelled out at each place (REDIS_URL had two). Now ``ChannelSettings.from_env()`` is
called once where Rasa builds a channel (``from_credentials``) and the values are passed in.
Secrets never live in bot/credentials.yml: that file only switches a channel on.
README.md, "Settings (environment variables)", documents every variable (a test checks).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.channels.twilio_policy import DEV_CHANNEL_ID_KEY, channel_id_key
from bot.retention import Retention
from bot.runtime_mode import is_development, secret

# The action server's development fallback (actions/settings.py has the same one, so both
# processes hash a conversation id alike); production sets LOG_HASH_KEY.
DEV_LOG_HASH_KEY = "triage-assistant-dev-only-log-hash-key"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_SUPPORT_CONTACT = "please phone the clinic's front desk during opening hours"
DEFAULT_CONCURRENT_TURNS = 2
# Messages per minute (bucket size, refilled evenly): a person double-sends, nobody types 20 a
# minute for long; see bot/channels/rate_limit.py.
DEFAULT_RATE_PER_SENDER = 20
DEFAULT_RATE_PER_IP = 120


class ChannelSettingsError(ValueError):
    """A setting is missing or malformed; the message names it (never its value)."""


def webchat_origins(raw: str) -> tuple[str, ...] | str | None:
    """WEBCHAT_ALLOWED_ORIGINS: None = same origin only (python-engineio), "*" = any."""
    raw = raw.strip()
    if not raw:
        return None
    if raw == "*":
        return "*"
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


@dataclass(frozen=True)
class ChannelSettings:
    # Twilio (SMS and WhatsApp). Required only when a Twilio channel is switched on: see
    # ``required``. Empty string = unset.
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_sms_from: str = ""
    twilio_whatsapp_from: str = ""
    # The public https://host[/prefix] Twilio posts to (None: the request's own URL).
    twilio_public_base_url: str | None = None
    # Points the twilio Client at another host (tests, the local sink); None: Twilio.
    twilio_api_base_url: str | None = None
    twilio_concurrent_turns: int = DEFAULT_CONCURRENT_TURNS
    whatsapp_template_sid: str = ""
    clinic_support_contact: str = DEFAULT_SUPPORT_CONTACT
    # HMAC key turning phone numbers into Rasa sender ids (CHANNEL_ID_KEY, else LOG_HASH_KEY).
    channel_id_key: bytes = field(default=DEV_CHANNEL_ID_KEY.encode(), repr=False)
    # HMAC key of the conversation pseudonym in logs (bot/conversation_hash.py).
    log_hash_key: str = field(default=DEV_LOG_HASH_KEY, repr=False)
    # Web chat.
    webchat_allowed_origins: tuple[str, ...] | str | None = None
    webchat_session_secret: str = field(default="", repr=False)
    # How long a web-chat session token is valid (WEBCHAT_SESSION_TTL_HOURS).
    webchat_session_ttl_s: float = 24 * 3600
    # REDIS_URL as given ("" = unset): the web chat shares Socket.IO rooms through it only when
    # it is set; the Twilio store falls back to ``twilio_redis_url``'s local default.
    redis_url: str = ""
    # How long Redis keeps what the channels store (bot/retention.py).
    retention: Retention = field(default_factory=Retention)
    # TRIAGE_ENV=development: built-in keys allowed, and the REST channel accepts sender ids its
    # client chose (never another channel's form); elsewhere REST accepts only ids it issued.
    development: bool = False
    # RATE_LIMIT_PER_SENDER / RATE_LIMIT_PER_IP: messages per minute, 0 = no limit.
    rate_per_sender: int = DEFAULT_RATE_PER_SENDER
    rate_per_ip: int = DEFAULT_RATE_PER_IP
    # The action server (the Twilio channels screen opted-out senders' messages through it).
    action_endpoint_url: str = ""
    action_server_token: str = field(default="", repr=False)

    @property
    def twilio_redis_url(self) -> str:
        return self.redis_url or DEFAULT_REDIS_URL

    def required(self, name: str) -> str:
        """The value of a required Twilio variable (by its environment name), else an error
        naming it."""
        value = {
            "TWILIO_ACCOUNT_SID": self.twilio_account_sid,
            "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
            "TWILIO_SMS_FROM": self.twilio_sms_from,
            "TWILIO_WHATSAPP_FROM": self.twilio_whatsapp_from,
        }[name]
        if not value:
            raise ChannelSettingsError(
                f"{name} must be set for the Twilio channels (see README 'Settings')")
        return value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ChannelSettings:
        env = os.environ if env is None else env

        def text(name: str) -> str:
            return env.get(name, "").strip()

        def whole(name: str, default: int) -> int:
            try:
                value = int(text(name) or default)
            except ValueError as exc:
                raise ChannelSettingsError(f"{name} must be a whole number") from exc
            if value < 0:
                raise ChannelSettingsError(f"{name} must not be negative")
            return value

        concurrent_turns = whole("TWILIO_CONCURRENT_TURNS", DEFAULT_CONCURRENT_TURNS)
        try:
            ttl_hours = float(text("WEBCHAT_SESSION_TTL_HOURS") or 24)
        except ValueError as exc:
            raise ChannelSettingsError("WEBCHAT_SESSION_TTL_HOURS must be a number") from exc
        if not ttl_hours > 0:
            raise ChannelSettingsError("WEBCHAT_SESSION_TTL_HOURS must be positive")
        return cls(
            twilio_account_sid=text("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=text("TWILIO_AUTH_TOKEN"),
            twilio_sms_from=text("TWILIO_SMS_FROM"),
            twilio_whatsapp_from=text("TWILIO_WHATSAPP_FROM"),
            twilio_public_base_url=env.get("TWILIO_PUBLIC_BASE_URL") or None,
            twilio_api_base_url=env.get("TWILIO_API_BASE_URL") or None,
            twilio_concurrent_turns=concurrent_turns,
            whatsapp_template_sid=text("WHATSAPP_TEMPLATE_SID"),
            clinic_support_contact=text("CLINIC_SUPPORT_CONTACT") or DEFAULT_SUPPORT_CONTACT,
            channel_id_key=channel_id_key(env),
            log_hash_key=secret(env, ("LOG_HASH_KEY",), DEV_LOG_HASH_KEY),
            webchat_allowed_origins=webchat_origins(env.get("WEBCHAT_ALLOWED_ORIGINS", "")),
            webchat_session_secret=env.get("WEBCHAT_SESSION_SECRET", ""),
            webchat_session_ttl_s=ttl_hours * 3600,
            redis_url=text("REDIS_URL"),
            retention=Retention.from_env(env),
            development=is_development(env),
            rate_per_sender=whole("RATE_LIMIT_PER_SENDER", DEFAULT_RATE_PER_SENDER),
            rate_per_ip=whole("RATE_LIMIT_PER_IP", DEFAULT_RATE_PER_IP),
            action_endpoint_url=text("ACTION_ENDPOINT_URL"),
            action_server_token=text("ACTION_SERVER_TOKEN"),
        )
