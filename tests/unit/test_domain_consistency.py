"""Domain, training data and action server agree with each other."""

from __future__ import annotations

import ast

import yaml

from scripts.stack import ROOT

DOMAIN = yaml.safe_load((ROOT / "bot/domain.yml").read_text())


def _yaml_docs(folder: str) -> list[dict]:
    return [yaml.safe_load(p.read_text()) for p in sorted((ROOT / folder).rglob("*.yml"))]


def action_names_in_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "actions").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name == "name":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Constant):
                        names.add(ret.value.value)
    return names


def test_every_custom_action_in_the_domain_is_implemented() -> None:
    missing = set(DOMAIN.get("actions", [])) - action_names_in_code()
    assert missing == set()


def test_every_package_under_actions_is_importable_as_one() -> None:
    """Rasa SDK finds actions by walking the ``actions`` package; a folder without an
    ``__init__.py`` is skipped silently, and its actions would never be served."""
    folders = {p.parent for p in (ROOT / "actions").rglob("*.py")} - {ROOT / "actions"}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders
                     if "__pycache__" not in f.parts and not (f / "__init__.py").is_file())
    assert missing == []


def test_the_action_server_registers_exactly_the_domain_actions() -> None:
    """What ``python -m rasa_sdk --actions actions`` serves, found the way it finds it (every
    submodule of every subpackage): each domain action, and no action the domain doesn't know."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    served = {name for name, run in executor.actions.items()
              if type(run.__self__).__module__.startswith("actions.")}
    assert served == set(DOMAIN["actions"])
    assert served == action_names_in_code()


def test_every_intent_has_enough_training_examples() -> None:
    counts: dict[str, int] = {}
    for doc in _yaml_docs("data/nlu"):
        for block in doc.get("nlu", []):
            if "intent" in block:
                lines = [x for x in block["examples"].splitlines() if x.strip().startswith("- ")]
                counts[block["intent"]] = counts.get(block["intent"], 0) + len(lines)
    for intent in DOMAIN["intents"]:
        assert counts.get(intent, 0) >= 10, f"intent {intent} has too few examples"


def test_every_button_payload_is_a_known_intent() -> None:
    intents = set(DOMAIN["intents"])
    for name, variants in DOMAIN["responses"].items():
        for variant in variants:
            for button in variant.get("buttons", []):
                assert button["payload"].lstrip("/") in intents, (name, button)


def test_every_required_form_slot_has_a_validator_and_an_extractor() -> None:
    from actions.booking.form import ValidateAppointmentForm
    from actions.triage.form import ValidateTriageForm

    validators = {"triage_form": ValidateTriageForm, "appointment_form": ValidateAppointmentForm}
    assert set(validators) == set(DOMAIN["forms"])
    for form, spec in DOMAIN["forms"].items():
        assert f"validate_{form}" in DOMAIN["actions"]
        assert validators[form]().name() == f"validate_{form}"
        for slot in spec["required_slots"]:
            assert hasattr(validators[form], f"validate_{slot}"), slot
            # custom mappings need an extractor, and an "ask" action or response
            assert hasattr(validators[form], f"extract_{slot}"), slot
            assert f"action_ask_{slot}" in DOMAIN["actions"] or \
                f"utter_ask_{slot}" in DOMAIN["responses"], slot
