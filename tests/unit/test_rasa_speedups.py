"""The cached action-response validator (bot/rasa_speedups.py) accepts and rejects exactly what
Rasa's own check does. Runs in the Rasa venv (Python 3.10), where rasa is installed."""

from __future__ import annotations

import subprocess
import textwrap

from scripts.stack import ROOT, VENVS

CHECK = textwrap.dedent("""
    import json
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    original = RemoteAction._validate_action_result
    from bot import rasa_speedups
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is not original
    action = RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "s", "value": {"a": [1, 2]}}],
            "responses": [{"text": "hi", "buttons": [{"title": "t", "payload": "/p"}]}]}
    assert action._validate_action_result(good) is True
    for bad in ({"events": [{"name": "no event key"}]}, {"events": "not a list"},
                {"events": [{"event": 42}]}):
        try:
            action._validate_action_result(bad)
        except ValidationError as exc:
            assert "Failed to validate Action server response" in exc.message
        else:
            raise AssertionError(f"accepted {bad}")
        try:
            original(action, bad)
        except ValidationError:
            pass
        else:
            raise AssertionError(f"rasa's own check accepted {bad}")
    from rasa.shared.core.events import Event, SlotSet, UserUttered
    for _ in range(2):  # the second time from the cache
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("topic") is None
        assert Event.resolve_by_type("nonsense", default=SlotSet) is SlotSet
        try:
            Event.resolve_by_type("nonsense")
        except ValueError:
            pass
        else:
            raise AssertionError("unknown event name accepted")
    print("ok")
""")


def test_cached_validator_matches_rasa() -> None:
    done = subprocess.run([str(VENVS / "bot/bin/python"), "-c", CHECK], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                               "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
