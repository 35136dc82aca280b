"""Rasa SDK action server for the triage assistant.

Rasa SDK imports this package and every submodule and registers each Action subclass it finds.
Actions are thin adapters: the logic lives in ``actions.core`` (pure Python, no rasa imports).
Settings are read from the environment once (``actions.settings.current()``) and handed to the
core from here and the adapters.
"""

from actions import settings
from actions.core import privacy
from actions.log_setup import configure_logging

configure_logging(settings.current().log_level)
privacy.set_key(settings.current().log_hash_key)

# The action server loads its models and starts its background work at start
# (scripts/action_server.py), not here: the staff console imports this package too.
