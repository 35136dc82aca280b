"""The pure security policies, without servers: channel-scoped REST ids, the token bucket, body
and metadata limits, the production checklist, the action server's token check."""

from __future__ import annotations

import secrets

import pytest

from bot.channels import conversation_ids as ids
from bot.channels.opted_out_screen import fired, screen_request
from bot.channels.rate_limit import BucketState, take
from bot.channels.request_validation import (
    MAX_BODY_BYTES,
    MAX_METADATA_DEPTH,
    InvalidChatRequest,
    decode_body,
    nesting_depth,
    parse_chat_request,
)
from bot.channels.twilio_policy import sender_id
from scripts import production_checklist as checklist

KEY = b"k" * 32


# ---- REST sender ids ----------------------------------------------------------------------------

def test_rest_accepts_the_ids_it_issued_in_every_mode() -> None:
    issued = ids.issue_rest_id(KEY)
    assert ids.rest_sender_refusal(issued, KEY, development=False) is None
    assert ids.rest_sender_refusal(issued, KEY, development=True) is None
    assert ids.owner_channel(issued) == "rest"


@pytest.mark.parametrize("development", [False, True])
def test_rest_never_accepts_another_channels_id(development: bool) -> None:
    phone = sender_id("+15550100000", KEY)
    webchat = secrets.token_hex(16)
    other_key = ids.issue_rest_id(b"another-key-" * 3)
    genuine = ids.issue_rest_id(KEY)
    tampered = genuine[:-1] + ("1" if genuine[-1] == "0" else "0")
    for foreign in (phone, webchat, other_key, tampered, "rest-anything"):
        assert ids.rest_sender_refusal(foreign, KEY, development) is not None, foreign
    assert ids.owner_channel(phone) == "twilio" and ids.owner_channel(webchat) == "webchat"


def test_client_chosen_rest_ids_only_in_development() -> None:
    assert ids.rest_sender_refusal("patient-42", KEY, development=True) is None
    assert ids.rest_sender_refusal("patient-42", KEY, development=False) is not None


def test_issued_ids_are_unique_and_bound_to_the_key() -> None:
    a, b = ids.issue_rest_id(KEY), ids.issue_rest_id(KEY)
    assert a != b
    assert ids.classify_rest_sender(a, b"x" * 32) is ids.RestSender.FOREIGN


# ---- the token bucket ---------------------------------------------------------------------------

def test_a_burst_up_to_the_limit_passes_then_the_bucket_refills_evenly() -> None:
    state, now, allowed = None, 1000.0, []
    for _ in range(7):
        ok, state = take(state, now, per_minute=5)
        allowed.append(ok)
    assert allowed == [True] * 5 + [False] * 2
    ok, state = take(state, now + 6.0, per_minute=5)  # half a token back: still no
    assert not ok
    ok, state = take(state, now + 12.5, per_minute=5)  # a whole token back after 12 s
    assert ok


def test_a_zero_limit_means_no_limit_and_state_round_trips() -> None:
    assert all(take(None, 0.0, per_minute=0)[0] for _ in range(100))
    state = BucketState(2.5, 12.0)
    assert BucketState.load(state.dump()) == state
    assert BucketState.load("garbage") is None and BucketState.load(None) is None


# ---- request limits -----------------------------------------------------------------------------

def test_deep_metadata_is_refused_with_a_reason() -> None:
    deep: dict = {}
    for _ in range(MAX_METADATA_DEPTH + 1):
        deep = {"a": deep}
    with pytest.raises(InvalidChatRequest, match="nested too deeply") as exc:
        parse_chat_request({"sender": "s", "message": "hi", "metadata": deep})
    assert exc.value.status == 400
    assert nesting_depth({"a": [{"b": 1}]}, 10) == 3


def test_a_body_too_deep_for_the_json_parser_is_a_400_not_a_crash() -> None:
    raw = b'{"sender": "s", "message": "hi", "metadata": ' + b'{"a": ' * 5000 + b"{}" \
        + b"}" * 5000 + b"}"
    with pytest.raises(InvalidChatRequest, match="nested too deeply") as exc:
        parse_chat_request(decode_body(raw))
    assert exc.value.status == 400


