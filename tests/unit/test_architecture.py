"""The import rules of DESIGN.md: the action server never imports rasa, the core is pure."""

from __future__ import annotations

import ast
from pathlib import Path

from scripts.stack import ROOT


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


def python_files(folder: str) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no python files under {folder}"
    return files


def test_action_server_never_imports_rasa() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in imported_modules(p) if top(m) == "rasa")
        for p in python_files("actions")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_core_is_pure() -> None:
    forbidden = {"rasa", "rasa_sdk", "sanic", "httpx", "requests", "redis", "twilio", "aiohttp",
                 "socketio"}
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in imported_modules(p) if top(m) in forbidden)
        for p in python_files("actions/core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_rasa_side_never_imports_the_ml_stack() -> None:
    forbidden = {"torch", "transformers", "spacy", "medspacy", "scispacy", "actions"}
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in imported_modules(p) if top(m) in forbidden)
        for p in python_files("bot")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_itself_sees_imports(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("import rasa.core\nfrom rasa_sdk import Action\nfrom . import x\n")
    assert imported_modules(f) == {"rasa.core", "rasa_sdk"}
