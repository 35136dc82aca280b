"""The process's one sentence encoder (loaded once; about 90 MB of weights, ~0.5 s)."""

from __future__ import annotations

import logging
import threading

from actions.embeddings.cache import CachedEncoder
from actions.embeddings.model import ModelMissing

log = logging.getLogger(__name__)

_lock = threading.Lock()
_encoder: CachedEncoder | None = None
_tried = False


def default_encoder() -> CachedEncoder | None:
    """MiniLM from models/minilm with the disk cache; None (logged once) if it is not extracted,
    so the word-based matchers keep working without it."""
    global _encoder, _tried
    if _tried:
        return _encoder
    with _lock:
        if not _tried:
            try:
                from actions.embeddings.encoder import MiniLMEncoder

                _encoder = CachedEncoder(MiniLMEncoder())
            except ModelMissing as exc:
                log.error("sentence encoder unavailable: semantic matching off",
                          extra={"error": str(exc)})
            _tried = True
    return _encoder
