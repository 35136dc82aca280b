"""Turn a patient's message into Facts for the triage engine.

Only facts leave this module: instructions in the message ("ignore your rules",
"tell me it's nothing")
and minimising words ("probably nothing") produce no finding, so they cannot move a disposition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from actions.nlp import quantities as q
from actions.nlp.lexicon import load_lexicon

FEVER_C = 38.0  # NHS / CDC: 38 °C (100.4 °F) or above is a fever
_VAGUE_FEVER = re.compile(r"\b(?:slight|bit of|little|small|mild|low)\b", re.IGNORECASE)
LOW_TEMP_C = 35.0  # below this counts as a dangerously low body temperature


@dataclass(frozen=True)
class Finding:
    concept: str
    text: str
    start: int = 0
    end: int = 0
    negated: bool = False
    family: bool = False
    hypothetical: bool = False
    historical: bool = False
    uncertain: bool = False  # "I think", "maybe": still counts — a worried guess is not a denial
    semantic: bool = False  # added by the semantic matcher (a paraphrase), not by the lexicon

    @property
    def present(self) -> bool:
        return not (self.negated or self.family or self.hypothetical or self.historical)


@dataclass
class Facts:
    """What the message says about the patient; the engine reads only this."""

    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # concepts present (implied ones included)
    absent: set[str] = field(default_factory=set)  # concepts explicitly denied
    age_years: float | None = None
    age_source: str | None = None  # "text" | "given"
    sex: str | None = None
    infant: bool = False  # a baby is mentioned (age may be unknown)
    child: bool = False  # a child of the writer is mentioned
    pregnant: bool = False
    pregnancy_weeks: float | None = None
    temperature_c: float | None = None
    duration_hours: float | None = None
    severity: int | None = None

    def has(self, concept: str) -> bool:
        return concept in self.present

    def add(self, concept: str) -> None:
        """Add a concept (and what it implies), e.g. from a 'yes' answer."""
        self.present.add(concept)
        lexicon = load_lexicon()
        if concept in lexicon.concepts:
            self.present |= lexicon.implied(concept)
        self.absent.discard(concept)


# "my dad had chest pain twenty minutes ago" is an event happening to another person now, not a
# family history: a relative + "had" is history only when nothing in the sentence says it is
# recent. ("Died", "passed away", "was diagnosed", "runs in the family" stay histories whatever the
# sentence says.) Yesterday / last night are left out: "had a stroke last night" is usually already
# being cared for, and saying it is current would send an ambulance for a history.
_RECENT = re.compile(
    r"\b(?:just now|right now|now (?:he|she|they|his|her|their)|currently|at the moment|today|"
    r"tonight|this (?:morning|afternoon|evening)|"
    r"(?:seconds?|minutes?|mins?|hours?|hrs?) ago|an hour ago|suddenly|all of a sudden|"
    r"(?:is|'s|keeps|still|started|starting|can'?t|won'?t|isn'?t) (?:\w+ )?"
    r"(?:having|going|getting|breathing|responding|waking|sweating|shaking|vomiting|bleeding))\b",
    re.IGNORECASE,
)
_HISTORY_TRIGGER = re.compile(r"\b(?:died|dies|passed|diagnosed|history|hx|runs?|ran|family|fam)\b",
                              re.IGNORECASE)


def _family_history(ent: object, flags: object) -> bool:
    """ConText's FAMILY, unless the trigger is just "<relative> had" and the sentence is recent.
    ``flags``: the span's extension attributes (``ent._``)."""
    if not bool(flags.is_family):  # type: ignore[attr-defined]
        return False
    doc = ent.doc  # type: ignore[attr-defined]
    for mod in flags.modifiers:  # type: ignore[attr-defined]
        if mod.category != "FAMILY":
            continue
        trigger = doc[mod.modifier_span[0]: mod.modifier_span[1]].text
        if _HISTORY_TRIGGER.search(trigger):
            return True
        if not _RECENT.search(ent.sent.text):  # type: ignore[attr-defined]
            return True
    return False


