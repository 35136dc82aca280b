"""Console settings, read from the environment (never from the command line: they hold secrets)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.retention import Retention, RetentionError


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it (never its value)."""


def _secure_cookies(env: Mapping[str, str]) -> bool | None:
    raw = (env.get("CONSOLE_SECURE_COOKIES") or "").strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    if raw:
        raise SettingsError("CONSOLE_SECURE_COOKIES must be 1 or 0 (or unset: automatic)")
    if (env.get("TRIAGE_ENV") or "").strip().lower() == "development":
        return False
    return None


@dataclass(frozen=True)
class Settings:
    redis_url: str
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    # The Secure flag on cookies: True / False when set explicitly (CONSOLE_SECURE_COOKIES, or
    # False under TRIAGE_ENV=development); None = on, except plain http to loopback
    # (console/web.py secure_cookies).
    secure_cookies: bool | None = None
    session_hours: float = 8.0
    # Extra origins allowed on state-changing requests besides the console's own (e.g. the public
    # https origin when a TLS proxy forwards plain http).
    allowed_origins: tuple[str, ...] = ()
    # SSE: how often the stream checks the queue version, and the heartbeat interval.
    stream_poll_s: float = 0.3
    heartbeat_s: float = 15.0
    # Transcript fetches from Rasa.
    rasa_timeout_s: float = 5.0
    # How long closed queue entries and the staff audit are kept (bot/retention.py).
    retention: Retention = field(default_factory=Retention)

    @property
    def session_seconds(self) -> int:
        return max(1, round(self.session_hours * 3600))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        redis_url = env.get("REDIS_URL", "").strip()
        if not redis_url:
            raise SettingsError("REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
        try:
            hours = float(env.get("CONSOLE_SESSION_HOURS", "8") or 8)
        except ValueError as exc:
            raise SettingsError("CONSOLE_SESSION_HOURS must be a number of hours") from exc
        if hours <= 0:
            raise SettingsError("CONSOLE_SESSION_HOURS must be positive")
        try:
            retention = Retention.from_env(env)
        except RetentionError as exc:
            raise SettingsError(str(exc)) from exc
        origins = tuple(o.strip().rstrip("/").lower()
                        for o in env.get("CONSOLE_ALLOWED_ORIGINS", "").split(",") if o.strip())
        return cls(
            redis_url=redis_url,
            rasa_url=(env.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=env.get("RASA_TOKEN", ""),
            secure_cookies=_secure_cookies(env),
            session_hours=hours,
            allowed_origins=origins,
            retention=retention,
        )
