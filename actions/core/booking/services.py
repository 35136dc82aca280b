"""Services people ask to book that the clinic does not provide (``not_offered`` in
data/clinic.yml): "I need a dentist" gets a plain "we don't offer that" and the visit types we do
offer, instead of a family-medicine slot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from actions.core.scheduling.clinic import DEFAULT_CLINIC_PATH, ClinicConfig, load_clinic


@dataclass(frozen=True)
class NotOffered:
    id: str
    name: str
    pattern: re.Pattern[str]


@lru_cache(maxsize=4)
def not_offered(path: Path = DEFAULT_CLINIC_PATH) -> tuple[NotOffered, ...]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    services = []
    for item in raw.get("not_offered") or []:
        words = sorted((str(w).lower() for w in item["words"]), key=len, reverse=True)
        alternation = "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in words)
        services.append(NotOffered(str(item["id"]), str(item["name"]),
                                   re.compile(rf"\b(?:{alternation})\b", re.I)))
    return tuple(services)


def unsupported(text: str) -> NotOffered | None:
    """The service asked for, when it is one we don't offer."""
    for service in not_offered():
        if service.pattern.search(text or ""):
            return service
    return None


def refusal(service: NotOffered, clinic: ClinicConfig) -> str:
    offered = ", ".join(v.name for v in clinic.visit_types.values())
    return (f"Sorry, we don't offer {service.name} at {clinic.name}. What we can book is: "
            f"{offered}. Would one of these help? If not, you can say \"stop\".")


@lru_cache(maxsize=1)
def _clinic() -> ClinicConfig:
    return load_clinic()


def refusal_for(text: str) -> str | None:
    """The refusal for a service we don't offer named in ``text`` (None when none is named)."""
    service = unsupported(text)
    return refusal(service, _clinic()) if service else None
