"""data/nlu/faq.yml is exactly what scripts/build_faq_nlu.py generates from data/faq."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions.core.faq.knowledge import load_faq
from scripts import build_faq_nlu
from scripts.build_faq_nlu import OUTPUT, existing_examples, faq_examples, main, render


def test_generated_file_is_up_to_date() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render(), \
        "data/nlu/faq.yml is stale: run .venvs/actions/bin/python scripts/build_faq_nlu.py"
    assert main(["--check"]) == 0


def test_generated_file_is_rasa_3_nlu_with_a_header() -> None:
    text = OUTPUT.read_text(encoding="utf-8")
    assert text.startswith("# GENERATED")
    assert "edit data/faq" in text.lower() or "Edit the FAQ entries in data/faq" in text
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    [block] = data["nlu"]
    assert block["intent"] == "ask_clinic_info"
    examples = [ln.strip()[2:] for ln in block["examples"].splitlines() if ln.strip()]
    assert len(examples) >= 300


def test_every_faq_text_is_an_example_somewhere_and_never_twice() -> None:
    generated = [t.lower() for t in faq_examples()]
    assert len(generated) == len(set(generated))
    elsewhere = existing_examples()
    assert not set(generated) & elsewhere
    for entry in load_faq():
        for text in (entry.question, *entry.alternates):
            key = " ".join(text.lower().split())
            assert key in generated or key in elsewhere, text


def test_examples_of_other_files_are_skipped(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    nlu = tmp_path / "nlu"
    faq.mkdir()
    nlu.mkdir()
    (faq / "parking.yml").write_text(
        "- id: parking\n  question: Where can I park?\n  alternates: ['parking?', Car Park,"
        " garage, car park]\n  answer: Behind.\n  page: Parking\n"
        "  url: https://riversidefamilyhealth.example/parking\n", encoding="utf-8")
    (nlu / "other.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: out_of_scope\n  examples: |\n    - GARAGE\n',
        encoding="utf-8")
    out = nlu / "faq.yml"
    out.write_text("stale content that must not be read as examples\n", encoding="utf-8")
    assert build_faq_nlu.faq_examples(faq, nlu, out) == ["Where can I park?", "parking?",
                                                          "Car Park"]
    assert "    - Car Park\n" in build_faq_nlu.render(faq, nlu, out)
