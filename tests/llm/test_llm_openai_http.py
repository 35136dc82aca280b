"""OpenAI-compatible backend against a tiny loopback server speaking /v1/chat/completions."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from actions.core.guardrails.pipeline import explain_and_guard
from actions.llm.base import LLMError, LLMTimeout, LLMUnavailable
from actions.llm.factory import backend_from_env
from actions.llm.openai_http import OpenAIChatBackend, OpenAISettings
from actions.llm.prompt import load_prompt

GOOD = {
    "facts": ["headache"],
    "suggested_disposition": "urgent",
    "explanation": "A very bad headache should be checked by a clinician soon.",
}


class Handler(BaseHTTPRequestHandler):
    # the server carries `mode` (set per test) and `seen` (requests received)

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        mode = self.server.mode
        self.server.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path != "/v1/chat/completions":
            return self._send(404, {"error": "not found"})
        if mode == "500":
            return self._send(
                500, {"error": {"message": "internal error echoing " + json.dumps(body)}}
            )
        if mode == "slow":
            time.sleep(2.0)
        if mode == "malformed":
            return self._send(200, {"choices": []})
        if mode == "drip":
            payload = json.dumps(self._completion(json.dumps(GOOD))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            for i in range(0, len(payload), 8):
                self.wfile.write(payload[i : i + 8])
                self.wfile.flush()
                time.sleep(0.05)
            return None
        return self._send(200, self._completion(json.dumps(GOOD)))

    @staticmethod
    def _completion(text: str) -> dict:
        return {
            "id": "cmpl-1",
            "object": "chat.completion",
            "model": "test-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
        }

    def _send(self, status: int, obj: dict):
        data = json.dumps(obj).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.mode = "ok"
    srv.seen = []
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def make(server, **kw) -> OpenAIChatBackend:
    host, port = server.server_address
    settings = OpenAISettings(base_url=f"http://{host}:{port}/v1", model="test-model", **kw)
    return OpenAIChatBackend(settings)


MSGS = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]


def test_completion_roundtrip_and_request_shape(server):
    b = make(server, api_key="sk-test-123")
    text = b.complete(MSGS, max_tokens=32, timeout_s=5)
    assert json.loads(text) == GOOD
    req = server.seen[0]
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["Authorization"] == "Bearer sk-test-123"
    assert req["body"]["model"] == "test-model"
    assert req["body"]["max_tokens"] == 32 and req["body"]["temperature"] == 0
    assert req["body"]["messages"] == MSGS
    assert b.model_id == "openai/test-model"


def test_api_key_never_in_repr(server):
    b = make(server, api_key="sk-secret-999")
    assert "sk-secret-999" not in repr(b.settings)


def test_no_auth_header_without_key(server):
    make(server).complete(MSGS, max_tokens=8, timeout_s=5)
    assert "Authorization" not in server.seen[0]["headers"]


def test_timeout_raises_llm_timeout_quickly(server):
    server.mode = "slow"
    b = make(server)
    t0 = time.monotonic()
    with pytest.raises(LLMTimeout):
        b.complete(MSGS, max_tokens=8, timeout_s=0.3)
    assert time.monotonic() - t0 < 1.5


def test_slow_drip_is_cut_by_the_overall_deadline(server):
    server.mode = "drip"  # each chunk arrives well within the per-read timeout
    with pytest.raises(LLMTimeout):
        make(server).complete(MSGS, max_tokens=8, timeout_s=0.5)


def test_settings_timeout_caps_the_call(server):
    server.mode = "slow"
    with pytest.raises(LLMTimeout):
        make(server, timeout_s=0.3).complete(MSGS, max_tokens=8, timeout_s=30)


def test_http_500_raises_llm_error_without_echoing_the_body(server):
    server.mode = "500"
    with pytest.raises(LLMError) as e:
        make(server).complete(
            [{"role": "user", "content": "my private symptoms"}], max_tokens=8, timeout_s=5
        )
    assert not isinstance(e.value, LLMTimeout)
    assert "500" in str(e.value) and "private" not in str(e.value)


def test_malformed_response_raises_llm_error(server):
    server.mode = "malformed"
    with pytest.raises(LLMError):
        make(server).complete(MSGS, max_tokens=8, timeout_s=5)


def test_connection_refused_is_llm_error():
    b = OpenAIChatBackend(OpenAISettings(base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(LLMError):
        b.complete(MSGS, max_tokens=8, timeout_s=2)


def test_pipeline_over_http_full_answer_and_500(server):
    prompt = load_prompt()
    b = make(server)
    r = explain_and_guard("I have a very bad headache", "routine", False, b, prompt)
    assert r.disposition == "urgent" and r.explanation_source == "llm"
    assert r.model_id == "openai/test-model"
    assert server.seen[-1]["body"]["messages"][-1] == {
        "role": "assistant",
        "content": prompt.assistant_prefill,
    }
    server.mode = "500"
    r = explain_and_guard("I have a very bad headache", "routine", False, b, prompt)
    assert r.disposition == "routine" and r.fallback_reason == "llm_error"
    server.mode = "slow"
    r = explain_and_guard("I have a very bad headache", None, False, b, prompt, timeout_s=0.3)
    assert (r.disposition, r.offer_human, r.fallback_reason) == ("urgent", True, "llm_timeout")


def test_factory_from_env(server):
    host, port = server.server_address
    env = {
        "LLM_BACKEND": "openai",
        "LLM_BASE_URL": f"http://{host}:{port}/v1",
        "LLM_MODEL": "m1",
        "LLM_API_KEY": "k",
        "LLM_TIMEOUT_S": "2.5",
    }
    b = backend_from_env(env)
    assert isinstance(b, OpenAIChatBackend)
    assert b.settings == OpenAISettings(
        base_url=env["LLM_BASE_URL"], model="m1", timeout_s=2.5, api_key="k"
    )
    assert backend_from_env({"LLM_BACKEND": "none"}) is None
    local = backend_from_env({})
    assert type(local).__name__ == "LocalTransformersBackend"
    assert (
        backend_from_env({"LLM_BACKEND": "local", "LLM_LOCAL_DTYPE": "float32"}).dtype == "float32"
    )
    with pytest.raises(LLMUnavailable):
        backend_from_env({"LLM_BACKEND": "gpt-from-the-cloud"})
    with pytest.raises(LLMUnavailable):
        backend_from_env({"LLM_BACKEND": "openai", "LLM_BASE_URL": "file:///etc/passwd"})
