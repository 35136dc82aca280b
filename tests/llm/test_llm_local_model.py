"""The real SmolLM2-135M, converted locally, end to end through the guards. Runs in the
normal suite (marked `model` only so it can be deselected with -m 'not model')."""

from __future__ import annotations

import json
import time

import pytest

from actions.core.guardrails.merge import DISCLAIMER, GuardedResult
from actions.core.guardrails.pipeline import explain_and_guard
from actions.core.guardrails.schema import DISPOSITIONS, rank
from actions.llm.base import LLMTimeout
from actions.llm.prompt import load_prompt

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def local_backend(converted_model_dir):
    from actions.llm.local import LocalTransformersBackend

    backend = LocalTransformersBackend(converted_model_dir)
    backend.load()
    yield backend
    backend.close()


def test_real_model_end_to_end_through_the_guards(local_backend):
    prompt = load_prompt("triage_v1")
    text = "I have had a fever and a stiff neck since this morning"
    r = explain_and_guard(text, "urgent", False, local_backend, prompt, timeout_s=120)
    assert isinstance(r, GuardedResult)
    assert r.disposition in DISPOSITIONS and rank(r.disposition) >= rank("urgent")
    assert r.patient_text.endswith(DISCLAIMER)
    assert r.model_id.startswith("local/smollm2-135m-instruct@")
    assert (r.prompt_id, r.prompt_version) == ("triage", 1)
    assert r.raw_output  # the model said something
    assert r.latency_ms is not None
    json.dumps(r.to_audit())


def test_real_model_answers_the_prefilled_json_shape(local_backend):
    prompt = load_prompt()
    raw = local_backend.complete(
        prompt.render("my ankle is swollen after a fall"),
        max_tokens=prompt.max_tokens,
        timeout_s=120,
    )
    # greedy decoding starts right inside the facts list the prefill opened
    assert raw and not raw.startswith("{")


def test_real_model_timeout_stops_generation(local_backend):
    prompt = load_prompt()
    t0 = time.monotonic()
    with pytest.raises(LLMTimeout):
        local_backend.complete(prompt.render("my head hurts"), max_tokens=200, timeout_s=0.2)
    assert time.monotonic() - t0 < 2.0
    # the worker is free again right after: a normal call still works
    assert local_backend.complete(prompt.render("my head hurts"), max_tokens=4, timeout_s=120)
