"""``python -m console --host 127.0.0.1 --port 8090``: run the staff console (one process).

Settings come from the environment (see console/settings.py): REDIS_URL, RASA_URL, RASA_TOKEN,
CONSOLE_SECURE_COOKIES, CONSOLE_SESSION_HOURS, CONSOLE_ALLOWED_ORIGINS.
"""

from __future__ import annotations

import argparse
import logging
import sys

from actions.log_setup import configure_logging
from console.settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args(argv)
    configure_logging()
    log = logging.getLogger("console")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        log.error("invalid settings", extra={"error": str(exc)})
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from console.app import create_app  # after logging: Sanic must not install its own handlers

    app = create_app(settings)
    log.info("staff console starting", extra={"host": args.host, "port": args.port,
                                              "secure_cookies": settings.secure_cookies})
    # One process is plenty for a staff console and keeps the app out of Sanic's worker
    # manager (which would re-import it by name in child processes).
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