# medspacy ConText compares every modifier with every finding in a doc, so its cost grows with the
# square of the message: a 20,000-character message took over 20 s in one piece. Its scopes never
# cross a sentence, so a long message is parsed in pieces of whole sentences (a run-on sentence is
# cut at a comma or a space) and the WHOLE message is still screened: nothing is truncated.
CHUNK_CHARS = 1000
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")


def _chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) covering ``text`` in order; pieces end at sentence ends where possible."""
    if len(text) <= size:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        if len(text) - start <= size:
            out.append((start, text[start:]))
            break
        window = text[start: start + size]
        cut = 0
        for m in _SENTENCE_END.finditer(window):
            cut = m.end()
        if cut < size // 4:  # no sentence end in reach: a comma, else a space, else a hard cut
            comma = window.rfind(", ")
            space = window.rfind(" ")
            cut = comma + 2 if comma >= size // 4 else (space + 1 if space >= size // 4 else size)
        out.append((start, text[start: start + cut]))
        start += cut
    return out


def _add_semantic(doc: object, nlp: object) -> set[tuple[int, int]]:
    """Add the semantic matcher's findings to the doc and run ConText over them (only them: the
    lexicon's spans keep what ConText already decided). Returns the added spans' extents."""
    from actions.nlp.pipeline import SPAN_GROUP
    from actions.nlp.semantic import semantic_findings

    matcher = semantic_findings()
    if matcher is None:
        return set()
    existing = list(doc.spans[SPAN_GROUP])  # type: ignore[attr-defined]
    added = matcher.spans(doc, existing)  # type: ignore[arg-type]
    if not added:
        return set()
    context = nlp.get_pipe("medspacy_context")  # type: ignore[attr-defined]
    doc.spans[SPAN_GROUP] = added  # type: ignore[attr-defined]
    context(doc)
    doc.spans[SPAN_GROUP] = sorted(existing + added,  # type: ignore[attr-defined]
                                   key=lambda s: (s.start, s.end))
    return {(s.start, s.end) for s in added}


# A pasted history is screened whole by the lexicon; the semantic matcher reads its first two
# pieces and its last (people write "...and now I can't breathe" last), to bound its cost.
SEMANTIC_HEAD_PIECES = 2


# A parsed piece: its findings (offsets within the piece) and its normalised text.
# Keyed by the piece's text and whether the semantic matcher read it.
ParsedPieces = dict[tuple[str, bool], tuple[tuple[Finding, ...], str]]


def _findings(text: str, parsed: ParsedPieces | None = None) -> tuple[list[Finding], str]:
    """Findings and normalised text of ``text``. Pieces already in ``parsed`` (the same words
    parsed for another text of the same message) are not parsed again; new ones are added."""
    from actions.nlp.pipeline import get_pipeline  # spaCy only when text must be parsed
    from actions.nlp.semantic import semantic_findings

    nlp = get_pipeline()
    pieces = _chunks(text)
    with_semantic = semantic_findings() is not None
    # The semantic matcher reads the first pieces and the last (see SEMANTIC_HEAD_PIECES).
    keys = [(piece, with_semantic and (n < SEMANTIC_HEAD_PIECES or n == len(pieces) - 1))
            for n, (_, piece) in enumerate(pieces)]
    known = parsed if parsed is not None else {}
    todo = [key for key in dict.fromkeys(keys) if key not in known]
    fresh = [_piece_result(doc, nlp, semantic)
             for doc, (_, semantic) in zip(nlp.pipe(piece for piece, _ in todo), todo,
                                           strict=True)]
    done = dict(zip(todo, fresh, strict=True))
    out: list[Finding] = []
    norms: list[str] = []
    for (offset, _), key in zip(pieces, keys, strict=True):
        findings, piece_norm = known[key] if key in known else done[key]
        norms.append(piece_norm)
        out.extend(replace(f, start=offset + f.start, end=offset + f.end) if offset else f
                   for f in findings)
    if parsed is not None:
        parsed.update(done)
    norm = "".join(norms) if len(norms) > 1 else norms[0]
    return out, norm or text.lower()


def _piece_result(doc: object, nlp: object,
                  with_semantic: bool) -> tuple[tuple[Finding, ...], str]:
    from actions.nlp.pipeline import SPAN_GROUP

    lexicon = load_lexicon()
    semantic = _add_semantic(doc, nlp) if with_semantic else set()
    out: list[Finding] = []
    for ent in doc.spans[SPAN_GROUP]:  # type: ignore[attr-defined]
        concept = lexicon.concepts.get(ent.label_)
        if concept is None or concept.category == "idiom":
            continue
        flags = ent._  # one extension accessor per span, not one per flag
        out.append(
            Finding(
                concept=ent.label_,
                text=ent.text,
                start=ent.start_char,
                end=ent.end_char,
                negated=bool(flags.is_negated),
                family=_family_history(ent, flags),
                hypothetical=bool(flags.is_hypothetical),
                historical=bool(flags.is_historical),
                uncertain=bool(flags.is_uncertain),
                semantic=(ent.start, ent.end) in semantic,
            )
        )
    return tuple(out), doc._.norm_text or doc.text.lower()  # type: ignore[attr-defined]


def _choose_age(
    mentions: list[q.AgeMention], given: float | None, infant: bool
) -> tuple[float | None, str | None]:
    """Whose age? A number tied to the patient in the text beats the form field, which beats the
    writer's own age; a baby in the text overrides an adult form age (the parent filled it in)."""
    others = [m.years for m in mentions if m.about_other and m.years is not None]
    if others:
        return min(others), "text"  # "my 6 week old ... I'm 30": the youngest is who we assess
    if given is not None and not (infant and given >= 2):
        return float(given), "given"
    selves = [m.years for m in mentions if not m.about_other and m.years is not None]
    if selves and not infant:
        return selves[0], "text"
    return None, None


