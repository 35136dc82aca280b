import json
import logging

from actions.log_setup import JsonFormatter


def test_json_formatter_emits_one_object_with_extra_fields() -> None:
    record = logging.LogRecord("actions.x", logging.INFO, __file__, 1, "greeted", None, None)
    record.conv = "abcd1234abcd1234"
    record.returning = True
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["msg"] == "greeted"
    assert data["conv"] == "abcd1234abcd1234"
    assert data["returning"] is True
    assert data["level"] == "INFO"
    assert "\n" not in line


def test_a_crash_log_line_names_frames_and_no_values() -> None:
    import json
    import logging

    from actions.log_setup import JsonFormatter

    def inner(secret: str) -> None:
        raise ValueError(f"patient said {secret}")

    try:
        inner("my chest hurts")
    except ValueError:
        import sys
        record = logging.makeLogRecord({"msg": "turn failed", "exc_info": sys.exc_info(),
                                        "levelname": "ERROR", "name": "t"})
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["exc_type"] == "ValueError"
    assert "test_log_setup.py" in payload["at"] and ":inner" in payload["at"]
    assert "chest" not in line
