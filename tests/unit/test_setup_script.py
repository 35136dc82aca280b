import shutil
from pathlib import Path

import pytest

from scripts import setup


def test_missing_python_is_named_in_a_clear_error() -> None:
    with pytest.raises(setup.SetupError, match=r"Python 3\.99 was not found.*install"):
        setup.find_python("3.99")


def test_present_python_is_found() -> None:
    assert setup.find_python("3.11")


def test_training_hash_changes_only_when_training_inputs_change(
    tmp_path: Path, monkeypatch
) -> None:
    for rel in setup.TRAINING_INPUTS:
        src = setup.ROOT / rel
        dst = tmp_path / rel
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dst)
    monkeypatch.setattr(setup, "ROOT", tmp_path)
    monkeypatch.setattr(setup, "VENVS", tmp_path / ".venvs")
    first = setup.training_hash()
    (tmp_path / "README.md").write_text("not a training input")
    assert setup.training_hash() == first
    nlu = next((tmp_path / "data/nlu").glob("*.yml"))
    nlu.write_text(nlu.read_text() + "\n")
    assert setup.training_hash() != first


def test_unknown_step_is_refused(capsys) -> None:
    assert setup.main(["setup.py", "bogus"]) == 2
    assert "unknown step" in capsys.readouterr().err
