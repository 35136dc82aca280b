"""Vectors of fixed texts (FAQ questions and answers, lay phrasings of findings) kept on disk.

Keyed by model id + sha256 of the text, in ``var/embeddings/<model id>.npz``: a restart loads
them instead of running the model over a few hundred texts again, and editing one example only
encodes that one. Patients' messages are never written here (they are encoded per turn, in
memory only): call ``encode_fixed`` only with texts from data/.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from actions.core.semantic import SentenceEncoder

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "embeddings"


def text_key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()[:32]


class CachedEncoder:
    """An encoder whose fixed texts are cached on disk; ``encode`` (patients' words) is not."""

    def __init__(self, encoder: SentenceEncoder, cache_dir: Path = DEFAULT_CACHE_DIR) -> None:
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.path = cache_dir / f"{encoder.model_id}.npz"
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = self._load()

    def _load(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self.path) as data:
                return {k: data["vectors"][i] for i, k in enumerate(data["keys"].tolist())}
        except (OSError, ValueError, KeyError):
            return {}  # missing or unreadable: rebuilt from the texts

    def _save(self) -> None:
        keys = sorted(self._vectors)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys]))
        os.replace(tmp, self.path)  # readers never see a half-written file

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode(texts)

    def encode_fixed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(self.model_id, t) for t in texts]
        with self._lock:
            todo = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True)
                                      if k not in self._vectors))
            if todo:
                for t, v in zip(todo, self.encoder.encode(todo), strict=True):
                    self._vectors[text_key(self.model_id, t)] = v
                try:
                    self._save()
                except OSError as exc:  # a read-only checkout still works, just slower to start
                    log.warning("embedding cache not written", extra={"error": type(exc).__name__})
            if not keys:
                return np.zeros((0, 0), dtype=np.float32)
            return np.stack([self._vectors[k] for k in keys]).astype(np.float32)
