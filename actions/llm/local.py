"""Local transformers backend for SmolLM2-135M-Instruct (converted safetensors dir).

* The model is loaded once per process (lazily, or eagerly via ``load()`` at start-up).
* Greedy decoding (``do_sample=False``, one beam, a fixed torch seed and thread count)
  with the model's chat template; a trailing assistant message is a prefill that the model
  continues. The same prompt gives the same tokens on every run, whatever the load.
* Generation runs in a single worker thread; a ``StoppingCriteria`` checks the deadline
  between tokens, so a timeout really stops the work (not just the waiting), and calls
  are serialised so two patients never fight for the 2 CPU cores mid-token.
* ``protect``: until it says the text so far is settled (the guardrails pass "the level
  vote is written"), neither the deadline nor a queue wait stops the generation — only
  the token budget does — so the load can cost the model's sentence, never its level.
* Nothing is downloaded: ``local_files_only=True`` and HF offline env vars.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from actions.core.guardrails.schema import scan_json_object
from actions.llm.base import (
    LLMBackend,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
    Protect,
    split_prefill,
)

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path("models/llm/smollm2-135m-instruct")
_GRACE_S = 0.5  # time we give the worker to notice the deadline before giving up on it
SEED = 0  # greedy decoding samples nothing; the seed pins anything a generation config adds


def _json_closed(text: str) -> bool:
    """True once ``text`` (starting with '{') holds one balanced JSON object."""
    return text.startswith("{") and scan_json_object(text, 0)[0] is not None


class LocalTransformersBackend(LLMBackend):
    def __init__(
        self,
        model_dir: str | os.PathLike = DEFAULT_MODEL_DIR,
        *,
        dtype: str = "bfloat16",
        num_threads: int | None = None,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.dtype = dtype
        self.num_threads = num_threads
        # transformers objects, imported and loaded lazily by load(); None until then.
        self._model: Any = None
        self._tokenizer: Any = None
        self._load_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-local")
        self.load_seconds: float | None = None
        self._revision = self._read_revision()

    def _read_revision(self) -> str:
        try:
            stamp = json.loads((self.model_dir / "conversion_stamp.json").read_text())
            return str(stamp.get("source_sha256_head", ""))[:12] or "unknown"
        except (OSError, ValueError):
            return "unknown"

    @property
    def model_id(self) -> str:
        return f"local/{self.model_dir.name}@{self._revision}/{self.dtype}"

    # -- loading -----------------------------------------------------------------------
    def load(self) -> None:
        if self._model is not None:
            return
        with self._load_lock:
            if self._model is not None:
                return
            if not (self.model_dir / "config.json").is_file():
                raise LLMUnavailable(
                    f"no converted model in {self.model_dir}; run: python -m actions.llm.convert"
                )
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            t0 = time.monotonic()
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                # A fixed thread count keeps the float reductions (and so greedy's argmax)
                # identical from run to run.
                torch.set_num_threads(self.num_threads or torch.get_num_threads())
                dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16}[self.dtype]
                tok = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
                model = AutoModelForCausalLM.from_pretrained(
                    self.model_dir, dtype=dtype, local_files_only=True
                )
                model.eval()
            except KeyError as exc:
                raise LLMUnavailable(f"unsupported dtype {self.dtype!r}") from exc
            except Exception as exc:
                raise LLMUnavailable(f"cannot load {self.model_dir}: {exc}") from exc
            self._tokenizer, self._model = tok, model
            self.load_seconds = time.monotonic() - t0
            log.info("loaded %s in %.2fs", self.model_id, self.load_seconds)

    def warmup(self) -> None:
        """Load and run one tiny generation (first calls pay one-off allocation costs).
        Call it at action-server start so the first patient does not wait for it."""
        self.load()
        self.complete([{"role": "user", "content": "hi"}], max_tokens=2, timeout_s=60)

    # -- generation --------------------------------------------------------------------
    def render(self, messages: list[dict]) -> tuple[str, str]:
        """(prompt text incl. prefill, prefill) as fed to the model."""
        self.load()
        chat, prefill = split_prefill(messages)
        text = self._tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=False)
        return text + prefill, prefill

    def complete(
        self,
        messages: list[dict],
        *,
        max_tokens: int,
        timeout_s: float,
        protect: Protect | None = None,
    ) -> str:
        deadline = time.monotonic() + timeout_s
        self.load()
        prompt, prefill = self.render(messages)
        cancel = threading.Event()
        future = self._executor.submit(
            self._generate, prompt, prefill, max_tokens, deadline, cancel, protect
        )
        try:
            # With ``protect`` the worker stops itself once the protected part is written
            # (bounded by max_tokens): waiting less would let the load decide the answer.
            wait = None if protect is not None else max(0.0, deadline - time.monotonic())
            text, timed_out = future.result(timeout=None if wait is None else wait + _GRACE_S)
        except FutureTimeout:
            cancel.set()
            raise LLMTimeout(f"local generation exceeded {timeout_s:.1f}s") from None
        except LLMError:
            raise
        except Exception as exc:
            raise LLMError(f"local generation failed: {exc}") from exc
        if timed_out:
            raise LLMTimeout(f"local generation exceeded {timeout_s:.1f}s", partial=text)
        return text

    def _generate(
        self,
        prompt: str,
        prefill: str,
        max_tokens: int,
        deadline: float,
        cancel: threading.Event,
        protect: Protect | None = None,
    ) -> tuple[str, bool]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        if protect is None and (cancel.is_set() or time.monotonic() >= deadline):
            return "", True
        tok, model = self._tokenizer, self._model
        inputs = tok(prompt, return_tensors="pt", add_special_tokens=False)
        start = inputs["input_ids"].shape[1]
        state = {"timed_out": False, "settled": protect is None}
        json_mode = prefill.lstrip().startswith("{")

        class _Stop(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                text = None
                if not state["settled"]:
                    text = tok.decode(input_ids[0, start:], skip_special_tokens=True)
                    state["settled"] = bool(protect(text))
                if state["settled"] and (cancel.is_set() or time.monotonic() >= deadline):
                    state["timed_out"] = True
                    return torch.ones(input_ids.shape[0], dtype=torch.bool)
                if json_mode:
                    if text is None:
                        text = tok.decode(input_ids[0, start:], skip_special_tokens=True)
                    done = _json_closed(prefill + text)
                    return torch.full((input_ids.shape[0],), done, dtype=torch.bool)
                return torch.zeros(input_ids.shape[0], dtype=torch.bool)

        torch.manual_seed(SEED)
        with torch.inference_mode():
            out = model.generate(
                **inputs,
                max_new_tokens=max_tokens,
                do_sample=False,
                num_beams=1,
                temperature=None,
                top_p=None,
                top_k=None,
                stopping_criteria=StoppingCriteriaList([_Stop()]),
                pad_token_id=tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
            )
        text = tok.decode(out[0, start:], skip_special_tokens=True)
        return text, state["timed_out"]

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
