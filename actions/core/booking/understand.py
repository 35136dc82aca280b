"""What a patient's free text says about the visit they want: the details an opener ("my 7 year
old has had a cough, can we come in tomorrow after school") or a correction ("wait, it's for my
son Leo") carries.

Pure patterns, no model: each detector is small and testable, and returns None when the words do
not say. The day and time words themselves are read by ``scheduling.when.parse_when``; here we
only cut away the parts of a sentence that would mislead it ("since the weekend", "for 2 weeks",
"he's 6", "good morning").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.core.scheduling.clinic import ClinicConfig

SELF, CHILD, OTHER = "self", "child", "other"
VIDEO, IN_PERSON = "video", "in_person"
MAX_REASON_CHARS = 160

_CHILD_WORDS = (r"sons?|daughters?|kids?|child|children|baby|babies|toddler|boy|girl|little one|"
                r"newborn|infant|teen(?:ager)?|grandson|granddaughter|step-?son|step-?daughter")
_OTHER_WORDS = (r"wife|husband|partner|spouse|mom|mum|mother|dad|father|parents?|grandma|"
                r"grandmother|grandpa|grandfather|sister|brother|friend|aunt|uncle|fiance|fiancee|"
                r"boyfriend|girlfriend|neighbou?r|roommate")
_CHILD = re.compile(rf"\b(?:my|our|his|her)\s+(?:\d{{1,2}}\s*(?:yo|y/o|yrs?|years?)(?:[\s-]+old)?"
                    rf"\s+)?(?:{_CHILD_WORDS})(?:'s)?\b|\bpediatric\w*|\bpaediatric\w*|"
                    r"\bwell[\s-]?child\b|\bmy\s+\d{1,2}\s*(?:yo|y/o|yrs?|years?)[\s-]*old\b", re.I)
_OTHER = re.compile(rf"\b(?:my|our)\s+(?:{_OTHER_WORDS})(?:'s)?\b", re.I)
_FOR_ME = re.compile(r"\b(?:for\s+(?:me|myself)|it'?s\s+(?:for\s+)?me|just\s+me|i'?m\s+the\s+"
                     r"patient|myself)\b", re.I)
_AGE_PATTERNS = (
    re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.|yrs?|years?)(?:[\s-]+old)?\b", re.I),
    re.compile(r"\b(?:i'?m|i\s+am|(?:he|she)'?s|(?:he|she)\s+is|they'?re|aged?)\s+(\d{1,3})\b"
               r"(?!\s*(?:am|pm|:|/|min|minutes|hours|days|weeks|months|lbs|kg|%))", re.I),
)
_RELATION_NAME = re.compile(
    rf"\b(?:my|our)\s+(?:{_CHILD_WORDS}|{_OTHER_WORDS})(?:'s)?\s*,?\s+(?:is\s+|named\s+|called\s+)?"
    r"([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?)")
_NOT_NAMES = {"He", "She", "They", "Is", "Has", "Needs", "The", "And", "For", "At", "On", "In",
              "Tomorrow", "Today", "Next", "This", "Monday", "Tuesday", "Wednesday", "Thursday",
              "Friday", "Saturday", "Sunday", "Please", "Pls", "With", "Who", "Dr", "Doctor"}

_SITE_WORDS = {
    "north": re.compile(r"\b(north\s*side|north\s+(?:clinic|site|office|location)|oak\s+ave(?:nue)?"
                        r"|the\s+north\s+one)\b", re.I),
    "main": re.compile(r"\b(main\s+(?:clinic|site|office|location|one|building)|riverside\s+main|"
                       r"river\s+(?:road|rd))\b", re.I),
}
_VIDEO = re.compile(r"\b(video|tele\s*-?health|tele\s*-?medicine|virtual(?:ly)?|online|zoom|"
                    r"facetime|video\s+call|over\s+(?:the\s+)?(?:camera|video)|from\s+home|remote(?:ly)?)\b",
                    re.I)
_IN_PERSON = re.compile(r"\b(in[\s-]?person|face[\s-]to[\s-]face|not\s+(?:a\s+)?(?:video|virtual|"
                        r"online)|come\s+in\s+person|at\s+the\s+(?:clinic|office))\b", re.I)
_NP = re.compile(r"\b(the\s+np|nurse\s+practitioner|np)\b", re.I)
_PEDIATRICIAN = re.compile(r"\b(p(?:a)?ediatrician|kids'?\s+doctor|children'?s\s+doctor)\b", re.I)

_VACCINE = re.compile(r"\b(vaccin\w*|vax\w*|shots?|jabs?|flu\s+shot|booster|immuni[sz]\w*|tetanus|"
                      r"shingles|hpv|mmr|covid\s+(?:shot|vaccine|booster)|tdap)\b", re.I)
_PHYSICAL = re.compile(r"\b(physicals?|physcial|phyiscal|annual(?:\s+exam)?|yearly|check[\s-]?ups?|"
                       r"exam|chec?k\s?ups?|chekups?|cheackup|wellness|well[\s-]?child|routine\s+exam|"
                       r"regular\s+check\w*)\b", re.I)
_FOLLOW_UP = re.compile(r"\b(follow[\s-]?ups?|fol+ow[\s-]?up|followup|re-?check|"
                        r"review\s+(?:of\s+)?my|review|go\s+over\s+my|(?:lab|test|blood\s*work)\s+results?|results|"
                        r"come\s+back\s+(?:about|for)|see\s+me\s+again|looked\s+at\s+again|"
                        r"not\s+(?:getting\s+)?better|since\s+last\s+time)\b", re.I)
_SAME_DAY = re.compile(r"\b(same[\s-]?day|urgent(?:ly)?|today|tonight|this\s+(?:morning|afternoon|"
                       r"evening))\b", re.I)
_NEW_PROBLEM = re.compile(r"\b(new\s+(?:problem|issue|concern|symptom)s?|new\s+health\s+concern|"
                          r"sick|unwell|not\s+sure|don'?t\s+know|regular\s+(?:appointment|visit)|"
                          r"general|something\s+else)\b", re.I)

# Things people come to a family practice about, to tell "I need a doctor" (no reason given) from
# "I need a doctor for my cough" (the reason is in the sentence). Not a clinical list: it never
# decides anything about urgency (the safety gate and the symptom check do that).
_COMPLAINT = re.compile(
    r"\b(pain|ache|aches|aching|sore|hurts?|hurting|swollen|swelling|rash|itch\w*|cough\w*|fever|"
    r"temperature|cold|flu|sinus\w*|throat|ears?|earaches?|eyes?|pink\s+eye|nose|back|neck|knee|hip|"
    r"shoulder|ankle|foot|feet|toe|wrist|hand|elbow|leg|arm|stomach|belly|tummy|chest|head\w*|"
    r"migraine|dizz\w*|faint\w*|tired|fatigue|sleep\w*|insomnia|anxiety|anxious|depress\w*|stress|"
    r"mood|mental\s+health|allerg\w*|asthma|eczema|acne|skin|mole|lump|bump|wart|cyst|infect\w*|"
    r"uti|pee|urin\w*|heartburn|reflux|nausea|vomit\w*|diarrh\w*|constipat\w*|blood\s+pressure|bp|"
    r"diabetes|sugar|thyroid|cholesterol|weight|period|pregnan\w*|contracepti\w*|birth\s+control|"
    r"std|sti|meds|medication|medicines?|prescription|refill|injury|injured|sprain\w*|cut|burn|"
    r"bite|sting|breath\w*|wheez\w*|bleed\w*|bruis\w*|lab\w*|results?|blood\s*work|tetanus|"
    r"shingles|work|school|sports?|camp|trip|travel\w*)\b", re.I)
_ABOUT = re.compile(r"\b(?:about|for|with|re:?|regarding|look(?:ed)?\s+at|check(?:ed)?\s+out?)\s+"
                    r"(?:my|his|her|their|our|a|an|the|this|some)\s+([a-z][a-z'’-]{2,})", re.I)
_NOT_REASONS = re.compile(rf"^(?:{_CHILD_WORDS}|{_OTHER_WORDS}|doctor|dr|appointment|appt|visit|"
                          r"while|bit|time|day|week|month|nurse|clinic|own|self|family|first|"
                          r"next|earliest|checkup|check-up|physical)s?$", re.I)
_CLAUSE_SPLIT = re.compile(r"[,.;!?()]+|\s+-\s+|\s+but\s+", re.I)

# Day/time words cut from an opener before it is read for a date (they describe the past or a
# person, not when to come).
_NOT_WHEN = (
    re.compile(r"^\s*(?:good\s+(?:morning|afternoon|evening)|hi+|hello|hey|hiya)\b[\s,!.]*", re.I),
    re.compile(r"\bsince\s+[^,.;!?]*", re.I),
    re.compile(r"\bfor\s+(?:the\s+(?:last|past)\s+)?(?:\d+|a|an|one|two|three|four|five|six|a\s+few|"
               r"a\s+couple(?:\s+of)?|several)\s+(?:days?|weeks?|months?|years?|hours?)\b", re.I),
    re.compile(r"\bfor\s+a\s+(?:while|bit)\b", re.I),
    re.compile(r"\b(?:in\s+)?(?:years|ages)\b", re.I),
    re.compile(r"\b\d{1,3}\s*(?:yo|y/o|yrs?|years?)(?:[\s-]+old)?\b", re.I),
    re.compile(r"\b(?:i'?m|i\s+am|(?:he|she)'?s|(?:he|she)\s+is|aged?)\s+\d{1,3}\b", re.I),
    re.compile(r"\b(?:last\s+time|\d+\s+(?:days?|weeks?)\s+ago)\b", re.I),
)
_WHEN_CUE = re.compile(
    r"\b(today|tonight|tomorrow|tmrw|tmr|tomorow|tommorow|2morrow|mon|monday|tue|tues|tuesday|wed|"
    r"weds|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday|weekend|week|"
    r"month|morning|mornings|afternoon|afternoons|evening|evenings|lunch\w*|noon|after\s+school|"
    r"asap|earliest|soonest|first\s+available|next\s+available|as\s+soon\s+as|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|"
    r"jul|aug|sep|sept|oct|nov|dec|\d{1,2}(?:st|nd|rd|th)|\d{1,2}/\d{1,2}|\d{1,2}(?::\d{2})?\s*"
    r"(?:am|pm)|at\s+\d{1,2}|after\s+\d|before\s+\d|around\s+\d)\b", re.I)
_TRAILING_SHORT_DAY = re.compile(r"\b(mon|wed|sat|sun)\b\s*[?.!]*\s*$", re.I)


@dataclass
class Details:
    """What the words say; None = not said."""

    visit_type: str | None = None
    reason: str | None = None
    who: str | None = None
    age: int | None = None
    patient_name: str | None = None   # "Leo" or "Mia Park" from "my daughter Mia Park"
    modality: str | None = None
    clinician: str | None = None      # provider id
    site: str | None = None           # location id
    when_text: str | None = None      # the part of the text to read for a day and time


def who_of(text: str) -> str | None:
    if _CHILD.search(text):
        return CHILD
    if _OTHER.search(text):
        return OTHER
    if _FOR_ME.search(text):
        return SELF
    return None


def age_of(text: str) -> int | None:
    for pattern in _AGE_PATTERNS:
        match = pattern.search(text)
        if match:
            age = int(match.group(1))
            if 0 <= age <= 120:
                return age
    return None


def relation_name(text: str) -> str | None:
    """'Leo Park' from "it's for my son Leo Park" (capitalised words right after the relation)."""
    match = _RELATION_NAME.search(text)
    if not match:
        return None
    words = [w for w in match.group(1).split() if w not in _NOT_NAMES]
    return " ".join(words) or None


def site_of(text: str) -> str | None:
    for site, pattern in _SITE_WORDS.items():
        if pattern.search(text):
            return site
    return None


def modality_of(text: str) -> str | None:
    if _IN_PERSON.search(text):
        return IN_PERSON
    if _VIDEO.search(text):
        return VIDEO
    return None


def clinician_of(text: str, clinic: ClinicConfig) -> str | None:
    """A named clinician ("dr okafor", "Lena Ortiz", "the NP", "the pediatrician")."""
    lowered = text.lower()
    for provider in clinic.providers.values():
        if provider.title.lower() == "nurse clinic":
            continue
        words = [w.strip(".").lower() for w in provider.name.split()
                 if w.strip(".").lower() not in ("dr", "np", "md")]
        surname = words[-1] if words else ""
        if surname and re.search(rf"\b{re.escape(surname)}\b", lowered):
            return provider.id
        if len(words) > 1 and re.search(rf"\b(?:dr\.?|doctor)\s+{re.escape(words[0])}\b", lowered):
            return provider.id
    if _PEDIATRICIAN.search(text):
        return next((p.id for p in clinic.providers.values() if p.ages[1] < 18), None)
    if _NP.search(text):
        return next((p.id for p in clinic.providers.values()
                     if "nurse practitioner" in p.title.lower()), None)
    return None


def visit_type_of(text: str) -> str | None:
    """The visit type the words name or imply (None: they don't say)."""
    if _VACCINE.search(text):
        return "vaccination"
    if _VIDEO.search(text) and not _IN_PERSON.search(text):
        return "telehealth"
    if _PHYSICAL.search(text):
        return "annual_physical"
    if _FOLLOW_UP.search(text):
        return "follow_up"
    if _SAME_DAY.search(text):
        return "same_day"
    if _NEW_PROBLEM.search(text) or reason_of(text):
        return "new_problem"
    return None


def reason_of(text: str) -> str | None:
    """The clause that says what the visit is about, in the patient's words (None: no reason)."""
    about = _ABOUT.search(text)
    if about and _NOT_REASONS.match(about.group(1)):
        about = None
    for clause in _CLAUSE_SPLIT.split(text):
        clause = clause.strip()
        if not clause:
            continue
        if _COMPLAINT.search(clause) or (about and about.group(0) in clause):
            return clause[:MAX_REASON_CHARS]
    return None


def when_text_of(text: str) -> str | None:
    """The text to read for a day and time, with misleading parts cut; None when it has none."""
    cleaned = text
    for pattern in _NOT_WHEN:
        cleaned = pattern.sub(" ", cleaned)
    cleaned = _TRAILING_SHORT_DAY.sub(lambda m: f"on {m.group(1)}", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned if _WHEN_CUE.search(cleaned) else None


def read(text: str, clinic: ClinicConfig) -> Details:
    """Every detail an opener gives."""
    text = (text or "").strip()
    who = who_of(text)
    age = age_of(text)
    if who is None and age is not None and age < 18 and not re.search(r"\bi'?m\b|\bi am\b",
                                                                       text, re.I):
        who = CHILD
    visit_type = visit_type_of(text)
    reason = reason_of(text)
    if visit_type in ("vaccination", "annual_physical") and reason is None:
        reason = text[:MAX_REASON_CHARS]  # "flu shot", "sports physical": the request says it
    modality = modality_of(text)
    if modality == IN_PERSON and visit_type == "telehealth":
        visit_type = "new_problem"
    return Details(visit_type=visit_type, reason=reason, who=who, age=age,
                   patient_name=relation_name(text), modality=modality,
                   clinician=clinician_of(text, clinic), site=site_of(text),
                   when_text=when_text_of(text))


_VISIT_ASK = re.compile(
    r"\b(appo\w*|appt|aptmt|apointment|book\w*|schedul\w*|openings?|availab\w*|free\s+(?:slots?|"
    r"times?)|slots?|come\s+in|get\s+in|be\s+seen|get\s+seen|see\s+(?:a|the|someone|somebody|dr|"
    r"doc\w*|nurse)\b|looked\s+at|checked\s+out|check[\s-]?ups?|physicals?|follow[\s-]?ups?|"
    r"re-?check|vaccin\w*|shots?|jabs?|booster|video\s+(?:visit|call|appointment)|virtual\s+visit|"
    r"tele\s*health|visit)\b", re.I)


def asks_for_visit(text: str) -> bool:
    """Whether the words ask for a visit or a time ("appt on the 10th?", "flu jab saturday"),
    for the turns NLU did not file as a booking (fallback, out of scope, an FAQ it can't answer).
    """
    if _VISIT_ASK.search(text or ""):
        return True
    # "chekup for me please", "folow up pls", "annual exam friday": the visit named, typos and all.
    return visit_type_of(text or "") in ("annual_physical", "follow_up", "vaccination",
                                         "telehealth")
