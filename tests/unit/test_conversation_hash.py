"""Both processes log the same keyed pseudonym for a conversation, so logs can be joined."""

import pytest

from actions.core.privacy import conversation_hash as action_server_hash
from bot.conversation_hash import conversation_hash as rasa_hash


@pytest.mark.parametrize("sender", ["web-1f2e", "tw8c1d2e", "rest-abc", "ümlaut-ü"])
def test_rasa_and_action_server_compute_the_same_hash(sender: str, monkeypatch) -> None:
    monkeypatch.setenv("LOG_HASH_KEY", "a-production-secret")
    assert rasa_hash(sender) == action_server_hash(sender)
    monkeypatch.delenv("LOG_HASH_KEY")
    assert rasa_hash(sender) == action_server_hash(sender)


def test_the_key_changes_the_hash(monkeypatch) -> None:
    monkeypatch.setenv("LOG_HASH_KEY", "one")
    first = rasa_hash("tw123")
    monkeypatch.setenv("LOG_HASH_KEY", "two")
    assert rasa_hash("tw123") != first
