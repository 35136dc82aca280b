"""Our Rasa input/output channels (loaded by Rasa from bot/credentials.yml).

In the Rasa process, loading them also installs the log filter that keeps patient text out of
Rasa's error logs and the Rasa hot-path fixes. The pure helpers here (sms_render,
request_validation, ...) are imported by tests in the 3.11 venv, where rasa is absent."""

import importlib.util

if importlib.util.find_spec("rasa") is not None:
    from bot import log_privacy, rasa_speedups, safety_gate

    log_privacy.install()
    rasa_speedups.install()
    # Every patient message is screened for red flags and crisis before anything else.
    safety_gate.install()
