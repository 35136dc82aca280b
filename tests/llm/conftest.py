from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from scripts.stack import ROOT


def _unavailable(reason: str) -> None:
    """Skip, unless the run demands the real model (REQUIRE_LOCAL_LLM=1, e.g. in CI once the
    setup step installs the ML stack): then a missing model is a failure, not a skip."""
    if os.environ.get("REQUIRE_LOCAL_LLM") == "1":
        pytest.fail(f"REQUIRE_LOCAL_LLM=1 but the local model is unavailable: {reason}")
    pytest.skip(f"local model not available: {reason}")


@pytest.fixture(scope="session")
def converted_model_dir() -> Path:
    """The converted SmolLM2 dir; converted here (~20 s, offline) if the setup step has not
    done it yet. Skips only when the ML stack or the GGUF source package is not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from actions.llm import convert

    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        _unavailable(f"{', '.join(missing)} not installed")
    out = Path(os.environ.get("LLM_MODEL_DIR") or ROOT / convert.DEFAULT_OUT)
    if convert.is_converted(out):
        return out
    try:
        return convert.convert(out)
    except convert.ConversionError as exc:
        _unavailable(str(exc))
        raise  # unreachable; keeps type checkers happy
