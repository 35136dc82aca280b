"""Forbidden-content detection for anything the LLM wants to show a patient.

Every check errs on the side of flagging: a false positive only swaps the model's
sentence for our templated one, a false negative could put a diagnosis, a dose or false
reassurance in front of a patient. Each hit is a ``Violation(kind, match)`` so the audit
record says exactly what was rejected and why.

Kinds: diagnosis, dosing, medication, reassurance, disclaimer, injection_echo, echo,
refusal, off_role, contact, degenerate, too_long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
MAX_EXPLANATION_CHARS = 300


@dataclass(frozen=True)
class Violation:
    kind: str
    match: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "match": self.match}


def _load_terms(name: str) -> tuple[str, ...]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return tuple(
        sorted({ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#")})
    )


def _terms_regex(terms: tuple[str, ...]) -> re.Pattern:
    # Longest first so "heart attack" wins over "attack"-like prefixes; allow a plural 's'.
    alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?:e?s)?(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def condition_terms() -> tuple[str, ...]:
    return _load_terms("conditions.txt")


@lru_cache(maxsize=1)
def drug_terms() -> tuple[str, ...]:
    return _load_terms("drugs.txt")


@lru_cache(maxsize=1)
def _condition_re() -> re.Pattern:
    return _terms_regex(condition_terms())


@lru_cache(maxsize=1)
def _drug_re() -> re.Pattern:
    return _terms_regex(drug_terms())


_I = re.IGNORECASE
_MEDICAL_SUFFIX = re.compile(r"\b[a-z]{3,}(?:itis|osis|emia|aemia|oma|pathy|algia|ectomy)\b", _I)
_SUFFIX_ALLOW = {"empathy", "sympathy", "apathy", "telepathy", "aroma", "diploma", "stoma"}

_DIAGNOSIS = [
    # "you probably have", "you might be having", "you could have got"
    re.compile(
        r"\byou(?:'ve|'re| have| are)?\s+(?:probably|likely|possibly|most likely|may|might|could"
        r"|must)"
        r"\s+(?:be\s+)?(?:have|having|has|got|suffering|developing|experiencing an?)\b",
        _I,
    ),
    # "it's probably …", "this is likely a …", "that could be …"
    re.compile(
        r"\b(?:it|this|that|these|those)(?:'s| is| are| was)?\s+(?:probably|likely|most likely"
        r"|possibly|almost certainly)"
        r"\s+(?!(?:best|a good idea|wise|worth|safest|safer|better|important|a good)\b)\w+",
        _I,
    ),
    re.compile(
        r"\b(?:it|this|that)\s+(?:could|might|may|must)\s+be\s+(?:an?|the|from|caused)\b", _I
    ),
    # "sounds like a …", "looks like an …", "consistent with", "suggestive of"
    re.compile(r"\b(?:sounds?|looks?|seems?|feels?)\s+like\s+(?:you\s+have\s+|an?\s+|the\s+)", _I),
    re.compile(
        r"\b(?:consistent with|suggestive of|indicative of|typical of|a case of|diagnosed with)\b",
        _I,
    ),
    re.compile(r"\b(?:your|the|my|a|likely|probable|possible)\s+diagnosis\b", _I),
    re.compile(r"\bI\s+(?:would\s+)?(?:diagnose|think you have|believe you have|suspect)\b", _I),
]
# "you have X" / "you've got X" / "you are suffering from X": flagged when X names a condition
_YOU_HAVE = re.compile(
    r"\byou(?:'ve got| have got| have| are having|'re having| are suffering from"
    r"|'re suffering from|"
    r" suffer from| are experiencing an?|'re experiencing an?)\s+(?:an?\s+|the\s+|some\s+)?"
    r"((?:[\w'-]+\s*){1,3})",
    _I,
)

_DOSING = [
    re.compile(
        r"\b\d+(?:[.,/]\d+)?\s*(?:mg|mcg|µg|ug|g|grams?|milligrams?|ml|mls|millilit(?:er|re)s?"
        r"|cc|units?|iu|"
        r"tablets?|tabs?|pills?|capsules?|caps|drops?|puffs?|sprays?|teaspoons?|tsps?"
        r"|tablespoons?|tbsps?|doses?|"
        r"sachets?|patch(?:es)?)\b",
        _I,
    ),
    re.compile(
        r"\b(?:one|two|three|four|five|six|half an?|a half|a couple of|an extra|another"
        r"|a double)\s+"
        r"(?:tablets?|pills?|capsules?|teaspoons?|tablespoons?|puffs?|drops?|doses?|spoonfuls?)\b",
        _I,
    ),
    re.compile(
        r"\b(?:take|taking|took|use|using|give|giving|double|chew|swallow|increase|up)\s+"
        r"(?:\d+|one|two|three|four|five|half|a couple|an extra|another|a double|extra|more)\b",
        _I,
    ),
    re.compile(r"\bevery\s+\d+(?:\s*(?:-|to)\s*\d+)?\s*(?:hours?|hrs?|h)\b", _I),
    re.compile(
        r"\b(?:once|twice|three times|four times|\d+\s*times|\d+x)\s+(?:a|per|each)\s+day\b", _I
    ),
    re.compile(r"\b(?:dose|doses|dosage|dosing|mg|mcg|milligrams?|overdose)\b", _I),
]
_MED_ADVICE = re.compile(
    r"\b(?:take|taking|use|try|start|stop|get|buy)\s+(?:some\s+|your\s+|an?\s+|the\s+|more\s+)?"
    r"(?:medicine|medication|meds|drugs?|pills?|tablets?|prescription)\b",
    _I,
)

_REASSURANCE = [
    re.compile(
        r"\b(?:it'?s|it is|that'?s|that is|this is|probably|likely|just)\s+(?:just\s+"
        r"|probably\s+)?nothing\b",
        _I,
    ),
    re.compile(
        r"\bnothing\s+(?:serious|to worry|to be (?:worried|concerned)|major|of concern|bad|wrong"
        r"|dangerous)\b",
        _I,
    ),
    re.compile(
        r"\bno\s+need\s+(?:to|for)\s+(?:\w+\s+){0,2}?(?:see|call|visit|go|worry|seek|get|contact"
        r"|book|doctor|care|help|concern)",
        _I,
    ),
    re.compile(
        r"\b(?:do not|don'?t|dont|won'?t|will not|doesn'?t|does not"
        r"|shouldn'?t)\s+(?:really\s+)?need\s+"
        r"(?:to\s+(?:see|call|go|visit|seek|get|contact|book|worry)|an?\s+(?:doctor|clinician"
        r"|nurse|appointment|visit)|"
        r"medical|care|help|treatment|attention)",
        _I,
    ),
    re.compile(
        r"\b(?:is|isn'?t|'s|are|aren'?t)\s+not\s+(?:an?\s+)?(?:emergency|urgent|serious|big deal"
        r"|concern|concerning|"
        r"worrying|worrisome|dangerous|problem|issue)\b",
        _I,
    ),
    re.compile(
        r"\bnot\s+(?:an?\s+)?(?:emergency|urgent|serious|a big deal|a concern|concerning"
        r"|worrying|dangerous|a problem)\b",
        _I,
    ),
    re.compile(r"\bno\s+(?:cause|reason)\s+for\s+(?:concern|alarm|worry)\b", _I),
    re.compile(
        r"\b(?:you'?re|you are|you will be|you'?ll be|you should be|everything is"
        r"|everything'?s)\s+(?:\w+\s+)?(?:fine|ok|okay|alright|all right)\b",
        _I,
    ),
    re.compile(
        r"\b(?:perfectly|completely|totally|quite|very|usually|probably|likely"
        r"|generally)\s+(?:normal|harmless|fine|benign|common and harmless)\b",
        _I,
    ),
    re.compile(r"\bharmless\b", _I),
    re.compile(r"\b(?:do not|don'?t|dont|no need to|needn'?t|shouldn'?t)\s+(?:\w+\s+)?worry\b", _I),
    re.compile(
        r"\b(?:will|should|usually|normally|often)\s+(?:\w+\s+)?(?:go away|pass|clear up|resolve"
        r"|get better|settle)\b",
        _I,
    ),
    re.compile(
        r"\bwait\s+and\s+see\b|\bcan\s+(?:safely\s+)?wait\b|\bnot\s+worth\s+(?:seeing|bothering"
        r"|calling)\b",
        _I,
    ),
    re.compile(r"\b(?:ignore|not worry about)\s+(?:it|this|the\s+\w+)\b", _I),
]

_DISCLAIMER = [
    re.compile(
        r"\bI\s*(?:'m| am)\s+(?:a|your|an?\s+\w+)\s+(?:doctor|physician|nurse|clinician"
        r"|medical professional|gp)\b",
        _I,
    ),
    re.compile(
        r"\bas\s+(?:a|your)\s+(?:doctor|physician|nurse|clinician|medical professional)\b", _I
    ),
    re.compile(
        r"\bthis\s+is\s+(?:professional\s+|official\s+|real\s+)?(?:medical advice|a diagnosis"
        r"|a medical opinion)\b",
        _I,
    ),
    re.compile(
        r"\b(?:ignore|skip|remove|disregard|drop|no need for|without)\s+(?:the\s+|this\s+|any\s+"
        r"|a\s+)?disclaimers?\b",
        _I,
    ),
    re.compile(r"\b(?:not|never)\s+an?\s+(?:automated|ai|bot|assistant)\b", _I),
    re.compile(r"\byou\s+can\s+trust\s+(?:me|this)\s+(?:instead|over|more)\b", _I),
]

_INJECTION = [
    re.compile(
        r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|your\s+|the\s+|my\s+"
        r"|previous\s+|prior\s+|"
        r"above\s+|earlier\s+|these\s+|those\s+|safety\s+)*(?:rules?|instructions?|prompts?"
        r"|guidelines?|system|"
        r"guardrails?|policy|policies|restrictions?|limits?)\b",
        _I,
    ),
    re.compile(r"\b(?:system|developer|hidden)\s+(?:prompt|message|instructions?|mode)\b", _I),
    re.compile(r"\b(?:new|updated|real|secret)\s+instructions?\b", _I),
    re.compile(
        r"\byou\s+are\s+now\b|\bfrom\s+now\s+on\s+you\b|\bpretend\s+(?:to\s+be|you\s+are)\b"
        r"|\bact\s+as\s+(?:a|an|my)\b",
        _I,
    ),
    re.compile(r"\bjailbreak\b|\bDAN\b|\bdo anything now\b", re.UNICODE),
    re.compile(r"<\|[^|>]*\|>|^\s*(?:system|assistant|user)\s*:", _I | re.MULTILINE),
    re.compile(r"\btell\s+(?:me|them|the patient)\s+(?:it'?s|it is|that)\b", _I),
]

_REFUSAL = re.compile(
    r"\b(?:I'?m sorry|I am sorry|I apologi[sz]e|I can(?:not|'t| not)\s+(?:help|assist|provide"
    r"|answer|give|comply|do that)|"
    r"as an ai|I'?m (?:just )?an ai|(?:a|an ai) language model|I(?:'m| am) (?:unable|not able) to|"
    r"unable to (?:help|assist|provide|comply))",
    _I,
)
# First-person voice: the model role-playing the patient ("I'm going to the hospital")
# or a clinician. Our explanation speaks *to* the patient.
_OFF_ROLE = re.compile(r"(?<![\w'])(?:I|I'm|I've|I'll|I'd|me|my|mine|myself)(?![\w'])")

_CONTACT = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\b[\w-]+\.(?:com|org|net|gov|io)\b|"
    r"(?<!\d)(?:\+?\d[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)",
    _I,
)

_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = frozenset(
    "a an the and or but of to in on at for with from by is are was were be been being have has "
    "had do does "
    "did i im i'm me my mine you your it its it's this that these those he she they them his her "
    "their our we "
    "very really so too not no yes just some any all can could would should will may might must "
    "since for "
    "about like feel feeling felt get got getting also there here than then when what which "
    "who how".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_stems(text: str) -> set[str]:
    return {w[:4] for w in _words(text) if len(w) >= 3 and w not in _STOPWORDS}


def _names_condition(phrase: str) -> str | None:
    m = _condition_re().search(phrase)
    if m:
        return m.group(0)
    for m in _MEDICAL_SUFFIX.finditer(phrase):
        if m.group(0).lower() not in _SUFFIX_ALLOW:
            return m.group(0)
    return None


def _degenerate(text: str) -> str | None:
    words = _words(text)
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - 3):
        gram = tuple(words[i : i + 4])
        seen[gram] = seen.get(gram, 0) + 1
        if seen[gram] >= 2:
            return " ".join(gram)
    return None


def _verbatim_echo(text: str, patient_text: str, n: int = 7) -> str | None:
    src = _words(patient_text)
    if len(src) < n:
        return None
    grams = {tuple(src[i : i + n]) for i in range(len(src) - n + 1)}
    out = _words(text)
    for i in range(len(out) - n + 1):
        if tuple(out[i : i + n]) in grams:
            return " ".join(out[i : i + n])
    return None


def check_explanation(text: str, *, patient_text: str = "") -> list[Violation]:
    """All reasons ``text`` must not be shown to a patient (empty list = clean)."""
    v: list[Violation] = []

    def hit(kind: str, m: re.Match | str | None) -> None:
        if m:
            v.append(Violation(kind, m if isinstance(m, str) else m.group(0)))

    if len(text) > MAX_EXPLANATION_CHARS:
        hit("too_long", f"{len(text)} chars")
    for rx in _DIAGNOSIS:
        hit("diagnosis", rx.search(text))
    for m in _YOU_HAVE.finditer(text):
        hit("diagnosis", _names_condition(m.group(1)) and m.group(0).strip())
    hit("diagnosis", _names_condition(text))
    for rx in _DOSING:
        hit("dosing", rx.search(text))
    hit("medication", _drug_re().search(text))
    hit("medication", _MED_ADVICE.search(text))
    for rx in _REASSURANCE:
        hit("reassurance", rx.search(text))
    for rx in _DISCLAIMER:
        hit("disclaimer", rx.search(text))
    for rx in _INJECTION:
        hit("injection_echo", rx.search(text))
    hit("refusal", _REFUSAL.search(text))
    hit("off_role", _OFF_ROLE.search(text))
    hit("contact", _CONTACT.search(text))
    hit("degenerate", _degenerate(text))
    if patient_text:
        hit("echo", _verbatim_echo(text, patient_text))
    # one entry per (kind, match)
    return list(dict.fromkeys(v))


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text or ""))


def check_fact(fact: str, *, patient_text: str) -> Violation | None:
    """Facts are extracted *from the patient's words*: anything not grounded in them,
    or carrying instructions, is rejected."""
    if len(fact) > 80:
        return Violation("too_long", fact[:40] + "…")
    for rx in _INJECTION:
        m = rx.search(fact)
        if m:
            return Violation("injection_echo", m.group(0))
    stems = content_stems(fact)
    if not stems:
        return Violation("empty_fact", fact)
    if patient_text and not (stems & content_stems(patient_text)):
        return Violation("ungrounded", fact)
    return None


# -- input-side flags (recorded for the audit; they never change the floor) -------------
_MINIMIZING = re.compile(
    r"\b(?:probably|it'?s (?:probably |likely )?|likely )nothing\b|\bdon'?t want to (?:bother"
    r"|be a bother|waste)|"
    r"\bnot a big deal\b|\bsorry to bother\b|\bit'?s (?:probably )?fine\b|\bjust being (?:silly"
    r"|paranoid|dramatic)\b",
    _I,
)


def input_flags(patient_text: str) -> list[str]:
    flags = []
    if any(rx.search(patient_text or "") for rx in _INJECTION):
        flags.append("injection_attempt")
    if _MINIMIZING.search(patient_text or ""):
        flags.append("minimizing_language")
    return flags