def test_an_oversized_body_is_a_413() -> None:
    with pytest.raises(InvalidChatRequest, match="too large") as exc:
        decode_body(b" " * (MAX_BODY_BYTES + 1))
    assert exc.value.status == 413


def test_a_screen_length_message_in_any_script_fits_the_body_limit() -> None:
    import json

    text = "я" * 20_000  # every character escaped as \\uXXXX by a default JSON encoder
    assert len(json.dumps({"sender": "s", "message": text})) < MAX_BODY_BYTES


# ---- STOP still screens: reading the action server's answer -------------------------------------

def test_the_opted_out_screen_reads_a_fired_gate_only() -> None:
    fired_answer = {"events": [{"event": "slot", "name": "triage_disposition",
                                "value": "emergency"}], "responses": [{"text": "Call 911"}]}
    spanish_only = {"events": [], "responses": [{"text": "Hola"}]}
    assert fired(fired_answer) and not fired(spanish_only) and not fired(None)
    body = screen_request("tw" + "0" * 32, "help", "twilio_sms")
    assert body["tracker"]["events"][0]["input_channel"] == "twilio_sms"


# ---- the production checklist -------------------------------------------------------------------

def production_env() -> dict[str, str]:
    return {
        "TRIAGE_ENV": "production",
        "LOG_HASH_KEY": secrets.token_hex(32), "CHANNEL_ID_KEY": secrets.token_hex(32),
        "ACTION_SERVER_TOKEN": secrets.token_hex(32),
        "WEBCHAT_SESSION_SECRET": secrets.token_hex(32),
        "TWILIO_PUBLIC_BASE_URL": "https://bot.clinic.example",
        "WEBCHAT_ALLOWED_ORIGINS": "https://www.clinic.example",
        "CONSOLE_SECURE_COOKIES": "1",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "t" * 32,
        "TWILIO_SMS_FROM": "+15550100000", "TWILIO_WHATSAPP_FROM": "whatsapp:+15550100000",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }


def test_a_complete_production_environment_passes_the_checklist() -> None:
    assert checklist.problems(production_env(), redis_persistent=True) == []


@pytest.mark.parametrize(("change", "named"), [
    ({"LOG_HASH_KEY": "triage-assistant-dev-only-log-hash-key"}, "LOG_HASH_KEY"),
    ({"CHANNEL_ID_KEY": ""}, "CHANNEL_ID_KEY"),
    ({"ACTION_SERVER_TOKEN": "short"}, "ACTION_SERVER_TOKEN"),
    ({"TWILIO_PUBLIC_BASE_URL": "http://bot.clinic.example"}, "TWILIO_PUBLIC_BASE_URL"),
    ({"WEBCHAT_ALLOWED_ORIGINS": "*"}, "WEBCHAT_ALLOWED_ORIGINS"),
    ({"CONSOLE_SECURE_COOKIES": "0"}, "CONSOLE_SECURE_COOKIES"),
    ({"TWILIO_AUTH_TOKEN": ""}, "TWILIO_AUTH_TOKEN"),
    ({"TWILIO_API_BASE_URL": "http://127.0.0.1:9"}, "TWILIO_API_BASE_URL"),
    ({"REDIS_URL": ""}, "REDIS_URL"),
    ({"RATE_LIMIT_PER_IP": "0"}, "RATE_LIMIT_PER_IP"),
])
def test_each_unmet_item_is_named(change: dict[str, str], named: str) -> None:
    found = checklist.problems({**production_env(), **change}, redis_persistent=True)
    assert len(found) == 1 and found[0].startswith(named), found


def test_redis_without_persistence_is_refused() -> None:
    [item] = checklist.problems(production_env(), redis_persistent=False)
    assert "persistence" in item or "AOF" in item
    assert checklist.problems(production_env(), redis_persistent=None)


def test_secrets_never_appear_in_the_checklist_output() -> None:
    env = {**production_env(), "ACTION_SERVER_TOKEN": "tiny-secret"}
    assert "tiny-secret" not in " ".join(checklist.problems(env, redis_persistent=True))


def test_development_mode_warns_when_real_twilio_credentials_are_set() -> None:
    env = {"TRIAGE_ENV": "development", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"}
    warnings = checklist.development_warnings(env)
    assert len(warnings) == 2 and "LOG_HASH_KEY" in warnings[0]
