"""Acceptance: the run command (`make run` = scripts/stack.py run) brings the assistant up, a REST
message gets the greeting, and Ctrl-C stops every child process it started."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from scripts.stack import ROOT, free_port


@pytest.mark.stack  # starts the whole stack through `make run`: not a quick unit test
def test_run_command_serves_greeting_and_ctrl_c_stops_everything(output_dir) -> None:
    ports = {"--rasa-port": free_port(), "--action-port": free_port(), "--web-port": free_port()}
    args = [sys.executable, "scripts/stack.py", "run"]
    for flag, port in ports.items():
        args += [flag, str(port)]
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    children: list[psutil.Process] = []
    try:
        output = ""
        deadline = time.monotonic() + 240
        while "The assistant is running" not in output and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, f"run command exited early:\n{output}"
            output += line
        while "Logs" not in output:  # the URL block after the banner ends with the logs line
            line = proc.stdout.readline()
            assert line, f"run command exited early:\n{output}"
            output += line
        assert f"http://127.0.0.1:{ports['--web-port']}/" in output
        rasa = f"http://127.0.0.1:{ports['--rasa-port']}"
        assert re.search(re.escape(rasa) + r"/webhooks/rest/webhook", output)

        reply = httpx.post(
            f"{rasa}/webhooks/rest/webhook",
            json={"sender": "run-cmd-test", "message": "hello"},
            timeout=30,
        )
        assert "not a clinician" in reply.json()[0]["text"]
        page = httpx.get(f"http://127.0.0.1:{ports['--web-port']}/", timeout=10)
        assert page.status_code == 200 and "widget.js" in page.text

        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 3  # redis, action server, rasa (+ its workers)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        _gone, alive = psutil.wait_procs(children, timeout=20)
        assert alive == []
    finally:
        if proc.poll() is None:
            proc.kill()
        for child in children:
            if child.is_running():
                child.kill()