def extract_facts(text: str, age: float | None = None, sex: str | None = None,
                  parsed: ParsedPieces | None = None) -> Facts:
    """Facts of ``text``. ``parsed``: pieces shared between texts of one message (the gate parses
    the message with and without the interview's context), so a piece is parsed once."""
    text = text or ""
    findings, norm = _findings(text, parsed) if text.strip() else ([], "")
    lexicon = load_lexicon()
    present: set[str] = set()
    absent: set[str] = set()
    for f in findings:
        if f.present:
            present.add(f.concept)
            present |= lexicon.implied(f.concept)
    for f in findings:
        if f.negated and f.concept not in present:
            absent.add(f.concept)

    infant = q.mentions_infant(norm)
    child = q.mentions_child(norm)
    age_years, age_source = _choose_age(q.parse_ages(norm), age, infant)
    temperature = q.parse_temperature_c(norm)
    if temperature is not None and temperature >= FEVER_C:
        present.add("fever")  # a measured fever counts even if the word "fever" is never used
        absent.discard("fever")
    elif temperature is not None and "fever" in present and all(
        _VAGUE_FEVER.search(f.text) for f in findings if f.concept == "fever" and f.present
    ):
        # "a slight temp of 37.8": the thermometer, not the hedged word, says whether it is a fever
        present.discard("fever")
    if temperature is not None and temperature < LOW_TEMP_C:
        present.add("low_body_temperature")
    pregnant = "pregnancy" in present
    return Facts(
        text=text,
        findings=findings,
        present=present,
        absent=absent,
        age_years=age_years,
        age_source=age_source,
        sex=_normalise_sex(sex) or q.parse_sex(norm),
        infant=infant or (age_years is not None and age_years < 1),
        child=child or (age_years is not None and age_years < 16),
        pregnant=pregnant,
        pregnancy_weeks=q.parse_pregnancy_weeks(norm) if pregnant else None,
        temperature_c=temperature,
        duration_hours=q.parse_duration_hours(norm),
        severity=q.parse_severity(norm),
    )


def _normalise_sex(sex: str | None) -> str | None:
    s = (sex or "").strip().lower()
    if s[:1] == "f" or s in {"woman", "w"}:
        return "female"
    if s[:1] == "m" or s == "man":
        return "male"
    return None
