"""A throwaway PostgreSQL server from Debian's `postgresql` package, started by us (no system
service): initdb into a fresh directory, then `postgres` on a free loopback port.

Used by `make cluster` (scripts/cluster.py) and by the tests (tests/postgres_fixtures.py), the way
scripts/stack.py starts Redis. PostgreSQL refuses to run as root, so when we are root the server
runs as the unprivileged `postgres` account the Debian package creates. Standard library only.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1
PG_USER = "triage"
PG_DATABASE = "triage"
# Debian installs the server binaries outside PATH, one directory per major version.
DEBIAN_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def pg_binary(name: str) -> str:
    for directory in DEBIAN_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(
        f"no PostgreSQL `{name}`: install Debian's server package "
        "(`sudo apt-get install -y postgresql`; no service needs to run)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as(user: pwd.struct_passwd | None) -> Callable[[], None]:
    def preexec() -> None:
        os.setsid()  # own process group: a Ctrl-C of the parent reaches us only through stop()
        if user is not None:
            os.setgid(user.pw_gid)
            os.initgroups(user.pw_name, user.pw_gid)
            os.setuid(user.pw_uid)
        # Die with the starting process (a Ctrl-C'd or crashed cluster script); set after
        # setuid, which clears it. SIGINT = PostgreSQL's fast shutdown.
        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGINT)
    return preexec


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class PostgresServer:
    """One server with one database and one password-protected role.

    ``durable=False`` (tests) turns off fsync: a throwaway server need not survive power loss,
    and initdb plus per-test schemas become several times faster.
    """

    base_dir: Path | None = None
    port: int = 0
    durable: bool = True
    keep_data: bool = False  # reuse base_dir's data (and its saved password) from a former run
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    data_dir: Path | None = None
    log_path: Path | None = None
    proc: subprocess.Popen | None = None
    _own_tmp: bool = False

    @property
    def url(self) -> str:
        pw = urllib.parse.quote(self.password, safe="")
        return f"postgresql://{PG_USER}:{pw}@127.0.0.1:{self.port}/{PG_DATABASE}"

    def _account(self) -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root needs the `postgres` account of Debian's "
                               "postgresql package") from None

    def start(self, timeout: float = 60.0) -> PostgresServer:
        account = self._account()
        if self.base_dir is None:
            self.base_dir = Path(tempfile.mkdtemp(prefix="triage-pg-"))
            self._own_tmp = True
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.base_dir / "data"
        self.log_path = self.base_dir / "postgres.log"
        saved = self.base_dir / "password"
        if self.keep_data and (self.data_dir / "PG_VERSION").exists() and saved.exists():
            self.password = saved.read_text().strip()
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self._initdb(account)
            if self.keep_data:
                saved.write_text(self.password)
                saved.chmod(0o600)
        self._run(account, timeout)
        return self

    def _initdb(self, account: pwd.struct_passwd | None) -> None:
        assert self.base_dir is not None and self.data_dir is not None
        pwfile = self.base_dir / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if account is not None:
            # The server account must own its directory and be able to reach it.
            for path in (self.base_dir, pwfile):
                os.chown(path, account.pw_uid, account.pw_gid)
            for parent in self.base_dir.parents:
                if parent.stat().st_mode & 0o001 == 0:
                    raise RuntimeError(f"{parent} is not searchable by the postgres account; "
                                       "put the server's directory elsewhere")
                if parent == Path(tempfile.gettempdir()) or parent == Path("/"):
                    break
        preexec = _run_as(account)
        initdb = subprocess.run(
            [pg_binary("initdb"), "-D", str(self.data_dir), "-U", PG_USER, f"--pwfile={pwfile}",
             "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8",
             "--locale=C.UTF-8", *([] if self.durable else ["--no-sync"])],
            capture_output=True, text=True, preexec_fn=preexec, timeout=120, check=False)
        pwfile.unlink()
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")

    def _run(self, account: pwd.struct_passwd | None, timeout: float) -> None:
        assert self.base_dir is not None and self.data_dir is not None
        assert self.log_path is not None
        preexec = _run_as(account)
        self.port = self.port or _free_port()
        settings = [
            "-c", "listen_addresses=127.0.0.1", "-c", f"port={self.port}",
            "-c", f"unix_socket_directories={self.base_dir}",
            "-c", "max_connections=200",
        ]
        if not self.durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                         "-c", "full_page_writes=off"]
        log = self.log_path.open("ab")
        if account is not None:
            os.chown(self.log_path, account.pw_uid, account.pw_gid)
        self.proc = subprocess.Popen(
            [pg_binary("postgres"), "-D", str(self.data_dir), *settings],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=preexec)
        log.close()
        deadline = time.monotonic() + timeout
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"postgres did not start:\n{tail}")
            time.sleep(0.1)

    def _ready(self) -> bool:
        if not _accepts(self.port):
            return False
        ready = subprocess.run(
            [pg_binary("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-d", PG_DATABASE,
             "-U", PG_USER], capture_output=True, check=False)
        if ready.returncode != 0:
            return False
        # The database itself: initdb makes only `postgres`; create ours once.
        create = subprocess.run(
            [pg_binary("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER,
             PG_DATABASE],
            capture_output=True, text=True, check=False,
            env={**os.environ, "PGPASSWORD": self.password})
        return create.returncode == 0 or "already exists" in create.stderr

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            # SIGINT = PostgreSQL's "fast" shutdown: roll back open transactions, then exit.
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self._own_tmp and self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(base_dir: Path | None = None, durable: bool = False
                       ) -> Iterator[PostgresServer]:
    server = PostgresServer(base_dir=base_dir, durable=durable).start()
    try:
        yield server
    finally:
        server.stop()
