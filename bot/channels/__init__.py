"""Our Rasa input/output channels (loaded by Rasa from bot/credentials.yml).

Loading them also installs the log filter that keeps patient text out of Rasa's error logs."""

from bot import log_privacy

log_privacy.install()
