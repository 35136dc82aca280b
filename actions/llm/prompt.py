"""Versioned prompt files (``actions/llm/prompts/<id>_v<version>.yml``).

A prompt file holds the fixed instructions; the patient's words only ever enter through
``render(message)`` as quoted data inside the user turn, after sanitising anything that
could break out of the quotes or forge chat-template control tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

PROMPT_DIR = Path(__file__).with_name("prompts")
DEFAULT_PROMPT = "triage_v2"

# Chat-template control tokens (<|im_start|>, <|endoftext|>, [INST], <s>, ...) that a
# patient could type to forge a system turn once the text is tokenized.
_CONTROL_TOKENS = re.compile(r"<\|[^|>]{0,40}\|>|</?s>|\[/?INST\]|<<\/?SYS>>", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Example:
    message: str
    answer: str


@dataclass(frozen=True)
class Prompt:
    id: str
    version: int
    system: str
    user_template: str
    assistant_prefill: str = ""
    max_tokens: int = 64
    timeout_s: float = 8.0
    max_input_chars: int = 500
    examples: tuple[Example, ...] = field(default_factory=tuple)

    @property
    def ref(self) -> str:
        return f"{self.id}@v{self.version}"

    def sanitize(self, message: str) -> tuple[str, bool]:
        """Return (safe text, truncated?)."""
        text = _CONTROL_TOKENS.sub(" ", message or "")
        text = _CONTROL_CHARS.sub(" ", text)
        text = text.replace('"""', '"').replace("```", "'")
        text = re.sub(r"\s+", " ", text).strip()
        truncated = len(text) > self.max_input_chars
        if truncated:
            text = text[: self.max_input_chars].rsplit(" ", 1)[0] + " …"
        return text, truncated

    def _user(self, message: str) -> str:
        return self.user_template.replace("{message}", message)

    def render(self, message: str) -> list[dict]:
        """Chat messages for the patient's ``message``, ending with the assistant prefill."""
        safe, _ = self.sanitize(message)
        msgs: list[dict] = [{"role": "system", "content": self.system.strip()}]
        for ex in self.examples:
            msgs.append({"role": "user", "content": self._user(ex.message)})
            msgs.append({"role": "assistant", "content": ex.answer.strip()})
        msgs.append({"role": "user", "content": self._user(safe)})
        if self.assistant_prefill:
            msgs.append({"role": "assistant", "content": self.assistant_prefill})
        return msgs


@lru_cache(maxsize=16)
def load_prompt(name: str = DEFAULT_PROMPT, directory: Path = PROMPT_DIR) -> Prompt:
    """Load (once per process) a prompt file by name (``triage_v1``) or path."""
    path = Path(name) if name.endswith((".yml", ".yaml")) else directory / f"{name}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    required = ("id", "version", "system", "user_template")
    missing = [k for k in required if k not in data]
    if missing:
        raise ValueError(f"{path}: missing keys {missing}")
    if "{message}" not in data["user_template"]:
        raise ValueError(f"{path}: user_template must contain {{message}}")
    examples = tuple(
        Example(str(e["message"]), str(e["answer"])) for e in data.get("examples") or ()
    )
    return Prompt(
        id=str(data["id"]),
        version=int(data["version"]),
        system=str(data["system"]),
        user_template=str(data["user_template"]),
        assistant_prefill=str(data.get("assistant_prefill") or ""),
        max_tokens=int(data.get("max_tokens", 64)),
        timeout_s=float(data.get("timeout_s", 8.0)),
        max_input_chars=int(data.get("max_input_chars", 500)),
        examples=examples,
    )
