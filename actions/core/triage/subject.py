"""Who is the message about? And the interview's questions rephrased for that person (pure).

A parent, partner or friend often writes for someone else ("my wife passed out", "she's breathing
weird"). Red flags count the same whoever has them (the NLP does not treat a relative as family
history unless the words are a history), but the questions read wrong in the second person: "Are
you having any trouble breathing?" to someone whose father is on the floor. ``detect_subject``
decides whether the writer speaks about another person and which pronoun fits; ``ask_about``
rewrites a question into that person's terms ("Is she having any trouble breathing?").

Regex only: this runs on every message and needs no spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SELF", "Subject", "ask_about", "detect_subject"]


@dataclass(frozen=True)
class Subject:
    """``about_other``: the symptoms are someone else's. ``pronoun``: "she" / "he" / "they" (None
    when about the writer). ``relation``: how the writer named them ("wife", "son", "friend"...)."""

    about_other: bool = False
    pronoun: str | None = None
    relation: str | None = None


SELF = Subject()

_FEMALE = tuple(
    "wife girlfriend gf fiancee fiancée mom mum mother mommy mummy mama mam ma grandma grandmother "
    "granny gran nan nana nanna sister daughter aunt auntie aunty niece granddaughter stepmom "
    "stepmum stepmother stepdaughter stepsister mother-in-law sister-in-law daughter-in-law "
    "lady woman girl"
    .split()
)
_MALE = tuple(
    "husband boyfriend bf fiance fiancé dad father daddy papa pa pops grandpa grandfather granddad "
    "grandad gramps brother son uncle nephew grandson stepdad stepfather stepson stepbrother "
    "father-in-law brother-in-law son-in-law man boy guy".split()
)
_NEUTRAL = (
    *"partner spouse baby bby child kid kiddo toddler newborn infant teen teenager friend bestie "
    "mate roommate flatmate housemate coworker co-worker colleague neighbour neighbor cousin "
    "parent grandparent boss patient client student relative sibling grandchild twin "
    "carer caregiver"
    .split(),
    "little one", "best friend",
)
_GENDER = {**{r: "she" for r in _FEMALE}, **{r: "he" for r in _MALE}}
_RELATIONS = sorted(_FEMALE + _MALE + _NEUTRAL, key=len, reverse=True)
_REL_ALT = "|".join(re.escape(r).replace(r"\ ", r"[\s-]").replace(r"\-", r"[\s-]")
                    for r in _RELATIONS)
# "my wife", "our 3 year old son", "my elderly dad", "my best friend", "my 6 week old"
_AGE = r"\d+\s*(?:-\s*)?(?:year|yr|month|mo|week|wk|day)s?(?:\s*-?\s*old)?"
_ADJ = (r"(?:" + _AGE
        + r"|little|older|younger|elderly|old|teenage|baby|best|oldest|youngest|new|sick)")
_MENTION = re.compile(
    r"\b(?:my|our|me|this|a)\s+(?:(?:" + _ADJ + r")\s+)*(?P<rel>" + _REL_ALT + r")(?:'s|s)?\b"
    r"|\b(?:my|our)\s+(?P<age>\d+\s*(?:-\s*)?(?:year|yr|month|mo|week|wk|day)s?\s*-?\s*old)\b",
    re.IGNORECASE,
)
# What follows a mention when it is a history, not something happening now.
_HISTORY_AFTER = re.compile(
    r"^\W*(?:'s\s+)?(?:had\s+(?:a\s+)?history|has\s+(?:a\s+)?history|died|passed\s+away|passed\s+on|"
    r"was\s+diagnosed|got\s+diagnosed|suffered|used\s+to|side\b|family|who\s+died)",
    re.IGNORECASE,
)
# "my dad had a stroke" is a history unless the message says it is happening now or just happened.
_HAD_AFTER = re.compile(r"^\W*(?:'s\s+)?(?:had|has\s+had)\b", re.IGNORECASE)
_RECENT = re.compile(
    r"\b(?:just|now|right now|currently|at the moment|today|tonight|"
    r"this (?:morning|afternoon|evening)|yesterday|last night|"
    r"(?:seconds?|minutes?|mins?|hours?|hrs?) ago|an hour ago|suddenly|"
    r"all of a sudden|since (?:this morning|last night|yesterday)|"
    # "my wife has had a cough for three days": an illness going on now, not a history.
    r"for (?:the (?:last|past) )?(?:a|an|\d+|one|two|three|four|five|six|seven|a few|few|"
    r"a couple of|couple of|several) (?:minutes?|hours?|days?|weeks?)|since (?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|the weekend|last week))\b",
    re.IGNORECASE,
)
_HISTORY_NEAR = re.compile(
    r"\b(?:runs?\s+in\s+(?:the|my|our)\s+famil|family\s+history|years\s+ago)", re.IGNORECASE
)
# A sentence (or clause) that starts with she/he as the one something is happening to.
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[.!?;:]\s*|\b(?:and|but|now|then|so)\s+|,\s*)(?P<p>she|he)(?:'s|s\b|\s+(?:is|was|has|had|just|"
    r"keeps|kept|can'?t|cant|cannot|won'?t|wont|isn'?t|wasn'?t|doesn'?t|didn'?t|collapsed|fell|fainted|"
    r"passed|went|started|suddenly|looks|seems|feels|felt|says|said|told|can|got|took|hit|hurt|cut|"
    r"burned|swallowed|ate|drank|threw|vomited|woke|stopped|keeps|isnt|wasnt|doesnt|didnt)\b)",
    re.IGNORECASE,
)
# The writer describing their own symptoms ("I have", "I've been vomiting", "my chest hurts").
_SELF_SYMPTOM = re.compile(
    r"\b(?:i\s+(?:have|had|got|feel|felt|keep|am\s+having|am\s+feeling|can'?t\s+(?:breathe|stop|sleep|"
    r"walk|see|move|stand|eat|swallow|feel)|think\s+i\s+(?:have|am|'m))|i'?ve\s+(?:got|been|had)|"
    r"i'?m\s+(?:having|feeling|bleeding|vomiting|dizzy|sick|in\s+pain|short\s+of|struggling|pregnant)|"
    r"my\s+(?:own\s+)?(?:chest|head|stomach|tummy|belly|back|throat|heart|leg|legs|arm|arms|eye|eyes|ear|"
    r"ears|skin|face|lips|neck|foot|feet|knee|hip|temperature|temp|breathing))\b"
    r"(?!\s+(?:a\s+)?(?:question|quick\s+question|concern|no\s+idea|to\s+ask|been\s+trying))",
    re.IGNORECASE,
)
_SHE = re.compile(r"\b(?:she|her|hers|herself|she's|shes)\b", re.IGNORECASE)
_HE = re.compile(r"\b(?:he|him|his|himself|he's|hes)\b", re.IGNORECASE)


def _normal_relation(raw: str) -> str:
    return re.sub(r"[\s-]+", " ", raw.strip().lower())


def _pronoun_for(relation: str | None, rest: str) -> str:
    """The relation's own gender, else the pronouns the writer uses after naming them."""
    if relation and relation.replace(" ", "-") in _GENDER:
        return _GENDER[relation.replace(" ", "-")]
    if relation and relation in _GENDER:
        return _GENDER[relation]
    she, he = len(_SHE.findall(rest)), len(_HE.findall(rest))
    if she > he:
        return "she"
    if he > she:
        return "he"
    return "they"


