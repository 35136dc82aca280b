"""Our Rasa input/output channels (loaded by Rasa from bot/credentials.yml).

In the Rasa process, loading them also installs the log filter that keeps patient text out of
Rasa's error logs and the Rasa hot-path fixes, and sets the key of the conversation hash in logs
from the settings (bot/channels/settings.py). The pure helpers here (sms_render,
request_validation, settings, ...) are imported by tests in the 3.11 venv, where rasa is absent."""

import importlib.util

if importlib.util.find_spec("rasa") is not None:
    from bot import conversation_hash, degraded, log_privacy, rasa_speedups, safety_gate
    from bot.channels.settings import ChannelSettings

    conversation_hash.set_key(ChannelSettings.from_env().log_hash_key)
    log_privacy.install()
    rasa_speedups.install()
    # Every patient message is screened for red flags and crisis before anything else.
    safety_gate.install()
    # A turn that cannot run (Redis down, a failed turn) still answers, 911 / 988 first.
    degraded.install()
