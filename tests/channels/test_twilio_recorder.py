"""The loopback Messages API stand-in (scripts/stack.py TwilioRecorder), driven by the real
twilio Client exactly as the Rasa process drives it. No servers besides the recorder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from scripts.stack import RedisSettings, Stack, TwilioRecorder, free_port

SID, TOKEN = "AC" + "1" * 32, "secret-token"


@pytest.fixture
def recorder() -> Iterator[TwilioRecorder]:
    r = TwilioRecorder(free_port(), SID, TOKEN).start()
    try:
        yield r
    finally:
        r.stop()


def client(recorder: TwilioRecorder, token: str = TOKEN) -> Client:
    c = Client(SID, token)
    c.api.base_url = recorder.url  # what TWILIO_API_BASE_URL does in the channel
    return c


def test_real_client_send_is_recorded_and_answered_like_twilio(recorder) -> None:
    msg = client(recorder).messages.create(to="+15550001111", from_="+15005550006", body="Hi")
    assert msg.sid.startswith("SM") and len(msg.sid) == 34
    assert msg.status == "queued"
    [rec] = recorder.wait_for("+15550001111", 1, timeout=5)
    assert (rec["To"], rec["From"], rec["Body"], rec["sid"]) == (
        "+15550001111", "+15005550006", "Hi", msg.sid)


def test_wrong_credentials_get_401(recorder) -> None:
    with pytest.raises(TwilioRestException) as exc:
        client(recorder, token="wrong").messages.create(to="+1555", from_="+1", body="x")
    assert exc.value.status == 401
    assert recorder.messages() == []


def test_fail_next_answers_errors_then_recovers(recorder) -> None:
    recorder.fail_next(1, 503)
    with pytest.raises(TwilioRestException) as exc:
        client(recorder).messages.create(to="+1555", from_="+1", body="x")
    assert exc.value.status == 503
    client(recorder).messages.create(to="+1555", from_="+1", body="x")
    assert len(recorder.messages("+1555")) == 1


def test_stack_points_twilio_at_the_sink_under_pytest(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACreal")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "real-token")
    stack = Stack(log_dir=tmp_path)
    assert stack.twilio_sink  # never the real Twilio from a test run
    stack.twilio_recorder = TwilioRecorder(free_port(), stack.twilio_account_sid,
                                           stack.twilio_auth_token)
    try:
        stack.redis_settings = RedisSettings("127.0.0.1", 6379)
        env = stack.base_env()
    finally:
        stack.twilio_recorder.server.server_close()
    assert env["TWILIO_API_BASE_URL"] == stack.twilio_recorder.url
    assert env["TWILIO_ACCOUNT_SID"] == stack.twilio_account_sid != "ACreal"
    assert env["TWILIO_AUTH_TOKEN"] == stack.twilio_auth_token
    assert env["TWILIO_SMS_FROM"] and env["TWILIO_WHATSAPP_FROM"].startswith("whatsapp:")