def detect_subject(text: str) -> Subject:
    """Is the writer talking about someone else? Deterministic, regex only.

    Someone else when a person is named ("my wife", "our 3 year old") or a sentence starts with
    "she"/"he" as the one things happen to, and that comes before any description of the writer's
    own symptoms. A history ("my dad had a stroke years ago", "heart disease runs in my family")
    does not make the message about that relative.
    """
    text = text or ""
    first_other: tuple[int, str | None, str | None] | None = None  # (position, relation, pronoun)
    for m in _MENTION.finditer(text):
        after = text[m.end(): m.end() + 60]
        if _HISTORY_AFTER.search(after) or (_HAD_AFTER.search(after) and not _RECENT.search(text)):
            continue
        window = text[max(0, m.start() - 60): m.end() + 80]
        if _HISTORY_NEAR.search(window):
            continue
        relation: str | None = _normal_relation(m.group("rel")) if m.group("rel") else "child"
        if m.group("age") and re.search(r"(?:month|mo|week|wk|day)", m.group("age"), re.I):
            relation = "baby"
        first_other = (m.start(), relation, None)
        break
    pm = _PRONOUN_SUBJECT.search(text)
    if pm and (first_other is None or pm.start("p") < first_other[0]):
        first_other = (pm.start("p"), None, pm.group("p").lower())
    if first_other is None:
        return SELF
    position, relation, pronoun = first_other
    own = _SELF_SYMPTOM.search(text)
    if own and own.start() < position:
        return SELF
    if pronoun is None:
        pronoun = _pronoun_for(relation, text[position:])
    return Subject(about_other=True, pronoun=pronoun, relation=relation)


# ---------------------------------------------------------------- rephrasing the questions

