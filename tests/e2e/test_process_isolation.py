"""Acceptance: the Rasa server process never loads torch; the action server never loads
TensorFlow or rasa. Checked on the live processes' memory maps and module lists."""

from __future__ import annotations

from pathlib import Path

import psutil

from tests.e2e.helpers import say


def _process_tree(pid: int) -> list[psutil.Process]:
    proc = psutil.Process(pid)
    return [proc, *proc.children(recursive=True)]


def _mapped_files(proc: psutil.Process) -> str:
    return Path(f"/proc/{proc.pid}/maps").read_text()


def test_rasa_server_never_maps_torch(stack, sender) -> None:
    say(stack, sender, "hi")  # make sure a full turn (incl. custom action) has run
    procs = _process_tree(stack.rasa.pid)
    maps = [_mapped_files(p) for p in procs]
    assert any("tensorflow" in m for m in maps), "sanity: the Rasa server does load TensorFlow"
    assert not any("torch" in m for m in maps)


def test_action_server_never_maps_tensorflow_or_rasa(stack, sender) -> None:
    say(stack, sender, "hi")
    for proc in _process_tree(stack.actions.pid):
        maps = _mapped_files(proc)
        assert "tensorflow" not in maps
        assert "/site-packages/rasa/" not in maps
