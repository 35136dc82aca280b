"""Load the symptom lexicon (data/triage/lexicon.yml) into plain Python objects.

Kept free of spaCy so that rule validation and tests can use concept ids without building a
pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LEXICON = REPO_ROOT / "data" / "triage" / "lexicon.yml"
DEFAULT_CONTEXT_RULES = REPO_ROOT / "data" / "triage" / "context.yml"

CATEGORIES = {"symptom", "crisis", "context", "modifier", "idiom"}

# "<part> hurts" family of phrasings, shared by every body part so that coverage is uniform.
_PAIN_WORDS = (
    r"(?:pain|pains|ache|aches|aching|achy|hurts?|hurting|soreness|sore|discomfort|cramps?|cramping|"
    r"throbbing|stabbing pain|sharp pain|burning pain|killing me|is killing me|murdering me)"
)
_BODY_PART_TEMPLATES = (
    r"{part} " + _PAIN_WORDS,
    r"(?:pain|pains|ache|aching|hurts?|hurting|soreness|discomfort|cramps?|cramping|"
    r"tenderness|agony) "
    # "pain in the back of my head", and without the article: "pain in lower left of my belly"
    r"(?:in|on|at|around|behind|under|across) (?:(?:the )?(?:\w+ ){1,2}of )?"
    r"(?:{POSS} )?{SIDE}{part}",
    r"(?:sore|painful|aching|achy|hurting|tender|throbbing|swollen) {SIDE}{part}",
    r"{POSS} {SIDE}{part} {BE}{INT}"
    r"(?:sore|hurting|painful|aching|killing me|murdering me|hurts?|throbbing|tender|agony|"
    r"swollen|bruised)",
    r"{part}ache",
)


@dataclass(frozen=True)
class Concept:
    """One symptom concept and every surface form that should map to it."""

    id: str
    category: str = "symptom"
    phrases: tuple[str, ...] = ()
    abbr: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    implies: tuple[str, ...] = ()
    canonical: tuple[str, ...] = ()  # phrases without the misspellings: spelling-fix targets


@dataclass(frozen=True)
class Lexicon:
    concepts: dict[str, Concept]
    shorthand: dict[str, str] = field(default_factory=dict)

    def vocabulary(self) -> set[str]:
        """Lower-case words used in literal phrases: the targets of fuzzy spelling correction."""
        words: set[str] = set()
        for concept in self.concepts.values():
            if concept.category == "idiom":
                continue
            for phrase in concept.canonical:
                words.update(w for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) >= 4)
        return words

    def implied(self, concept_id: str) -> set[str]:
        """Transitive closure of `implies` (a specific finding also counts as its general one)."""
        seen: set[str] = set()
        stack = [concept_id]
        while stack:
            cid = stack.pop()
            for nxt in self.concepts[cid].implies if cid in self.concepts else ():
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen


_SIDE = r"(?:(?:left|right|lower|upper|bottom|top|middle|inner|outer|front|back) ){0,2}"


def _expand(pattern: str, macros: dict[str, str]) -> str:
    pattern = pattern.replace("{SIDE}", _SIDE)
    for name, value in macros.items():
        pattern = pattern.replace("{" + name + "}", value)
    return pattern


def _compile(pattern: str, macros: dict[str, str], where: str) -> re.Pattern[str]:
    expanded = _expand(pattern, macros)
    if re.search(r"\{[A-Z]+\}", expanded):
        raise ValueError(f"{where}: unknown macro in pattern {pattern!r}")
    try:
        # Whole-word match: a pattern never starts or ends inside a word.
        return re.compile(r"(?<![\w])(?:" + expanded + r")(?![\w])")
    except re.error as exc:
        raise ValueError(f"{where}: bad regex {pattern!r}: {exc}") from exc


def parse_lexicon(data: dict) -> Lexicon:
    macros: dict[str, str] = {k: str(v) for k, v in (data.get("macros") or {}).items()}
    raw: dict[str, dict] = dict(data.get("concepts") or {})
    if not raw:
        raise ValueError("lexicon has no concepts")
    body_patterns: dict[str, list[str]] = {}
    for cid, parts in (data.get("body_parts") or {}).items():
        alternation = "(?:" + "|".join(re.escape(p) for p in parts) + ")"
        body_patterns[cid] = [t.replace("{part}", alternation) for t in _BODY_PART_TEMPLATES]
        raw.setdefault(cid, {})
    concepts: dict[str, Concept] = {}
    for cid, spec in raw.items():
        spec = spec or {}
        category = spec.get("category", "symptom")
        if category not in CATEGORIES:
            raise ValueError(f"concept {cid}: unknown category {category!r}")
        phrases = [str(p) for p in (spec.get("phrases") or []) + (spec.get("misspellings") or [])]
        patterns = [str(p) for p in spec.get("patterns") or []] + body_patterns.get(cid, [])
        compiled = tuple(_compile(p, macros, f"concept {cid}") for p in patterns)
        concepts[cid] = Concept(
            id=cid,
            category=category,
            phrases=tuple(dict.fromkeys(p.strip() for p in phrases if p.strip())),
            abbr=tuple(str(a) for a in spec.get("abbr") or []),
            patterns=compiled,
            implies=tuple(spec.get("implies") or []),
            canonical=tuple(str(p) for p in spec.get("phrases") or []),
        )
        if not (concepts[cid].phrases or concepts[cid].patterns or concepts[cid].abbr):
            raise ValueError(f"concept {cid}: no phrases, patterns or abbreviations")
    for concept in concepts.values():
        for target in concept.implies:
            if target not in concepts:
                raise ValueError(f"concept {concept.id}: implies unknown concept {target!r}")
    shorthand = {str(k).lower(): str(v).lower() for k, v in (data.get("shorthand") or {}).items()}
    return Lexicon(concepts=concepts, shorthand=shorthand)


@lru_cache(maxsize=4)
def load_lexicon(path: str | Path = DEFAULT_LEXICON) -> Lexicon:
    with open(path, encoding="utf-8") as fh:
        return parse_lexicon(yaml.safe_load(fh))


@lru_cache(maxsize=4)
def load_context_rules(path: str | Path = DEFAULT_CONTEXT_RULES) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    rules = tuple(data.get("rules") or [])
    if not rules:
        raise ValueError(f"{path}: no ConText rules")
    return rules
