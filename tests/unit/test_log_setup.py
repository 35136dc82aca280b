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
