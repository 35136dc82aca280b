"""Acceptance: `make cluster` (scripts/cluster.py run) brings the copies up behind the load
balancer, prints the URLs, answers through it, and Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from scripts.stack import ROOT, free_port


@pytest.mark.stack  # starts a (1 x 1) cluster through the run command
def test_cluster_command_serves_through_nginx_and_ctrl_c_stops_everything(
        output_dir: Path) -> None:
    # Not tmp_path: pytest makes it 0700, and PostgreSQL runs as its own account when we are root.
    state = output_dir / "cluster-command"
    shutil.rmtree(state, ignore_errors=True)
    lb, web, console = free_port(), free_port(), free_port()
    args = [sys.executable, "scripts/cluster.py", "run", "--rasa", "1", "--actions", "1",
            "--port", str(lb), "--actions-port", str(free_port()), "--web-port", str(web),
            "--console-port", str(console), "--state-dir", str(state)]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SCHEDULING_DB_URL")}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    children: list[psutil.Process] = []
    try:
        output = ""
        deadline = time.monotonic() + 600
        while "Logs" not in output and time.monotonic() < deadline:
            line = proc.stdout.readline() if proc.stdout else ""
            assert line, f"cluster command exited early:\n{output}"
            output += line
        assert f"Load balancer  : http://127.0.0.1:{lb}/" in output
        assert f"Staff console  : http://127.0.0.1:{console}/" in output
        assert "Appointments   : embedded PostgreSQL" in output
        reply = httpx.post(f"http://127.0.0.1:{lb}/webhooks/rest/webhook",
                           json={"sender": "cluster-cmd-test", "message": "hello"}, timeout=60)
        assert "not a clinician" in reply.json()[0]["text"]

        children = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        for part in ("redis-server", "postgres", "nginx", "rasa", "scripts.action_server",
                     "console"):
            assert part in names, part
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0
        _gone, alive = psutil.wait_procs(children, timeout=30)
        assert alive == []
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{lb}/", timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        for child in children:
            if child.is_running():
                child.kill()
