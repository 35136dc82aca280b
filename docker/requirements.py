"""Print one extra's requirements from pyproject.toml, one per line, for `pip install -r` in the
images — so the containers install exactly what scripts/setup.py installs into the venvs.

    python docker/requirements.py bot                      # the [bot] extra
    python docker/requirements.py actions --no-deps        # its --no-deps packages
    python docker/requirements.py actions --only redis,httpx  # a subset (the console)

Standard library only; Python 3.10 (the Rasa image) has no tomllib, so pip's vendored tomli.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib  # type: ignore[no-redef]

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower()


def requirements(extra: str, no_deps: bool = False, only: set[str] | None = None) -> list[str]:
    data = tomllib.loads(PYPROJECT.read_text())
    if no_deps:
        found = data.get("tool", {}).get("triage-setup", {}).get("no-deps", {}).get(extra, [])
    else:
        found = data["project"]["optional-dependencies"][extra]
    if only is not None:
        found = [r for r in found if _name(r) in only]
        missing = only - {_name(r) for r in found}
        if missing:
            raise SystemExit(f"not in the [{extra}] extra: {', '.join(sorted(missing))}")
    return list(found)


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    only = None
    if "--only" in argv:
        only = {n.strip().lower() for n in argv[argv.index("--only") + 1].split(",")}
    print("\n".join(requirements(argv[0], "--no-deps" in argv, only)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
