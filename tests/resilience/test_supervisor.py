"""The stack's supervisor on throwaway children (no servers): a child that dies or stops answering
is restarted, its whole process group goes first (no orphans), restarts in a row back off, and
every event is logged."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil

from scripts.stack import Proc, Service, Stack, Supervisor


class Child:
    """A shell that forks a grandchild, like Rasa's main process and its workers."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: list[Proc] = []
        self.start()

    @property
    def current(self) -> Proc:
        return self.procs[-1]

    def start(self) -> None:
        self.procs.append(Proc("child", ["bash", "-c", "sleep 300 & sleep 300"], dict(os.environ),
                               self.log_dir / "child.log").start())
        deadline = time.monotonic() + 5
        while len(self.current.members()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)

    def restart(self) -> None:
        self.current.stop(timeout=5)
        self.start()


def supervised_child(tmp_path: Path, healthy=lambda: True) -> tuple[Supervisor, Child, Service]:
    child = Child(tmp_path)
    supervisor = Supervisor(Stack(log_dir=tmp_path, with_console=False), out=lambda _: None)
    service = Service("child", lambda: child.current, healthy, child.restart)
    supervisor.services = [service]
    return supervisor, child, service


def test_a_dead_leader_is_restarted_and_its_orphans_stopped(tmp_path: Path) -> None:
    supervisor, child, service = supervised_child(tmp_path)
    old = child.current
    group = [psutil.Process(p) for p in old.members()]
    assert len(group) == 3
    os.kill(old.pid, signal.SIGKILL)
    old.popen.wait(5)  # type: ignore[union-attr]
    supervisor.check(service)
    _gone, alive = psutil.wait_procs(group, timeout=5)
    assert alive == []  # the leader's children did not outlive it
    assert child.current is not old and child.current.alive()
    assert any("exited" in e for e in supervisor.events)
    assert any("restarted" in e for e in supervisor.events)
    assert "child exited" in (tmp_path / "supervisor.log").read_text()
    child.current.stop(timeout=5)


def test_a_child_failing_its_health_check_is_restarted_after_three_checks(tmp_path: Path) -> None:
    supervisor, child, service = supervised_child(tmp_path, healthy=lambda: False)
    old = child.current
    supervisor.check(service)
    supervisor.check(service)
    assert child.current is old
    supervisor.check(service)
    assert child.current is not old and not old.alive()
    assert any("failed 3 health checks" in e for e in supervisor.events)
    child.current.stop(timeout=5)


def test_restarts_in_a_row_back_off(tmp_path: Path) -> None:
    supervisor, child, service = supervised_child(tmp_path)
    for _ in range(2):
        os.kill(child.current.pid, signal.SIGKILL)
        child.current.popen.wait(5)  # type: ignore[union-attr]
        started = time.monotonic()
        supervisor.check(service)
    assert time.monotonic() - started >= 2.0  # the second restart in a row waited 2 s
    assert any("restarting in 2 s" in e for e in supervisor.events)
    child.current.stop(timeout=5)
