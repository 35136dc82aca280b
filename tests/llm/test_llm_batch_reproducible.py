"""Same words, same level, real SmolLM2: the batch run twice over the same cases — once as usual,
once with a deadline so short that every model call hits it (the worst load) — gives the
same disposition for every case, and no-rule cases never go below urgent + a person.
Marked `model` like the other real-model tests (REQUIRE_LOCAL_LLM=1 turns a missing model
into a failure). 13 cases, 10 model calls per run (about 50 s for both runs on 2 idle cores)."""

from __future__ import annotations

import csv
import dataclasses
import json

import pytest

from actions.core.guardrails import pipeline
from actions.core.guardrails.schema import rank
from actions.llm.prompt import load_prompt
from actions.triage import batch as triage_batch
from actions.triage import service as triage_service

pytestmark = pytest.mark.model

NO_RULE_CANDIDATES = ["my toe nail looks strange", "my left knee clicks when I walk",
                      "my eye is twitching a lot"]
RULED = ["my back hurts after gardening yesterday", "I'm having a sharp pain in my tummy"]
NO_MODEL = ["I have crushing chest pain and I'm sweaty", "I want to kill myself",
            "my face is drooping and I can't lift my arm"]
VARIANTS = [("", ""), ("34", "F"), ("71", "M"), ("6", "M")]


@pytest.fixture(scope="module")
def local_backend(converted_model_dir):
    from actions.llm.local import LocalTransformersBackend

    backend = LocalTransformersBackend(converted_model_dir)
    backend.load()
    yield backend
    backend.close()


def _run(tmp_path, name: str, cases, timeout_s: float, monkeypatch):
    prompt = load_prompt()
    monkeypatch.setattr(pipeline, "load_prompt",
                        lambda: dataclasses.replace(prompt, timeout_s=timeout_s))
    out = tmp_path / f"{name}.csv"
    triage_batch.run_batch(cases, out, progress=False)
    rows = {r["case_id"]: r for r in csv.DictReader(out.open())}
    audit = [json.loads(line) for line in out.with_name(out.name + ".audit.jsonl").open()]
    return rows, audit


def test_batch_twice_same_dispositions_even_when_every_call_times_out(
        local_backend, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(triage_service, "_backend", local_backend)
    monkeypatch.setattr(triage_service, "_backend_ready", True)
    no_rule = [m for m in NO_RULE_CANDIDATES if not any(
        triage_service.rule_screen(m, triage_batch._age(age), triage_batch._sex(sex)).fired
        for age, sex in VARIANTS)][:2]
    assert no_rule, "every candidate now fires a rule: add a message no rule covers"
    rows = [(f"nr{i}-{j}", age, sex, m) for i, m in enumerate(no_rule)
            for j, (age, sex) in enumerate(VARIANTS)]
    rows += [(f"r{i}", "", "", m) for i, m in enumerate(RULED)]
    rows += [(f"x{i}", "", "", m) for i, m in enumerate(NO_MODEL)]
    cases = tmp_path / "cases.csv"
    with cases.open("w", newline="") as fh:
        csv.writer(fh).writerows([("case_id", "age", "sex", "message"), *rows])

    first, first_audit = _run(tmp_path, "first", cases, load_prompt().timeout_s, monkeypatch)
    second, second_audit = _run(tmp_path, "second", cases, 0.01, monkeypatch)

    assert len(first_audit) >= 12 and sum(a["llm_called"] for a in first_audit) >= 8
    # the second run really was cut by the deadline, wherever the model settled its vote
    assert any(a["fallback_reason"] == "llm_timeout" for a in second_audit)
    # ...and never before the model's level vote was settled
    assert all(a["llm_vote_missing"] not in ("no_output", "unsettled")
               for a in second_audit if a["fallback_reason"] == "llm_timeout")
    assert {k: r["disposition"] for k, r in first.items()} == {
        k: r["disposition"] for k, r in second.items()}
    for a, b in zip(first_audit, second_audit, strict=True):
        assert (a["deterministic_level"], a["level_basis"], a["llm_suggestion"]) == (
            b["deterministic_level"], b["level_basis"], b["llm_suggestion"])
        if a["llm_called"]:
            # greedy decoding: the cut-off answer is the start of the whole one
            assert a["raw_output"].startswith(b["raw_output"] or "\0")
        if a["level_basis"] == "no_rule_default":
            assert rank(a["final_disposition"]) >= rank("urgent") and a["offer_human"]
    for i in range(len(no_rule)):
        assert len({first[f"nr{i}-{j}"]["disposition"] for j in range(len(VARIANTS))}) == 1