_FORMS = {
    #        subject, object, possessive, possessive pronoun, reflexive
    "she": ("she", "her", "her", "hers", "herself"),
    "he": ("he", "him", "his", "his", "himself"),
    "they": ("they", "them", "their", "theirs", "themselves"),
}
# Auxiliary before the subject ("Are you", "Do you"): the form that agrees with he/she.
_AUX_SINGULAR = {"are": "is", "do": "does", "have": "has", "were": "was", "'re": "'s", "'ve": "'s"}
_AUX = (
    "are", "is", "do", "does", "have", "has", "were", "was", "did", "can", "could", "will", "would",
    "should", "shall", "may", "might", "must",
)
_ADVERBS = r"(?:\s+(?:also|still|just|ever|never|really|usually|often|now|already|even|normally))*"
# Verbs that follow "you" in the questions we ask; anything else after "you" is an object.
_VERBS = tuple(
    "feel have get need take notice think know see hear press keep want use go do say remember "
    "live vomit cough breathe sleep eat drink lose pass walk wake look seem put touch move "
    "stand speak "
    "talk swallow pee hurt bleed are were can could will would should may might must".split()
)
# Whole phrases where "you" is the writer (the carer doing something), not the patient: say them
# without a person. Checked before the word-by-word rules.
_PHRASES = (
    (re.compile(r"\bwhen you press a glass (against|on) it\b", re.I),
     r"when a glass is pressed \1 it"),
    (re.compile(r"\bwhen you press a glass\b", re.I), "when a glass is pressed"),
    (re.compile(r"\((you can say|you may say|you can answer)\s+", re.I), "(It's fine to say "),
    (re.compile(r"^(you can say|you may say)\s+", re.I), "It's fine to say "),
)
_CHILD_NOUNS = r"(?:baby|child|kid|toddler|son|daughter|little one|newborn|infant|teen|teenager)"


def _cap(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _singular(word: str) -> str:
    low = word.lower()
    if low in {"have"}:
        return "has"
    if low in {"do", "go"}:
        return low + "es"
    if low in {"can", "could", "will", "would", "should", "may", "might", "must"}:
        return low
    if low == "are":
        return "is"
    if low == "were":
        return "was"
    if re.search(r"(?:s|sh|ch|x|z)$", low):
        return low + "es"
    if re.search(r"[^aeiou]y$", low):
        return low[:-1] + "ies"
    return low + "s"


def _contracted(aux: str, singular: bool) -> str:
    """"you're" -> "she's" / "they're"; "you've" -> "she's" / "they've"; 'd and 'll stay."""
    aux = aux.lower()
    return "'s" if singular and aux in {"'re", "'ve"} else aux


def ask_about(question: str, subject: Subject) -> str:
    """``question`` (written to the patient as "you") rephrased for ``subject``.

    Unchanged when the message is about the writer. "Are you..." -> "Is she...", "Do you have..." ->
    "Does he have...", "your chest" -> "her chest", "yourself" -> "herself"; a question already
    written as "they" takes the subject's pronoun too ("Did they lose consciousness?" -> "Did he
    lose consciousness?").
    """
    if not subject.about_other or not question:
        return question
    pronoun = subject.pronoun if subject.pronoun in _FORMS else "they"
    subj, obj, poss, poss_pron, refl = _FORMS[pronoun]
    singular = pronoun != "they"
    out = question
    for pattern, repl in _PHRASES:
        out = pattern.sub(repl, out)
    # The age question names "the person with the symptoms".
    be = "is" if singular else "are"
    out = re.sub(r"\b(is) the person with the symptoms\b",
                 lambda m: _cap(be, m.group(1)) + " " + subj, out, flags=re.I)
    out = re.sub(r"\byour\s+(" + _CHILD_NOUNS + r")\b", r"the \1", out, flags=re.I)

    sources = ["you"] + (["they"] if singular else [])
    for src in sources:
        aux_alt = "|".join(_AUX)

        # Inverted question: "Are you", "or are you", "Did they".
        def inverted(m: re.Match[str]) -> str:
            aux = m.group(1)
            new = _AUX_SINGULAR.get(aux.lower(), aux.lower()) if singular else aux.lower()
            return _cap(new, aux) + m.group(2) + subj

        out = re.sub(r"\b(" + aux_alt + r")(\s+)" + src + r"\b", inverted, out, flags=re.I)

        # Subject before its verb: "you are drooling", "you have ever had", "you feel".
        def declarative(m: re.Match[str]) -> str:
            verb = m.group(3)
            new = _singular(verb) if singular else verb.lower()
            return _cap(subj, m.group(1)) + m.group(2) + _cap(new, verb)

        verbs = "|".join(_VERBS)
        out = re.sub(r"\b(" + src + r")(" + _ADVERBS + r"\s+)(" + verbs + r")\b", declarative, out,
                     flags=re.I)
        out = re.sub(r"\b(" + src + r")('re|'ve|'d|'ll)\b",
                     lambda m: _cap(subj, m.group(1)) + _contracted(m.group(2), singular), out,
                     flags=re.I)
    # What is left of the second person: possessives, reflexive, objects.
    out = re.sub(r"\byourself\b", refl, out, flags=re.I)
    out = re.sub(r"\byours\b", poss_pron, out, flags=re.I)
    out = re.sub(r"\byour\b", lambda m: _cap(poss, m.group(0)), out, flags=re.I)
    out = re.sub(r"\byou\b", lambda m: _cap(obj, m.group(0)), out, flags=re.I)
    if singular:
        out = re.sub(r"\bthemselves\b", refl, out, flags=re.I)
        out = re.sub(r"\btheir\b", lambda m: _cap(poss, m.group(0)), out, flags=re.I)
        out = re.sub(r"\bthem\b", obj, out, flags=re.I)
    return out
