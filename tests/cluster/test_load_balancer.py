"""The generated nginx config, against two tiny upstreams (no Rasa needed): round-robin, every
header passed through unchanged (API tokens, Twilio signatures, the action server's shared-token
header), Host kept for Twilio signatures, a dead copy skipped, a POST never sent twice."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.cluster import nginx_binary, nginx_config
from scripts.stack import free_port


class Upstream:
    """Answers every request with its own name and the headers it received."""

    def __init__(self, name: str, status: int = 200) -> None:
        self.name, self.status, self.posts = name, status, 0
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                if self.command == "POST":
                    upstream.posts += 1
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({"name": upstream.name, "headers": dict(self.headers)}).encode()
                self.send_response(upstream.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def balanced(tmp_path: Path) -> Iterator[tuple[str, str, list[Upstream], int]]:
    rasa = [Upstream("rasa-a"), Upstream("rasa-b")]
    actions = [Upstream("act-a"), Upstream("act-b", status=502)]
    dead = free_port()  # nothing listens here: a crashed copy
    lb, lb_actions = free_port(), free_port()
    (tmp_path / "spool").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(
        [f"127.0.0.1:{u.port}" for u in rasa] + [f"127.0.0.1:{dead}"],
        [f"127.0.0.1:{u.port}" for u in actions], f"127.0.0.1:{lb}", f"127.0.0.1:{lb_actions}",
        tmp_path, "nobody nogroup" if os.geteuid() == 0 else None))
    proc = subprocess.Popen([nginx_binary(), "-p", str(tmp_path), "-c", str(conf), "-e",
                             str(tmp_path / "error.log"), "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{lb}/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{lb}", f"http://127.0.0.1:{lb_actions}", actions, dead
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for u in rasa + actions:
            u.stop()


def test_the_generated_config_is_valid_nginx(tmp_path: Path) -> None:
    (tmp_path / "spool").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(["127.0.0.1:5005"], ["127.0.0.1:5055"], "127.0.0.1:8000",
                                 "127.0.0.1:5056", tmp_path))
    done = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e",
                           str(tmp_path / "error.log")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_round_robin_headers_pass_and_a_dead_copy_is_skipped(balanced) -> None:
    url, _, _, _ = balanced
    headers = {"X-Twilio-Signature": "sig==", "X-Action-Token": "shared-secret",
               "Authorization": "Bearer t"}
    seen = []
    for _ in range(6):
        r = httpx.post(f"{url}/webhooks/twilio_sms/webhook?token=abc", data={"Body": "hi"},
                       headers=headers, timeout=10)
        assert r.status_code == 200  # never the dead copy's error
        body = r.json()
        seen.append(body["name"])
        for key, value in headers.items():
            assert body["headers"][key] == value
        assert body["headers"]["Host"] == url.removeprefix("http://")
    assert set(seen) == {"rasa-a", "rasa-b"}


def test_a_post_that_reached_a_copy_is_not_sent_again(balanced) -> None:
    _, actions_url, actions, _ = balanced
    statuses = [httpx.post(f"{actions_url}/webhook", json={"next_action": "x"},
                           timeout=10).status_code for _ in range(4)]
    # act-b answers 502 itself: that reply goes back as it is, never retried on act-a (an
    # action such as a booking must not run twice).
    assert sorted(statuses) == [200, 200, 502, 502]
    assert actions[0].posts == 2 and actions[1].posts == 2
