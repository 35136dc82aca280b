"""Rasa's error log for a failed action echoes the tracker; the filter must strip it."""

from __future__ import annotations

import io
import logging

from bot.log_privacy import RedactConversationData

SECRET = "my neighbour zyxwvut has a rash"


class ClientResponseError(Exception):
    pass


def _logger() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactConversationData())
    logger = logging.getLogger(f"test.redact.{id(stream)}")
    logger.handlers = [handler]
    logger.propagate = False
    return logger, stream


def test_failed_action_traceback_loses_the_tracker_but_keeps_the_type() -> None:
    logger, stream = _logger()
    body = ('500, Internal Server Error, body=\'{"error": "x", "request_body": {"tracker": '
            f'{{"latest_message": {{"text": "{SECRET}"}}}}}}}}\'')
    try:
        raise ClientResponseError(body)
    except ClientResponseError:
        logger.exception("Encountered an exception while running action 'action_x'.")
    out = stream.getvalue()
    assert SECRET not in out and "zyxwvut" not in out
    assert "action_x" in out and "ClientResponseError" in out and "HTTP 500" in out


def test_message_args_with_conversation_json_are_redacted() -> None:
    logger, stream = _logger()
    logger.error("Failed to run custom action %s", {"events": [{"text": SECRET}]})
    assert "zyxwvut" not in stream.getvalue()
    assert "redacted" in stream.getvalue()


def test_ordinary_records_pass_unchanged() -> None:
    logger, stream = _logger()
    logger.warning("Action server took %d ms", 1200)
    try:
        raise ValueError("bad slot value type")
    except ValueError:
        logger.exception("validation failed")
    out = stream.getvalue()
    assert "Action server took 1200 ms" in out
    assert "bad slot value type" in out and "Traceback" in out
