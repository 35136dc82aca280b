"""A throwaway real Redis server for tests that need Redis but not the whole stack."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.stack import free_port, redis_binary, redis_ping


def _answers(port: int) -> bool:
    try:
        return redis_ping("127.0.0.1", port)
    except OSError:
        return False


@contextmanager
def throwaway_redis(data_dir: Path) -> Iterator[str]:
    """Start ``redis-server`` on a free loopback port and yield its URL; stopped on exit."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(data_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not _answers(port):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("throwaway redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
