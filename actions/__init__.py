"""Rasa SDK action server for the triage assistant.

Rasa SDK imports this package and every submodule and registers each Action subclass it finds.
Actions are thin adapters: the logic lives in ``actions.core`` (pure Python, no rasa imports).
"""

import os

from actions.log_setup import configure_logging

configure_logging()

# The action server (scripts/stack.py sets ACTION_SERVER_WARMUP=1) loads the spaCy pipeline and
# the LLM while it starts; library use (tests, the batch CLI) loads them lazily instead.
if os.environ.get("ACTION_SERVER_WARMUP") == "1":
    from actions.triage.service import warm_up

    warm_up()
