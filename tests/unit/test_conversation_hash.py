"""Both processes log the same keyed pseudonym for a conversation, so logs can be joined."""

import pytest

from actions.core.privacy import conversation_hash as action_server_hash
from actions.settings import ActionSettings
from bot.channels.settings import ChannelSettings
from bot.conversation_hash import conversation_hash as rasa_hash


@pytest.mark.parametrize("sender", ["web-1f2e", "tw8c1d2e", "rest-abc", "ümlaut-ü"])
@pytest.mark.parametrize("env", [{"LOG_HASH_KEY": "a-production-secret"},
                                 {"TRIAGE_ENV": "development"}])
def test_rasa_and_action_server_compute_the_same_hash(sender: str, env: dict) -> None:
    # Each process reads LOG_HASH_KEY (or its development default) through its own settings.
    rasa_key = ChannelSettings.from_env(env).log_hash_key
    action_key = ActionSettings.from_env(env).log_hash_key
    assert rasa_key == action_key
    assert rasa_hash(sender, rasa_key) == action_server_hash(sender, action_key)


def test_one_development_key_everywhere() -> None:
    from actions.core import privacy
    from bot import conversation_hash as bot_module

    assert (bot_module._DEV_KEY == privacy.DEV_KEY == ChannelSettings().log_hash_key
            == ActionSettings().log_hash_key)


def test_the_key_changes_the_hash() -> None:
    assert rasa_hash("tw123", "one") != rasa_hash("tw123", "two")


def test_set_key_is_what_the_bare_call_uses(monkeypatch) -> None:
    from bot import conversation_hash as module

    monkeypatch.setattr(module, "_key", module._key)  # restored after the test
    module.set_key("one")
    assert rasa_hash("tw123") == rasa_hash("tw123", "one") == action_server_hash("tw123", "one")
