"""Import rules (docs/architecture.md): the action server never imports rasa, the core is pure."""

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


def test_core_reads_no_environment() -> None:
    """Settings reach the core as arguments (actions/settings.py reads them once)."""
    offenders = sorted(str(p.relative_to(ROOT)) for p in python_files("actions/core")
                       if "os.environ" in p.read_text() or "getenv" in p.read_text())
    assert offenders == []


def test_core_never_imports_the_adapters() -> None:
    """The core sits under the feature packages (triage/, safety/, booking/, escalation/, ...),
    never the other way round: from ``actions`` it may import only itself and the LLM / NLP
    layers it is handed."""
    allowed = ("actions.core", "actions.llm", "actions.nlp")
    offenders = {
        str(p.relative_to(ROOT)): sorted(
            m for m in imported_modules(p)
            if top(m) == "actions" and not any(m == a or m.startswith(a + ".") for a in allowed))
        for p in python_files("actions/core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _module_file(name: str) -> Path | None:
    base = ROOT / Path(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_actions_modules(path: Path) -> set[str]:
    """``imported_modules`` of ``actions`` only, with the submodules a ``from`` import names
    (``from actions.escalation import service``)."""
    names = {m for m in imported_modules(path) if top(m) == "actions"}
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and top(node.module) == "actions":
            names.update(f"{node.module}.{a.name}" for a in node.names
                         if _module_file(f"{node.module}.{a.name}"))
    return names


def _actions_modules_loaded_by(paths: list[Path]) -> set[str]:
    """The ``actions`` modules importing what ``paths`` import runs: each one, its parent
    packages' ``__init__`` and, transitively, what they import from ``actions``."""
    seen: set[str] = set()
    todo = [m for p in paths for m in imported_actions_modules(p)]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            module = ".".join(parts[:i])
            path = _module_file(module)
            if module in seen or path is None:
                continue
            seen.add(module)
            todo.extend(imported_actions_modules(path))
    return seen


def test_what_the_console_shares_never_pulls_in_rasa_sdk() -> None:
    """The staff console imports the queue store (actions/escalation/store.py), the core and the
    log setup; none of that, nor anything it imports from ``actions``, may need Rasa SDK."""
    loaded = _actions_modules_loaded_by(python_files("console"))
    assert "actions.escalation.store" in loaded
    offenders = {
        name: sorted(m for m in imported_modules(_module_file(name)) if top(m) == "rasa_sdk")
        for name in loaded
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


def test_the_check_itself_follows_actions_imports(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("from actions.escalation import service as s\n")
    loaded = _actions_modules_loaded_by([f])
    assert {"actions", "actions.escalation", "actions.escalation.service",
            "actions.slots"} <= loaded
