"""SMS and WhatsApp over Twilio against the real stack.

Webhooks are signed like Twilio signs them, with twilio's own RequestValidator and the auth token
the stack gave the Rasa process. Replies go out through the real twilio Client inside the Rasa
process to the stack's loopback recorder (scripts/stack.py TwilioRecorder), where we read exactly
what was sent.
"""

from __future__ import annotations

import concurrent.futures
import random
import time
import uuid
from typing import Any

import httpx
import pytest
import redis
from twilio.request_validator import RequestValidator

from bot.channels.sms_render import MAX_UNITS, length_units
from bot.channels.twilio_policy import channel_id_key, sender_id
from scripts.stack import Stack

SMS, WHATSAPP = "twilio_sms", "twilio_whatsapp"
SECRET_TEXT = "my neighbour qjxvbzk has a rash"
USED_NUMBERS: list[str] = []  # every number a test used, checked against the logs at the end


def new_address(channel: str) -> str:
    number = f"+1555{random.randint(0, 9_999_999):07d}"
    USED_NUMBERS.append(number)
    return f"whatsapp:{number}" if channel == WHATSAPP else number


def our_address(stack: Stack, channel: str) -> str:
    env = stack.base_env()
    return env["TWILIO_WHATSAPP_FROM"] if channel == WHATSAPP else env["TWILIO_SMS_FROM"]


def webhook_url(stack: Stack, channel: str) -> str:
    return f"{stack.rasa_url}/webhooks/{channel}/webhook"


def inbound(stack: Stack, channel: str, address: str, body: str, **extra: str) -> dict[str, str]:
    """The form fields Twilio posts for an incoming message."""
    return {
        "MessageSid": "SM" + uuid.uuid4().hex, "SmsSid": "", "AccountSid": stack.twilio_account_sid,
        "From": address, "To": our_address(stack, channel), "Body": body, "NumMedia": "0",
        "NumSegments": "1", "ApiVersion": "2010-04-01", **extra,
    }


def sign(stack: Stack, url: str, params: dict[str, str], token: str | None = None) -> str:
    return RequestValidator(token or stack.twilio_auth_token).compute_signature(url, params)


def post(stack: Stack, channel: str, params: dict[str, str],
         signature: str | None = None) -> tuple[httpx.Response, float]:
    """POST a webhook (signed correctly unless ``signature`` is given); (response, seconds)."""
    url = webhook_url(stack, channel)
    headers = {"X-Twilio-Signature": sign(stack, url, params) if signature is None else signature}
    if signature == "":
        headers = {}
    start = time.monotonic()
    r = httpx.post(url, data=params, headers=headers, timeout=10)
    return r, time.monotonic() - start


def send(stack: Stack, channel: str, address: str, body: str, **extra: str) -> httpx.Response:
    r, _ = post(stack, channel, inbound(stack, channel, address, body, **extra))
    assert r.status_code == 200, r.text
    return r


def chat(stack: Stack, channel: str, address: str, body: str, timeout: float = 60) -> list[dict]:
    """Send one message; wait until this turn's replies stop arriving; return them."""
    before = len(stack.twilio_recorder.messages(address))
    send(stack, channel, address, body)
    got = stack.twilio_recorder.wait_for(address, before + 1, timeout)[before:]
    assert got, f"no reply to {body!r}"
    while True:  # a split reply arrives as several messages in quick succession
        time.sleep(0.5)
        more = stack.twilio_recorder.messages(address)[before:]
        if len(more) == len(got):
            return got
        got = more


def bodies(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("Body", "") for r in replies)


def quiet(stack: Stack, address: str, count: int, seconds: float = 3.0) -> bool:
    """True if no more than ``count`` messages reach ``address`` within ``seconds``."""
    time.sleep(seconds)
    return len(stack.twilio_recorder.messages(address)) == count


def redis_client(stack: Stack) -> redis.Redis:
    return redis.Redis.from_url(stack.redis_settings.url, decode_responses=True)


