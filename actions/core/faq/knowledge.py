"""Load and validate the clinic's FAQ entries (data/faq/*.yml, one file per topic).

Why strict validation: the entries are written by clinic staff, not developers, and a typo in a
field name or an answer too long for one SMS should fail loudly at load (and in CI), naming the
file and entry, rather than silently produce a worse answer for patients.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_FAQ_DIR: Path = Path(__file__).resolve().parents[3] / "data" / "faq"

# An answer must fit an SMS thread (the channel splits at 320 chars; the source line follows it).
MAX_ANSWER_CHARS = 300
MIN_ALTERNATES = 4
MAX_ALTERNATES = 8
SITE_PREFIX = "https://riversidefamilyhealth.example/"

_REQUIRED = ("id", "question", "alternates", "answer", "page", "url")
_OPTIONAL = ("keywords", "source", "status")
_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


class FaqError(ValueError):
    """The FAQ files are invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class FaqEntry:
    id: str
    topic: str
    question: str
    alternates: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str
    page: str
    url: str
    source: str | None
    status: bool = False  # the answer tells how to check the status of something (a refill...)


def faq_files(directory: Path = DEFAULT_FAQ_DIR) -> list[Path]:
    """Topic files in load order. Files starting with "_" are helper data, not entries."""
    return sorted(p for p in directory.glob("*.yml") if not p.name.startswith("_"))


def _text(value: object, where: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FaqError(f"{where}: '{field}' must be a non-empty string")
    return " ".join(value.split())


def _texts(value: object, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FaqError(f"{where}: '{field}' must be a list of strings")
    return tuple(_text(v, where, field) for v in value)


def _entry(raw: object, topic: str, where: str) -> FaqEntry:
    if not isinstance(raw, dict):
        raise FaqError(f"{where}: each entry must be a mapping of fields")
    entry_id = raw.get("id")
    if isinstance(entry_id, str):
        where = f"{where} (id {entry_id})"
    missing = [f for f in _REQUIRED if f not in raw]
    if missing:
        raise FaqError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise FaqError(f"{where}: unknown field(s) {', '.join(unknown)} "
                       f"(allowed: {', '.join(_REQUIRED + _OPTIONAL)})")
    entry_id = _text(raw["id"], where, "id")
    if not _ID_RE.match(entry_id):
        raise FaqError(f"{where}: id must be snake_case (lower case letters, digits, '_')")
    alternates = _texts(raw["alternates"], where, "alternates")
    if not MIN_ALTERNATES <= len(alternates) <= MAX_ALTERNATES:
        raise FaqError(f"{where}: needs {MIN_ALTERNATES}-{MAX_ALTERNATES} alternates, "
                       f"has {len(alternates)}")
    keywords = _texts(raw.get("keywords") or [], where, "keywords")
    answer = _text(raw["answer"], where, "answer")
    if len(answer) > MAX_ANSWER_CHARS:
        raise FaqError(f"{where}: answer has {len(answer)} characters, "
                       f"at most {MAX_ANSWER_CHARS} fit an SMS")
    url = _text(raw["url"], where, "url")
    if not url.startswith(SITE_PREFIX):
        raise FaqError(f"{where}: url must be a page of the clinic site ({SITE_PREFIX}...)")
    source = raw.get("source")
    if source is not None:
        source = _text(source, where, "source")
        if not source.startswith("https://"):
            raise FaqError(f"{where}: source must be a public https:// URL")
    status = raw.get("status", False)
    if not isinstance(status, bool):
        raise FaqError(f"{where}: status must be true or false")
    return FaqEntry(
        id=entry_id, topic=topic, question=_text(raw["question"], where, "question"),
        alternates=alternates, keywords=keywords, answer=answer,
        page=_text(raw["page"], where, "page"), url=url, source=source, status=status,
    )


def load_faq(directory: Path = DEFAULT_FAQ_DIR) -> list[FaqEntry]:
    """All entries of all topic files; raises FaqError on the first problem found."""
    files = faq_files(directory)
    if not files:
        raise FaqError(f"no FAQ files (*.yml) in {directory}")
    entries: list[FaqEntry] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise FaqError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(data, list) or not data:
            raise FaqError(f"{path.name}: must be a non-empty list of entries")
        for index, raw in enumerate(data, start=1):
            entry = _entry(raw, path.stem, f"{path.name} entry {index}")
            if entry.id in seen:
                raise FaqError(f"{path.name}: duplicate id '{entry.id}' (also in {seen[entry.id]})")
            seen[entry.id] = path.name
            entries.append(entry)
    return entries
