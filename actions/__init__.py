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

# The action server (scripts/stack.py sets ACTION_SERVER_WARMUP=1) loads the spaCy pipeline and
# the LLM (and the FAQ's sentence encoder) while it starts (scripts/action_server.py serves from
# one process, so this happens once); library use (tests, the batch CLI) loads them lazily instead.
if settings.current().warm_up:
    from actions.faq import faq_matcher
    from actions.triage.service import warm_up

    warm_up()
    try:
        faq_matcher()  # the encoder and the FAQ texts' vectors (from var/embeddings when cached)
    except Exception as exc:  # a warm-up failure must never take the server down
        import logging

        logging.getLogger(__name__).error("faq warm-up failed",
                                          extra={"error": type(exc).__name__})

    # Emergencies the Rasa process answered on its own while this server or Redis was down reach
    # the staff queue as soon as both are up.
    from actions.escalation.outbox import start_drainer

    start_drainer()