def rasa_sender(stack: Stack, address: str) -> str:
    return sender_id(address, channel_id_key(stack.base_env()))


# ---- signature --------------------------------------------------------------------------------

def test_valid_signed_webhook_is_acked_with_empty_twiml_and_answered(stack) -> None:
    address = new_address(SMS)
    r = send(stack, SMS, address, "hello")
    assert r.headers["content-type"].startswith("text/xml")
    assert "<Response></Response>" in r.text
    [reply] = stack.twilio_recorder.wait_for(address, 1)
    assert reply["From"] == our_address(stack, SMS)
    assert "not a clinician" in reply["Body"]
    assert reply["Body"].endswith("1) Questions about the clinic\n2) Appointments\n"
                                  "3) Check my symptoms\nReply 1, 2 or 3.")


@pytest.mark.parametrize("channel", [SMS, WHATSAPP])
def test_forged_or_missing_signature_is_403_and_nothing_is_processed(stack, channel) -> None:
    address = new_address(channel)
    params = inbound(stack, channel, address, "hello")
    url = webhook_url(stack, channel)
    forged = sign(stack, url, params, token="not-the-auth-token")
    assert post(stack, channel, params, signature=forged)[0].status_code == 403
    assert post(stack, channel, params, signature="")[0].status_code == 403
    assert post(stack, channel, params, signature="garbage")[0].status_code == 403
    other_channel = SMS if channel == WHATSAPP else WHATSAPP  # signed for another URL
    wrong_url = sign(stack, webhook_url(stack, other_channel), params)
    assert post(stack, channel, params, signature=wrong_url)[0].status_code == 403
    assert quiet(stack, address, 0, seconds=2)
    # Nothing was processed: not even the MessageSid was used up.
    assert post(stack, channel, params)[0].status_code == 200
    assert stack.twilio_recorder.wait_for(address, 1)


@pytest.mark.parametrize(
    "alter",
    [
        {"Body": "book an appointment"},
        {"From": "+15550000000"},
        {"To": "+15550000001"},
        {"MediaUrl0": "https://example.org/x.jpg"},
    ],
    ids=["body", "from", "to", "added-param"],
)
def test_replay_with_altered_params_is_403(stack, alter) -> None:
    address = new_address(SMS)
    params = inbound(stack, SMS, address, "hello")
    signature = sign(stack, webhook_url(stack, SMS), params)
    r, _ = post(stack, SMS, {**params, **alter}, signature=signature)
    assert r.status_code == 403
    assert quiet(stack, address, 0, seconds=1)
    assert stack.twilio_recorder.messages(alter.get("From", "-")) == []


# ---- dedupe, ack time --------------------------------------------------------------------------

def test_duplicate_message_sid_five_times_concurrently_gives_exactly_one_reply(stack) -> None:
    address = new_address(SMS)
    params = inbound(stack, SMS, address, "hello")
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda _: post(stack, SMS, params)[0].status_code, range(5)))
    assert results == [200] * 5  # every retry is acked, so Twilio stops retrying
    assert stack.twilio_recorder.wait_for(address, 1)
    assert quiet(stack, address, 1, seconds=4)


def test_webhook_acks_within_200ms_while_turns_are_slow(stack) -> None:
    address = new_address(SMS)
    send(stack, SMS, address, "hello")  # warm up this conversation
    stack.twilio_recorder.wait_for(address, 1)
    # A burst: the per-conversation lock makes each later turn wait for the ones before it
    # (the last one waits for all), and the LLM-backed symptom turn is the slowest of all.
    messages = ["I have a runny nose and a mild cough", "1", "2", "what can you do?", "thanks"]
    acks: list[tuple[float, float]] = []
    for text in messages:
        r, seconds = post(stack, SMS, inbound(stack, SMS, address, text))
        assert r.status_code == 200
        acks.append((seconds, time.monotonic()))
    assert max(s for s, _ in acks) < 0.2, acks
    replies = stack.twilio_recorder.wait_for(address, 1 + len(messages), timeout=90)
    # The turns were answered after the webhooks had returned: they ran in the background.
    assert replies[-1]["at"] > acks[-1][1]


