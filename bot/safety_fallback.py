"""Degraded-mode screen: a compact emergency / crisis pattern list that runs in the Rasa process.

Used only when the action server (where the full red-flag rules live) cannot answer the gate in
time. It is deliberately small and errs towards sending the 911 / 988 line: a false "call 911 if
this is an emergency" costs little; a missed one can cost a life. Patterns follow the public
"call 911 / 999" lists (NHS "When to call 999": https://www.nhs.uk/nhs-services/urgent-and-
emergency-care-services/when-to-call-999/ ; MedlinePlus "Recognizing medical emergencies":
https://medlineplus.gov/ency/article/001927.htm) and the 988 Lifeline's warning signs
(https://988lifeline.org/help-yourself/know-the-signs/ ; Spanish option:
https://988lifeline.org/es/home/). Plain Python: importable and tested in either venv.
"""

from __future__ import annotations

import re
import unicodedata

EMERGENCY_EN = (
    "Call 911 now, or go to the nearest emergency department. If this is about someone else, put "
    "the phone on speaker and follow the dispatcher's instructions."
)
CRISIS_EN = (
    "Please reach out for support right now: call or text 988 (Suicide & Crisis Lifeline), free "
    "and open 24/7. If you or someone else is in immediate danger, call 911."
)
EMERGENCY_ES = (
    "Llame al 911 ahora o vaya a la sala de emergencias más cercana. Si es otra persona, ponga el "
    "teléfono en altavoz y siga las instrucciones del operador."
)
CRISIS_ES = (
    "Llame o envíe un mensaje de texto al 988 (Línea 988 de Prevención del Suicidio y Crisis; "
    "para español, llame al 988 y oprima 2). Si usted u otra persona está en peligro inmediato, "
    "llame al 911."
)

_EMERGENCY = [
    r"chest (?:pain|pressure|tightness)|crushing|heart attack|pain (?:in|down) (?:my|his|her) "
    r"(?:left )?arm",
    r"can'?t breathe|cannot breathe|can'?t breath|not breathing|stopped breathing|struggling to "
    r"breathe|gasping|choking|turning blue|lips (?:are )?blue",
    r"unresponsive|unconscious|passed out|collapsed|won'?t wake|can'?t wake|not responding|"
    r"won'?t respond|fainted",
    r"stroke|slurr\w*|face (?:is )?droop\w*|can'?t move (?:my|his|her) (?:arm|leg)|one side",
    r"seizure|convuls\w*|fitting",
    r"bleeding (?:heavily|a lot|won'?t stop|that won'?t stop)|won'?t stop bleeding|"
    r"severe bleeding|lots of blood",
    r"anaphyla\w*|throat (?:is )?(?:closing|swelling)|tongue (?:is )?swelling",
    r"overdose|took (?:a lot of|too many|all (?:my|the|of)) (?:pills|tablets|meds)|poison\w*",
    r"stiff neck|worst headache",
]
_CRISIS = [
    r"suicid\w*|kill (?:my|him|her)sel(?:f|ves)|end (?:my|it) (?:life|all)|end it all|"
    r"want(?:s|ed)? to die|wanna die|better off dead|better off without me|"
    r"don'?t want to (?:live|be alive|be here|wake up)|not wak(?:e|ing) up|hurt(?:ing)? myself|"
    r"self[- ]harm|cut(?:ting)? myself|won'?t be around|goodbye letters?|"
    r"pills saved|saving (?:up )?pills|no reason to live|burden to everyone",
]
_EMERGENCY_ES = [
    r"dolor (?:de|en el) pecho|me duele (?:mucho )?el pecho|presion en el pecho|infarto",
    r"no (?:puedo|puede) respirar|no respira|le falta el aire|me falta el aire|se (?:esta )?ahoga",
    r"no responde|no reacciona|inconsciente|se desmayo|perdio el conocimiento|no despierta",
    r"convulsi\w*|derrame|cara caida|no puede hablar|habla arrastrada",
    r"sangra mucho|sangrado que no para|no para de sangrar|sobredosis|se tomo (?:muchas|todas)",
]
_CRISIS_ES = [
    r"quiero morir\w*|me quiero morir|matarme|suicid\w*|quitarme la vida|acabar con mi vida|"
    r"no quiero (?:vivir|seguir viviendo)|hacerme dano|cortarme|mejor (?:estar )?muert[oa]",
]
_NEGATION = re.compile(r"\b(?:no|not|never|don'?t|doesn'?t|didn'?t|isn'?t|without|denies|"
                       r"nunca|sin|ni)\W+(?:\w+\W+){0,2}$")
_SPANISH_HINT = re.compile(r"\b(?:el|la|los|las|mi|me|mucho|que|muy|esta|tiene|tengo|puedo|"
                           r"quiero|esposo|esposa|hijo|hija|mama|papa|no respira|duele)\b")


def _fold(text: str) -> str:
    """Lower case without accents, so "respiración" and "respiracion" match alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _hits(patterns: list[str], text: str, negation_free: bool = True) -> bool:
    for pattern in patterns:
        for match in re.finditer(rf"\b(?:{pattern})", text):
            before = text[max(0, match.start() - 40):match.start()]
            # "no puedo respirar" is itself the emergency; only a negation *before* it cancels.
            if negation_free and _NEGATION.search(before) and not match.group(0).startswith("no "):
                continue
            return True
    return False


def kinds(text: str) -> list[str]:
    """Which of "emergency" / "crisis" the compact patterns see in ``text`` (maybe both)."""
    folded = _fold(text or "")
    emergency = _hits(_EMERGENCY, folded) or _hits(_EMERGENCY_ES, folded)
    crisis = _hits(_CRISIS, folded) or _hits(_CRISIS_ES, folded)
    if crisis and re.search(r"pills|pastillas|tonight|esta noche|gun|pistola", folded):
        emergency = True
    return [kind for kind, hit in (("emergency", emergency), ("crisis", crisis)) if hit]


def screen(text: str) -> list[str]:
    """The 911 / 988 lines for ``text``, or [] if no compact pattern fires."""
    folded = _fold(text or "")
    spanish = len(_SPANISH_HINT.findall(folded)) >= 2
    found = kinds(text)
    lines: list[str] = []
    if "emergency" in found:
        lines.append(EMERGENCY_ES if spanish else EMERGENCY_EN)
    if "crisis" in found:
        lines.append(CRISIS_ES if spanish else CRISIS_EN)
    return lines
