"""The production settings checklist that `scripts/stack.py run` verifies before it starts.

Outside development mode (``TRIAGE_ENV=development``, which `make run` and the tests set), the
start script refuses to start until every item holds, and prints each one that does not (by the
variable's name, never its value). README.md "Running in production" is the same list for people.
Standard library only (the start script's rule).
"""

from __future__ import annotations

import socket
import urllib.parse
from collections.abc import Mapping

# The built-in development keys (bot/channels/settings.py, bot/channels/twilio_policy.py,
# actions/core/privacy.py): public, so never acceptable in production.
DEV_KEYS = frozenset({"triage-assistant-dev-only-log-hash-key",
                      "triage-assistant-dev-only-channel-id-key"})
MIN_SECRET_CHARS = 32
SECRETS = ("LOG_HASH_KEY", "CHANNEL_ID_KEY", "ACTION_SERVER_TOKEN", "WEBCHAT_SESSION_SECRET")
TWILIO_REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_FROM",
                   "TWILIO_WHATSAPP_FROM")


def _https(value: str) -> bool:
    parts = urllib.parse.urlsplit(value.strip())
    return parts.scheme == "https" and bool(parts.netloc)


def problems(env: Mapping[str, str], redis_persistent: bool | None) -> list[str]:
    """Every unmet item. ``redis_persistent``: what Redis said about persistence (None: unknown,
    e.g. REDIS_URL unset or Redis unreachable)."""
    found: list[str] = []

    def value(name: str) -> str:
        return env.get(name, "").strip()

    for name in SECRETS:
        secret = value(name)
        if not secret:
            found.append(f"{name} is not set")
        elif secret in DEV_KEYS:
            found.append(f"{name} is a built-in development key")
        elif len(secret) < MIN_SECRET_CHARS:
            found.append(f"{name} is shorter than {MIN_SECRET_CHARS} characters")
    if value("LOG_HASH_KEY") and value("LOG_HASH_KEY") == value("CHANNEL_ID_KEY"):
        found.append("CHANNEL_ID_KEY must differ from LOG_HASH_KEY")
    if not _https(value("TWILIO_PUBLIC_BASE_URL")):
        found.append("TWILIO_PUBLIC_BASE_URL must be the public https:// base URL (Twilio "
                     "signatures are checked against it)")
    origins = [o for o in value("WEBCHAT_ALLOWED_ORIGINS").split(",") if o.strip()]
    if not origins or "*" in origins or not all(_https(o) for o in origins):
        found.append("WEBCHAT_ALLOWED_ORIGINS must list the https:// origins of the pages that "
                     "embed the chat (not '*')")
    if value("CONSOLE_SECURE_COOKIES").lower() not in ("1", "true", "yes", "on"):
        found.append("CONSOLE_SECURE_COOKIES must be on (the console is served over https)")
    for name in TWILIO_REQUIRED:
        if not value(name):
            found.append(f"{name} is not set (real Twilio credentials and numbers)")
    if value("TWILIO_API_BASE_URL"):
        found.append("TWILIO_API_BASE_URL must be unset (replies would not go to Twilio)")
    if not value("REDIS_URL"):
        found.append("REDIS_URL is not set (a Redis of your own, with persistence)")
    elif redis_persistent is None:
        found.append("REDIS_URL: Redis did not say whether it persists data (INFO persistence)")
    elif not redis_persistent:
        found.append("REDIS_URL: Redis has neither AOF nor RDB snapshots on: a restart would "
                     "forget STOP opt-outs, staff accounts and the queue")
    for name in ("RATE_LIMIT_PER_SENDER", "RATE_LIMIT_PER_IP"):
        if value(name) == "0":
            found.append(f"{name} is 0 (no rate limit)")
    return found


def development_warnings(env: Mapping[str, str]) -> list[str]:
    """What `make run` says in development mode, so nobody mistakes it for production."""
    dev_keys = [n for n in ("LOG_HASH_KEY", "CHANNEL_ID_KEY")
                if not env.get(n, "").strip() or env.get(n, "").strip() in DEV_KEYS]
    lines = ["WARNING: development mode (TRIAGE_ENV=development): REST accepts sender ids its "
             "clients choose" + (f"; built-in development keys for {', '.join(dev_keys)}"
                                 if dev_keys else "") + "."]
    if env.get("TWILIO_ACCOUNT_SID") and env.get("TWILIO_AUTH_TOKEN"):
        lines.append("WARNING: real Twilio credentials are set in development mode: patients' "
                     "conversation ids are not protected. Use TRIAGE_ENV=production and the "
                     "checklist in README 'Running in production'.")
    return lines


def redis_persistent(url: str, timeout: float = 2.0) -> bool | None:
    """True if the Redis at ``url`` has AOF on or RDB snapshot rules; None if it cannot say."""
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379),
                                      timeout=timeout) as conn:
            if parts.password:
                auth = [urllib.parse.unquote(parts.password)]
                if parts.username:
                    auth.insert(0, urllib.parse.unquote(parts.username))
                conn.sendall(_command("AUTH", *auth))
                if not _read_line(conn).startswith("+OK"):
                    return None
            conn.sendall(_command("INFO", "persistence"))
            info = _read_bulk(conn)
            conn.sendall(_command("CONFIG", "GET", "save"))
            save = _read_config_value(conn)
    except (OSError, ValueError):
        return None
    if info is None:
        return None
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return fields.get("aof_enabled", "0").strip() == "1" or bool((save or "").strip())


def _command(*args: str) -> bytes:
    out = f"*{len(args)}\r\n"
    for arg in args:
        out += f"${len(arg.encode())}\r\n{arg}\r\n"
    return out.encode()


def _read_line(conn: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = conn.recv(1)
        if not chunk:
            raise ValueError("connection closed")
        data += chunk
    return data[:-2].decode(errors="replace")


def _read_bulk(conn: socket.socket) -> str | None:
    header = _read_line(conn)
    if not header.startswith("$") or header == "$-1":
        return None
    size = int(header[1:])
    data = b""
    while len(data) < size + 2:
        chunk = conn.recv(size + 2 - len(data))
        if not chunk:
            raise ValueError("connection closed")
        data += chunk
    return data[:size].decode(errors="replace")


def _read_config_value(conn: socket.socket) -> str | None:
    """The value of a one-key CONFIG GET reply (None when CONFIG is not allowed)."""
    header = _read_line(conn)
    if header != "*2":
        return None
    _read_bulk(conn)  # the key
    return _read_bulk(conn)
