"""Every environment variable the code reads is a row of README.md's settings table.

Why: settings used to be read in ~20 places and the table had drifted from them. The scan finds
``os.environ.get("X")``, ``os.environ["X"]``, ``os.getenv("X")``, ``env.get("X")`` /
``env["X"]`` (the settings classes' ``from_env(env)`` mappings) and any variable-like string
inside a ``from_env`` function (names passed to a helper that reads them).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from scripts.stack import ROOT

SCANNED = ("actions", "bot", "console", "scripts")
NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
MAPPINGS = {"environ", "env"}  # os.environ, and the env mapping of from_env(env)


def _is_env_mapping(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):  # os.environ
        return node.attr == "environ"
    return isinstance(node, ast.Name) and node.id in MAPPINGS


def _const_name(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.match(node.value):
        return node.value
    return None


def variables_read(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            first = _const_name(node.args[0])
            if first is None:
                continue
            if isinstance(func, ast.Attribute) and func.attr == "get" and _is_env_mapping(
                    func.value):
                found.add(first)
            elif (isinstance(func, ast.Attribute) and func.attr == "getenv") or (
                    isinstance(func, ast.Name) and func.id == "getenv"):
                found.add(first)
        elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
              and _is_env_mapping(node.value)):
            name = _const_name(node.slice)
            if name:
                found.add(name)
        elif isinstance(node, ast.FunctionDef) and node.name == "from_env":
            found.update(n for sub in ast.walk(node) if (n := _const_name(sub)))
    return found


def code_variables() -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in variables_read(ast.parse(path.read_text(), filename=str(path))):
                where.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return where


def documented_variables(readme: Path = ROOT / "README.md") -> set[str]:
    lines = readme.read_text().splitlines()
    start = lines.index("## Settings (environment variables)")
    names: set[str] = set()
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_every_variable_read_is_documented() -> None:
    documented = documented_variables()
    missing = {name: files for name, files in code_variables().items() if name not in documented}
    assert missing == {}, "add these to README.md's 'Settings (environment variables)' table"


def test_the_scan_sees_the_settings() -> None:
    found = code_variables()
    # One of each way of reading: settings classes, a helper inside from_env, the LLM factory's
    # env argument, plain os.environ reads in the scripts and the console's CLI.
    for name in ("REDIS_URL", "LOG_HASH_KEY", "TWILIO_SMS_FROM", "TWILIO_WHATSAPP_FROM",
                 "LLM_API_KEY", "SANIC_WORKERS", "CONSOLE_PASSWORD", "CONSOLE_SESSION_HOURS"):
        assert name in found, name


def test_the_scan_itself() -> None:
    tree = ast.parse(
        "import os\n"
        "a = os.environ.get('ONE_VAR', '')\n"
        "b = os.environ['TWO_VAR']\n"
        "c = os.getenv('THREE_VAR')\n"
        "os.environ['WRITTEN_VAR'] = '1'\n"
        "d = other.get('NOT_ENV')\n"
        "class S:\n"
        "    @classmethod\n"
        "    def from_env(cls, env):\n"
        "        def text(name): return env.get(name, '')\n"
        "        return cls(text('FOUR_VAR'), env['FIVE_VAR'])\n"
    )
    assert variables_read(tree) == {"ONE_VAR", "TWO_VAR", "THREE_VAR", "FOUR_VAR", "FIVE_VAR"}
