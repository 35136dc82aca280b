"""Our Rasa input/output channels (loaded by Rasa from bot/credentials.yml).

Loading them also installs, in the Rasa process, the log filter that keeps patient text out of
Rasa's error logs and the cached validator for action-server responses."""

from bot import log_privacy, rasa_speedups

log_privacy.install()
rasa_speedups.install()
