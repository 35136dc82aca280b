from actions.core.triage.audit import AUDIT_FIELDS, build_record
from actions.core.triage.engine import assess


def test_record_has_every_design_field_and_no_raw_text() -> None:
    assessment = assess("crushing chest pain and sweating, I'm 60")
    record = build_record("abc123", assessment, None, answers={"q_age": "60"}, now=0)
    assert tuple(record) == AUDIT_FIELDS
    assert record["conversation"] == "abc123"
    assert record["timestamp"] == "1970-01-01T00:00:00Z"
    assert record["final_disposition"] == "emergency"
    assert record["rules_fired"] and record["red_flags"]
    assert "chest_pain" in record["inputs"]["facts"]["present"]
    assert "crushing" not in str(record["inputs"])
