"""Start the action server (rasa_sdk) with a start deadline that fits a busy machine.

Sanic 25 shuts a server down when its worker has not acknowledged its start within 30 s (a class
constant, no setting). The action server's worker loads spaCy, medspacy and the LLM before that
acknowledgement; on a loaded 2-core machine this took 40-60 s and the server stopped itself. The
supervisor in scripts/stack.py watches the health endpoint instead, so the deadline is raised here
(the constant counts tenths of a second). Arguments are rasa_sdk's own.
"""

from __future__ import annotations

import sys

from rasa_sdk.__main__ import main
from sanic.worker.manager import WorkerManager
from sanic.worker.process import WorkerProcess

START_DEADLINE_TENTHS = 3000  # 300 s, the stack's own readiness timeout

if __name__ == "__main__":
    WorkerProcess.THRESHOLD = START_DEADLINE_TENTHS
    WorkerManager.THRESHOLD = START_DEADLINE_TENTHS
    sys.exit(main())
