"""Render docs/triage-coverage.md from data/triage/coverage.yml and the rules.

Run after editing coverage.yml or the rules:
    .venvs/actions/bin/python scripts/render_triage_coverage.py
Check without writing (CI):
    .venvs/actions/bin/python scripts/render_triage_coverage.py --check
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.core.triage.coverage import check, load_topics, render  # noqa: E402

DOC = ROOT / "docs" / "triage-coverage.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the doc is out of date")
    args = parser.parse_args(argv)
    topics = load_topics()
    problems = check(topics)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    text = render(topics)
    if args.check:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run scripts/render_triage_coverage.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC} ({len(topics)} topics)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
