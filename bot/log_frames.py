"""Where an exception came from, for a log line that holds no patient data (plain Python).

``file:line:function`` of each frame, innermost first — never the exception's message or any
local value, which could hold a patient's words. Used by the Rasa process; the action server's
JSON logs add the same field (``actions/log_setup.py``).
"""

from __future__ import annotations

import traceback
from pathlib import Path


def frames(exc: BaseException) -> str:
    return " < ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}"
                      for f in reversed(traceback.extract_tb(exc.__traceback__)))
