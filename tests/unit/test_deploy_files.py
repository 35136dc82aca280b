"""The container and Kubernetes files (docker/) are derived from the native stack, and nothing
can run them here (no container engine): so every command, port and setting they use must exist
in scripts/stack.py / scripts/cluster.py and the README — a drift fails this test."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import cluster
from scripts.stack import ROOT, Stack

DOCKER = ROOT / "docker"
DOCKERFILES = sorted(DOCKER.glob("*.Dockerfile"))
K8S = sorted((DOCKER / "k8s").glob("*.yaml"))
NATIVE = (ROOT / "scripts" / "stack.py").read_text() + (ROOT / "scripts" / "cluster.py").read_text()
README = (ROOT / "README.md").read_text()
# Variables of the third-party images themselves (postgres), and the shell's PATH.
FOREIGN = {"PATH", "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")


def documented_settings() -> set[str]:
    section = README.split("## Settings (environment variables)", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", section))


def set_by_native_stack() -> set[str]:
    return set(re.findall(r'"([A-Z][A-Z0-9_]+)"\s*:', NATIVE))


def dockerfile_cmd(path: Path) -> list[str]:
    text = path.read_text().replace("\\\n", " ")
    (cmd,) = re.findall(r"^CMD (\[.*\])$", text, flags=re.M)
    return yaml.safe_load(cmd)


def dockerfile_env(path: Path) -> set[str]:
    text = path.read_text().replace("\\\n", " ")
    names = set()
    for line in re.findall(r"^ENV (.*)$", text, flags=re.M):
        names |= set(re.findall(r"([A-Z][A-Z0-9_]+)=", line))
    return names


def words(cmd: list[str]) -> list[str]:
    """A command's words; `sh -c "exec ..."` is opened up."""
    if cmd[:2] == ["sh", "-c"]:
        return shlex.split(cmd[2].replace('"$', '"'))
    return cmd


def k8s_documents() -> list[Any]:
    return [doc for path in K8S for doc in yaml.safe_load_all(path.read_text()) if doc]


def all_container_commands() -> list[list[str]]:
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    cmds = [words(dockerfile_cmd(p)) for p in DOCKERFILES]
    cmds += [words(s["command"]) for s in compose["services"].values()
             if "command" in s and str(s.get("image", "")).startswith("triage-")]
    for doc in k8s_documents():
        for container in _containers(doc):
            if "command" in container:
                cmds.append(words(container["command"]))
        if "command" in doc and "args" in doc:  # a chart's values: command + args
            cmds.append(words([*doc["command"], *doc["args"]]) if doc["command"][:2] != [
                "sh", "-c"] else words(["sh", "-c", doc["args"][0]]))
    return cmds


def _containers(doc: dict) -> list[dict]:
    spec = doc.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("containers", []) if isinstance(spec, dict) else []


def all_env_names() -> set[str]:
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    names = set().union(*(dockerfile_env(p) for p in DOCKERFILES))
    for name, service in compose["services"].items():
        if str(service.get("image", "")).startswith("triage-") or name == "console":
            names |= set(service.get("environment", {}))
    for doc in k8s_documents():
        for entry in doc.get("extraEnv", []):
            names.add(entry["name"])
        for container in _containers(doc):
            names |= {e["name"] for e in container.get("env", [])}
    return names


def test_the_files_exist_and_the_readme_shows_how_to_use_them() -> None:
    assert {p.name for p in DOCKERFILES} == {"rasa.Dockerfile", "actions.Dockerfile",
                                             "console.Dockerfile"}
    assert "docker compose -f docker/compose.yml" in README
    for path in K8S:
        assert path.name in README or path.name in (DOCKER / "k8s" / "README.md").read_text()


def test_the_compose_load_balancer_is_the_one_make_cluster_generates() -> None:
    assert (DOCKER / "nginx.conf").read_text() == cluster.docker_nginx_config()
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    services = set(compose["services"])
    for upstream in cluster.COMPOSE_RASA + cluster.COMPOSE_ACTIONS:
        assert upstream.split(":")[0] in services


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_images_are_multi_stage_non_root_with_a_healthcheck(path: Path) -> None:
    text = path.read_text()
    assert len(re.findall(r"^FROM ", text, flags=re.M)) >= 2
    assert re.search(r"^USER 10001$", text, flags=re.M)
    assert "HEALTHCHECK" in text


def test_the_rasa_command_is_the_native_one() -> None:
    native = Stack(log_dir=Path("/nonexistent"), rasa_port=5005).rasa_cmd()
    flags = [w for w in native if w.startswith("--")]
    rasa_cmds = [c for c in all_container_commands() if "rasa" in c[:2] and "run" in c]
    assert len(rasa_cmds) == 2  # the image and the chart's values
    for cmd in rasa_cmds:
        assert set(flags) <= set(cmd), cmd
        assert cmd[cmd.index("--port") + 1] == "5005"
        assert cmd[cmd.index("--endpoints") + 1] == native[native.index("--endpoints") + 1]
        assert cmd[cmd.index("--credentials") + 1] == native[native.index("--credentials") + 1]


def test_every_command_word_exists_in_the_native_stack() -> None:
    for cmd in all_container_commands():
        for word in cmd:
            if word.startswith("-") or re.fullmatch(r"[a-z_]+(\.[a-z_]+)+|console|rasa_sdk",
                                                    word):
                assert f'"{word}"' in NATIVE or word in ("-c", "exec"), (word, cmd)


def test_every_port_is_a_native_default() -> None:
    native_ports = {int(p) for p in re.findall(r"\b(\d{4})\b", NATIVE)}
    texts = [p.read_text() for p in [*DOCKERFILES, DOCKER / "compose.yml", *K8S]]
    used = set()
    for text in texts:
        used |= {int(p) for p in re.findall(r"EXPOSE (\d+)", text)}
        used |= {int(p) for p in re.findall(r":(\d{4})\b", text)}
        used |= {int(p) for p in re.findall(r"--port\W+(\d{4})", text)}
        used |= {int(p) for p in re.findall(r"port: \"?(\d{4})", text, flags=re.I)}
    assert used, "no ports found"
    standard = {6379, 5432}  # Redis and PostgreSQL: the README's URLs
    for port in used - standard:
        assert port in native_ports, port
    for port in used & standard:
        assert str(port) in README


def test_every_setting_is_documented_or_set_by_the_native_stack() -> None:
    names = all_env_names()
    assert {"REDIS_URL", "SCHEDULING_DB_URL", "RASA_TOKEN", "ACTION_ENDPOINT_URL"} <= names
    known = documented_settings() | set_by_native_stack() | FOREIGN
    assert all(ENV_NAME.match(n) for n in names)
    assert sorted(names - known) == []
