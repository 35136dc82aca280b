"""all-MiniLM-L6-v2 with transformers: mean pooling over the attention mask, then L2
normalisation — what sentence-transformers does for this model (modules.json: Transformer,
Pooling(mean), Normalize). Loaded from the extracted folder only; nothing is downloaded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from actions.embeddings.model import DEFAULT_MODEL_DIR, ModelMissing, is_extracted, model_key

MAX_TOKENS = 256  # sentence_bert_config.json max_seq_length
BATCH = 32
# One thread per pass: a few short clauses gain nothing from a second thread, and on a busy
# 2-core machine two OpenMP threads spin-wait for each other (measured 2026-12-02 under load:
# p50 756 ms with 2 threads, 89 ms with 1). The previous count is restored after each pass.
THREADS = 1


class MiniLMEncoder:
    """Thread-safe: one forward pass at a time (torch already uses both cores per pass)."""

    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR) -> None:
        if not is_extracted(model_dir):
            raise ModelMissing(f"{model_dir} is not extracted; run: "
                               "make setup (or python -m actions.embeddings.model)")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(model_dir), local_files_only=True,
                                               dtype=torch.float32)
        self.model.eval()
        self.model_id = model_key(model_dir)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        torch = self._torch
        rows: list[np.ndarray] = []
        with self._lock, torch.inference_mode():
            previous = torch.get_num_threads()
            torch.set_num_threads(THREADS)
            try:
                rows.extend(self._passes(texts))
            finally:
                torch.set_num_threads(previous)
        return np.concatenate(rows)

    def _passes(self, texts: Sequence[str]) -> list[np.ndarray]:
        torch = self._torch
        rows = []
        for start in range(0, len(texts), BATCH):
            batch = self.tokenizer(list(texts[start: start + BATCH]), padding=True,
                                   truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            rows.append(pooled.numpy().astype(np.float32))
        return rows
