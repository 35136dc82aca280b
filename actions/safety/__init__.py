"""Safety screening (Rasa adapters): the screening gate's action (``gate``) and the fallback /
out-of-scope replies that screen first (``net``). The decision lives in ``actions.core.safety``."""
