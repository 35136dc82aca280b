"""The FAQ knowledge base loads, is complete and consistent, and bad files fail clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.core.faq.knowledge import (
    DEFAULT_FAQ_DIR,
    MAX_ANSWER_CHARS,
    SITE_PREFIX,
    FaqError,
    faq_files,
    load_faq,
)

REQUIRED_TOPICS = {
    "hours", "locations_parking", "insurance_billing", "refills", "test_results", "records",
    "telehealth", "vaccines", "visitors", "language_accessibility", "privacy",
    "appointments_general",
}
FRONT_DESK = "(555) 010-0100"


@pytest.fixture(scope="module")
def entries():
    return load_faq()


def test_default_dir_is_the_repo_data_folder() -> None:
    assert DEFAULT_FAQ_DIR.parts[-2:] == ("data", "faq")
    assert (DEFAULT_FAQ_DIR / "hours.yml").exists()


def test_enough_entries_in_every_required_topic(entries) -> None:
    assert len(entries) >= 45
    topics = {e.topic for e in entries}
    assert REQUIRED_TOPICS <= topics, REQUIRED_TOPICS - topics
    for topic in REQUIRED_TOPICS:
        assert sum(e.topic == topic for e in entries) >= 1


def test_ids_unique_and_snake_case(entries) -> None:
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_every_entry_is_complete(entries) -> None:
    for e in entries:
        assert e.question and e.answer and e.page, e.id
        assert len(e.answer) <= MAX_ANSWER_CHARS, e.id
        assert e.url.startswith(SITE_PREFIX), e.id
        assert 4 <= len(e.alternates) <= 8, e.id
        assert e.source is None or e.source.startswith("https://"), e.id


def test_short_sms_style_alternates_exist(entries) -> None:
    short = [a for e in entries for a in e.alternates if len(a.split()) <= 2]
    assert len(short) >= 20


def test_answers_rest_on_public_guidance_cite_it(entries) -> None:
    by_id = {e.id: e for e in entries}
    for entry_id, domain in [("records_request", "hhs.gov"), ("records_fee", "hhs.gov"),
                             ("records_correction", "ecfr.gov"), ("child_vaccines", "cdc.gov"),
                             ("adult_vaccines", "cdc.gov")]:
        assert domain in (by_id[entry_id].source or ""), entry_id


def test_clinic_facts_are_consistent(entries) -> None:
    by_id = {e.id: e for e in entries}
    for e in entries:
        for phone in re.findall(r"\(\d{3}\) ?\d{3}-\d{4}", e.answer):
            assert phone == FRONT_DESK, e.id
        assert "riversidefamilyhealth" not in e.answer.replace("riversidefamilyhealth.example", "")
    hours = by_id["opening_hours"].answer
    for fact in ("Mon–Fri 8am–6pm", "Sat 9am–1pm", "Mon–Fri 9am–5pm"):
        assert fact in hours
    assert "check with your insurer" in by_id["insurance_accepted"].answer
    assert "3 business days" in by_id["refill_request"].answer
    assert "3–5 business days" in by_id["test_results"].answer
    assert "30 days" in by_id["records_request"].answer
    assert "48 hours" in by_id["asl_interpreter"].answer
    assert "200" in by_id["interpreters"].answer
    assert "bus line 7" in by_id["public_transport"].answer


def test_every_topic_file_says_it_is_clinic_content() -> None:
    for path in faq_files():
        head = path.read_text(encoding="utf-8").splitlines()[:3]
        assert any("clinic's own content" in line and line.startswith("#") for line in head), path


# --- validation errors -------------------------------------------------------------------


def _entry(**overrides: object) -> str:
    fields = {
        "id": "parking_help",
        "question": "Where can I park?",
        "alternates": ["parking?", "is parking free", "where do I leave my car", "car park"],
        "answer": "Free lot behind the building.",
        "page": "Parking",
        "url": SITE_PREFIX + "parking",
    }
    fields.update(overrides)
    lines = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, list):
            lines.append(f"  {key}:")
            lines.extend(f"    - {v}" for v in value)
        else:
            lines.append(f"  {key}: {value!s}")
    return "- " + "\n".join(lines)[2:] + "\n"


def _write(tmp_path: Path, name: str, *entries: str) -> Path:
    (tmp_path / name).write_text("# clinic's own content\n" + "".join(entries), encoding="utf-8")
    return tmp_path


def test_a_valid_file_loads_with_its_topic(tmp_path: Path) -> None:
    _write(tmp_path, "parking.yml", _entry(source="https://www.example.org/guidance"))
    (tmp_path / "_helper.yml").write_text("not: an entry list\n", encoding="utf-8")
    [entry] = load_faq(tmp_path)
    assert entry.topic == "parking"
    assert entry.alternates[0] == "parking?"
    assert entry.keywords == ()
    assert entry.source == "https://www.example.org/guidance"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"answer": "x" * (MAX_ANSWER_CHARS + 1)}, "at most 300"),
        ({"url": "https://elsewhere.example/parking"}, "url must be a page of the clinic site"),
        ({"id": "Parking-Help"}, "snake_case"),
        ({"alternates": ["parking?", "park?"]}, "needs 4-8 alternates"),
        ({"page": None}, "missing field(s) page"),
        ({"alternate": "typo"}, "unknown field(s) alternate"),
        ({"source": "http://insecure.example"}, "source must be a public https"),
        ({"question": "''"}, "'question' must be a non-empty string"),
    ],
)
def test_invalid_entries_fail_with_a_clear_message(tmp_path: Path, overrides: dict,
                                                   message: str) -> None:
    _write(tmp_path, "parking.yml", _entry(**overrides))
    with pytest.raises(FaqError) as err:
        load_faq(tmp_path)
    assert message in str(err.value)
    assert "parking.yml" in str(err.value)


def test_duplicate_ids_across_files_fail(tmp_path: Path) -> None:
    _write(tmp_path, "a.yml", _entry())
    _write(tmp_path, "b.yml", _entry())
    with pytest.raises(FaqError, match=r"b\.yml: duplicate id 'parking_help' \(also in a\.yml\)"):
        load_faq(tmp_path)


def test_broken_yaml_and_empty_folder_fail(tmp_path: Path) -> None:
    with pytest.raises(FaqError, match="no FAQ files"):
        load_faq(tmp_path)
    (tmp_path / "bad.yml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FaqError, match=r"bad\.yml: not valid YAML"):
        load_faq(tmp_path)
    (tmp_path / "bad.yml").write_text("id: not_a_list\n", encoding="utf-8")
    with pytest.raises(FaqError, match="must be a non-empty list"):
        load_faq(tmp_path)