# ---- opt-out, help ------------------------------------------------------------------------------

def test_stop_then_message_gets_no_reply_start_resumes(stack) -> None:
    address = new_address(SMS)
    send(stack, SMS, address, "STOP")
    send(stack, SMS, address, "hello")
    assert quiet(stack, address, 0, seconds=4)  # SMS: Twilio itself confirms STOP
    send(stack, SMS, address, "start")
    send(stack, SMS, address, "hello")
    [reply] = stack.twilio_recorder.wait_for(address, 1)
    assert "not a clinician" in reply["Body"]
    # The opt-out is kept per hashed sender id, not per number.
    keys = redis_client(stack).keys("twilio:optout:*")
    assert all(address.lstrip("+") not in k for k in keys)


def test_help_gets_the_support_contact(stack) -> None:
    address = new_address(SMS)
    [reply] = chat(stack, SMS, address, "HELP")
    assert stack.base_env()["CLINIC_SUPPORT_CONTACT"] in reply["Body"]
    assert "911" in reply["Body"]


def test_whatsapp_stop_is_confirmed_once_then_silence(stack) -> None:
    address = new_address(WHATSAPP)
    [confirm] = chat(stack, WHATSAPP, address, "unsubscribe")
    assert "START" in confirm["Body"]
    send(stack, WHATSAPP, address, "hello")
    assert quiet(stack, address, 1, seconds=3)
    chat(stack, WHATSAPP, address, "START")
    assert "not a clinician" in bodies(chat(stack, WHATSAPP, address, "hello"))


# ---- rendering, the script over both channels ------------------------------------------------

@pytest.mark.parametrize("channel", [SMS, WHATSAPP])
def test_patient_script_over_the_channel(stack, channel) -> None:
    address = new_address(channel)
    ours = our_address(stack, channel)
    sent: list[dict] = []

    def turn(text: str) -> str:
        replies = chat(stack, channel, address, text)
        sent.extend(replies)
        return bodies(replies)

    greeting = turn("hello")
    assert "not a clinician" in greeting and "Reply 1, 2 or 3." in greeting
    assert "Source:" in turn("when are you open")
    assert "What kind of visit" in turn("book an appointment")
    assert "what is the visit for" in turn("follow-up visit")
    assert "When would suit you" in turn("blood pressure check")
    options = turn("tomorrow morning")
    assert "Which one" in options and "1) " in options and "Reply 1, 2" in options
    assert "first and last name" in turn("1")
    # A different patient per channel: one person can't hold two visits at the same time.
    assert "date of birth" in turn("Sam Jones" if channel == SMS else "Kim Lopez")
    assert "1) Yes\n2) No" in turn("04/05/1977")
    assert "Confirmation code:" in turn("1")
    question = turn("I have a runny nose and a mild cough")
    assert "How old" in question and "1) I don't know\nReply 1." in question
    # A digit reply selects the numbered option's payload.
    follow_up = turn("1")
    assert "short of breath" in follow_up
    assert "1) Yes\n2) No\n3) I don't know\nReply 1, 2 or 3." in follow_up
    assert "swallow" in turn("2")
    for message in sent:
        assert message["To"] == address and message["From"] == ours
        assert length_units(message["Body"]) <= MAX_UNITS
    if channel == WHATSAPP:
        assert address.startswith("whatsapp:") and ours.startswith("whatsapp:")


def test_greeting_option_digit_maps_to_its_payload(stack) -> None:
    address = new_address(SMS)
    chat(stack, SMS, address, "hello")
    assert "book a new appointment" in bodies(chat(stack, SMS, address, "2"))


