"""Rasa SDK action server for the triage assistant.

Rasa SDK imports this package and every submodule and registers each Action subclass it finds.
Actions are thin adapters: the logic lives in ``actions.core`` (pure Python, no rasa imports).
"""

from actions.log_setup import configure_logging

configure_logging()
