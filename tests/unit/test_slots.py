"""actions/slots.py is the one place the actions spell a slot (or form) name, and it agrees
with bot/domain.yml."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from actions import slots
from scripts.stack import ROOT

DOMAIN = yaml.safe_load((ROOT / "bot/domain.yml").read_text())
DOMAIN_SLOTS = set(DOMAIN["slots"])
DOMAIN_FORMS = set(DOMAIN["forms"])
SLOTS_MODULE = ROOT / "actions/slots.py"


def constants() -> dict[str, str]:
    return {k: v for k, v in vars(slots).items() if k.isupper() and isinstance(v, str)}


def test_every_name_in_slots_py_is_declared_in_the_domain() -> None:
    names = constants()
    assert names, "actions/slots.py defines no names"
    forms = {k: v for k, v in names.items() if k.endswith("_FORM")}
    slot_names = {k: v for k, v in names.items() if k not in forms}
    assert {k: v for k, v in forms.items() if v not in DOMAIN_FORMS} == {}
    assert {k: v for k, v in slot_names.items()
            if v not in DOMAIN_SLOTS | {"requested_slot"}} == {}
    assert len(set(names.values())) == len(names), "two constants for one name"


def test_every_slot_only_the_actions_can_fill_has_a_name_in_slots_py() -> None:
    custom_only = {name for name, spec in DOMAIN["slots"].items()
                   if all(m.get("type") == "custom" for m in spec.get("mappings") or [])}
    assert custom_only - set(constants().values()) == set()


def _literal_slot_names(path: Path) -> list[str]:
    """Slot or form names written as string literals: the first argument of ``get_slot(...)``
    or ``SlotSet(...)``, and any string that is exactly a slot or form name (dict keys of a
    form validator, ``active_loop`` comparisons)."""
    known = DOMAIN_SLOTS | DOMAIN_FORMS | {"requested_slot"}
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if called in {"get_slot", "SlotSet"} and isinstance(first, ast.Constant):
                found.append(f"{called}({first.value!r}) line {node.lineno}")
        elif isinstance(node, ast.Constant) and node.value in known:
            found.append(f"{node.value!r} line {node.lineno}")
    return found


def test_actions_use_the_constants_never_a_literal_slot_name() -> None:
    offenders = {
        str(p.relative_to(ROOT)): found
        for p in sorted((ROOT / "actions").rglob("*.py")) if p != SLOTS_MODULE
        if (found := _literal_slot_names(p))
    }
    assert offenders == {}


def test_the_check_itself_sees_literals(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("tracker.get_slot('anything')\nSlotSet('x', None)\n"
                 "d = {'triage_age': 1}\nok = tracker.get_slot(NAME)\n")
    assert _literal_slot_names(f) == ["get_slot('anything') line 1", "SlotSet('x') line 2",
                                      "'triage_age' line 3"]
