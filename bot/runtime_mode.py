"""Development mode and the built-in development keys (plain Python: importable from both venvs).

Why: the keys that make conversation ids unforgeable (CHANNEL_ID_KEY) and log pseudonyms
unlinkable (LOG_HASH_KEY) used to fall back silently to constants written in this repository, so
a production deployment that forgot to set them was open to anyone who can read the source. Now
a built-in key is used only when ``TRIAGE_ENV=development`` is set explicitly (``make run`` and
the tests set it); otherwise a process refuses to start and names the missing variable.
"""

from __future__ import annotations

from collections.abc import Mapping

DEVELOPMENT = "development"
PRODUCTION = "production"


class DevelopmentKeyRefused(ValueError):
    """A secret is unset (or set to a built-in development value) outside development mode; the
    message names the variable, never a value."""


def is_development(env: Mapping[str, str]) -> bool:
    """True only when TRIAGE_ENV is exactly "development" (anything else is production)."""
    return env.get("TRIAGE_ENV", "").strip().lower() == DEVELOPMENT


def secret(env: Mapping[str, str], names: tuple[str, ...], dev_value: str) -> str:
    """The first of ``names`` that is set; the built-in ``dev_value`` only in development mode.

    A value equal to ``dev_value`` is refused outside development too: it is public."""
    for name in names:
        value = env.get(name, "").strip()
        if value == dev_value and not is_development(env):
            raise DevelopmentKeyRefused(_refusal(name))
        if value:
            return value
    if is_development(env):
        return dev_value
    raise DevelopmentKeyRefused(_refusal(names[0]))


def _refusal(name: str) -> str:
    return (f"{name} must be set to a secret of your own: the built-in development key is only "
            "used with TRIAGE_ENV=development (README 'Running in production')")