def test_long_reply_is_split_into_messages_within_the_limit(stack) -> None:
    address = new_address(SMS)
    replies = chat(stack, SMS, address, "crushing chest pain down my left arm, sweating, I'm 58")
    assert len(replies) >= 2  # about 470 characters in one turn
    assert replies[0]["Body"].startswith("Call 911 now")
    assert all(length_units(r["Body"]) <= MAX_UNITS for r in replies)
    assert "not a clinician" in replies[-1]["Body"]


def test_whatsapp_media_gets_text_only_note(stack) -> None:
    address = new_address(WHATSAPP)
    send(stack, WHATSAPP, address, "", NumMedia="1",
         MediaUrl0="https://api.twilio.com/x/Media/ME1", MediaContentType0="image/jpeg")
    [note] = stack.twilio_recorder.wait_for(address, 1)
    assert "I can only read text here" in note["Body"]
    assert quiet(stack, address, 1, seconds=2)


# ---- WhatsApp 24 h window ----------------------------------------------------------------------

def trigger_intent(stack: Stack, sender: str, intent: str) -> None:
    r = httpx.post(f"{stack.rasa_url}/conversations/{sender}/trigger_intent",
                   params={"token": stack.auth_token, "output_channel": WHATSAPP},
                   json={"name": intent}, timeout=30)
    assert r.status_code == 200, r.text


def test_whatsapp_free_form_inside_24h_template_outside(stack) -> None:
    address = new_address(WHATSAPP)
    chat(stack, WHATSAPP, address, "hello")
    sender = rasa_sender(stack, address)
    # Inside the window (the patient just wrote): a bot-initiated message is free-form.
    trigger_intent(stack, sender, "greet")
    inside = stack.twilio_recorder.wait_for(address, 2)[1]
    assert inside.get("Body") and "ContentSid" not in inside
    # 24 h later (the window's key expired): only the approved template goes out, once.
    redis_client(stack).delete(f"twilio:lastin:{sender}")
    trigger_intent(stack, sender, "greet")
    outside = stack.twilio_recorder.wait_for(address, 3)[2]
    assert outside["ContentSid"] == stack.base_env()["WHATSAPP_TEMPLATE_SID"]
    assert "Body" not in outside
    assert quiet(stack, address, 3, seconds=2)


# ---- sending: retries that cannot double-send --------------------------------------------------

def test_send_is_retried_after_503_and_delivered_once(stack) -> None:
    address = new_address(SMS)
    stack.twilio_recorder.fail_next(2, 503)  # Twilio did not take it: safe to retry
    send(stack, SMS, address, "hello")
    [reply] = stack.twilio_recorder.wait_for(address, 1)
    assert "not a clinician" in reply["Body"]
    assert quiet(stack, address, 1, seconds=2)


def test_ambiguous_500_is_not_retried(stack) -> None:
    address = new_address(SMS)
    stack.twilio_recorder.fail_next(1, 500)  # Twilio may have created it: never send twice
    send(stack, SMS, address, "hello")
    assert quiet(stack, address, 0, seconds=4)


# ---- privacy ------------------------------------------------------------------------------------

def test_rasa_sees_a_keyed_hash_and_logs_carry_no_numbers_or_text(stack) -> None:
    address = new_address(SMS)
    chat(stack, SMS, address, "hello")
    chat(stack, SMS, address, SECRET_TEXT)
    sender = rasa_sender(stack, address)
    r = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker",
                  params={"token": stack.auth_token}, timeout=10)
    assert r.status_code == 200
    assert address.lstrip("+") not in r.text
    assert any(e.get("text") == SECRET_TEXT for e in r.json()["events"])
    logs = {p.name: p.read_text(errors="replace") for p in stack.log_dir.glob("*.log")}
    for name, content in logs.items():
        assert "qjxvbzk" not in content, name
        for number in USED_NUMBERS:
            assert number.lstrip("+") not in content, (name, number)
