from actions.core import privacy
from actions.core.privacy import conversation_hash, conversation_log_fields


def test_hash_is_stable_and_short() -> None:
    assert conversation_hash("+15551234567") == conversation_hash("+15551234567")
    assert len(conversation_hash("x")) == 16


def test_hash_does_not_contain_the_id_and_differs_per_id() -> None:
    h = conversation_hash("+15551234567")
    assert "5551234567" not in h
    assert h != conversation_hash("+15551234568")


def test_hash_depends_on_the_secret_key() -> None:
    one = conversation_hash("+15551234567", "key-one")
    assert conversation_hash("+15551234567", "key-two") != one


def test_the_process_key_is_set_once(monkeypatch) -> None:
    monkeypatch.setattr(privacy, "_key", privacy._key)  # restored after the test
    privacy.set_key("key-one")
    assert conversation_hash("+15551234567") == conversation_hash("+15551234567", "key-one")
    assert conversation_log_fields("+15551234567")["conv"] == conversation_hash(
        "+15551234567", "key-one")


def test_log_fields_carry_hash_not_raw_id() -> None:
    fields = conversation_log_fields("+15551234567", turn=3)
    assert fields == {"conv": conversation_hash("+15551234567"), "turn": 3}
