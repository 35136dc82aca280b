"""Per-message language guess, Spanish or English (pure, deterministic, no network).

Why a hand-made scorer and not a language-ID model: the screening gate runs it on every patient
message before anything else, so it must answer in microseconds, never download anything, and be
explainable when it is wrong. Patient messages are short and informal ("xq me duele", "tb tengo
fiebre", no accents), where n-gram models trained on prose are unreliable anyway.

How it decides:
* each word that is characteristic of one language adds to that language's score (function words
  1, distinctive content words 1.5, a few very common patient words 2); words shared by both
  languages ("no", "me", "a", "son", "come", "solo", "doctor") add nothing;
* Spanish-only characters (ñ, ¿, ¡, accented vowels) add Spanish evidence;
* minimum evidence: Spanish needs a score of at least 2 — and 3 for a one-word message — so
  "no", "si", "ok", "12", "hola" or a name stay "en" (the bot's default language);
* a message made only of capitalised unknown words and name particles ("Maria de la Cruz") is a
  name, not Spanish;
* otherwise Spanish wins when its score is at least the English score, so Spanglish with a clear
  Spanish clause ("I need help, mi esposo no responde") is "es".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Spanish words, accents stripped (lookups are accent-insensitive so "esta"/"está" both count).
_ES_FUNCTION = frozenset("""
de del la las los el y e o que en por para con sin mi mis su sus tu tus es esta estan estoy
estas muy pero al lo le les se un una unos unas mas ya tambien porque como cuando donde hay yo
usted ustedes nos eso esto este esa ese aqui alli ahi bien mal mucho mucha muchos muchas poco poca
todo toda todos todas nada algo alguien nadie hoy ayer ahora ahorita cual cuales quien quienes
desde hasta entre hace tengo tiene tienen tenemos tienes puedo puede pueden podemos quiero quiere
quieren necesito necesita necesitamos estaba estuvo fue soy eres somos ser estar le lo
nuestro nuestra otra otro otros otras mismo misma casi siempre nunca tampoco tanto asi luego
despues antes todavia aun cada ni pues entonces
""".split())
_ES_CONTENT = frozenset("""
duele duelen dolor dolores fiebre calentura tos mocos pecho cabeza garganta estomago barriga panza
espalda brazo brazos pierna piernas ojo ojos oido oidos muela muelas diente dientes dedo rodilla
respirar respira respiro responde reacciona despierta desmayo desmayado desmayada sangre sangra
sangrado vomito vomitos diarrea mareo mareado mareada hinchado hinchada hincha cara boca lengua
labios piel orina orinar embarazada embarazo esposo esposa marido hijo hija hijos hijas mama mami
madre papi padre bebe bebito bebita nino nina ninos ninas abuelo abuela abuelita abuelito hermano
hermana tio tia primo prima amigo amiga novio novia suegra suegro nieto nieta medico medica
medicina medicinas pastillas pastilla receta recetas enfermo enferma enfermera cita citas consulta
seguro clinica emergencia urgencia ayuda ayudar ayudenme ayudeme gracias hola buenos
buenas dias tardes noches senor senora morir muero vivir matarme suicidarme siento sentir cansado
cansada hablar hablo habla llamar llamarme llamen cambiar cancelar hacer hora horas abren cierran
abierto cerrado cuanto cuanta cuesta queda manana semana martes miercoles jueves viernes sabado
domingo lunes quisiera saber atienden aceptan contestan contesta mande quiere llegar tarde temprano
sita nesesito nececito necesito ingles espanol alta alto azucar presion diabetico diabetica
corte corto cayo cai caida caido golpe quemadura herida puedes ahogando ahoga ahogo tomo tome
cuerpo enfermedad salud dientes estoy resultados analisis examen vacuna vacunas recordatorio
mensaje telefono numero direccion hago voy va vamos dijo pasa sabe
ojala muero muera muriera morirme matar suicidar suicidarme desaparecer despertar vida aire
ahogando desmayo convulsion convulsionando inconsciente pastillas sobredosis sangrando
""".split())
# Very common patient words that are unmistakably Spanish: one of these plus anything is enough.
_ES_STRONG = frozenset("gracias necesito tengo duele quiero puedo".split())
# A plea for help or for Spanish that is enough on its own, even as the whole message.
_ES_ALONE = frozenset("ayuda auxilio ayudenme ayudeme socorro espanol".split())
# Texting shorthand: "q"/"k"/"ke" (que), "xq"/"pq"/"porq" (porque), "tb"/"tmb" (también), ...
_ES_TEXTING = frozenset("q ke xq pq porq tb tmb tbn porfa xfa xfavor kiero bn salu2 ntp tqm dnd "
                        "kien aki".split())
# Texting "k" is also the English "ok": half weight.
_ES_WEAK = {"si": 0.5, "k": 0.5, "papa": 0.5}

_EN_WORDS = frozenset("""
i i'm im you he she it we they my your his her our their the an and or but is are was were be been
being have has had do does did can can't cant could will would should not yes this that these those
what when where why how who which with without for from to of in on at by about after before since
need want help please thanks thank appointment pain hurts hurt hurting fever cough chest breathe
breathing sick today tomorrow yesterday morning night son daughter wife husband mom mother dad
father baby feel feeling get got go going back there here open close clinic just also very really
so if now still out up down off over again one two some any all much many more less like know think
said say tell call take took make see saw look since week weeks day days hour hours time my mine
stomach head throat back arm leg eye ear skin rash nurse refill pharmacy prescription insurance
allergic sore bleeding stop won't wont can't don't dont isn't didn't it's i've i'll normal dizzy
after vaccine shots flying drive born live near last since been monday tuesday wednesday thursday
friday saturday sunday pregnant headache headaches bad worse better cut hand responding pee sorry
hi hello ok okay sure fine thx
""".split())

_NAME_PARTICLES = frozenset("de la del los las y da van von san santa".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_ACCENTED = re.compile(r"[áéíóúü]", re.IGNORECASE)

MIN_SPANISH = 2.0
MIN_SPANISH_ONE_WORD = 3.0


@lru_cache(maxsize=8192)  # a long message repeats its words; this runs on every message
def _fold(word: str) -> str:
    """Lowercase and strip accents (ñ -> n too): patients often type without them."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _spanish_weight(folded: str) -> float:
    if folded in _ES_ALONE:
        return MIN_SPANISH_ONE_WORD
    if folded in _ES_STRONG:
        return 2.0
    if folded in _ES_CONTENT:
        return 1.5
    if folded in _ES_TEXTING:
        return 1.5
    if folded in _ES_FUNCTION:
        return 1.0
    return _ES_WEAK.get(folded, 0.0)


def _looks_like_a_name(words: list[str]) -> bool:
    """'Maria de la Cruz', 'Jesus Hernandez': capitalised words we don't know, plus particles."""
    if not words or len(words) > 5:
        return False
    seen_name = False
    for word in words:
        folded = _fold(word)
        if folded in _NAME_PARTICLES:
            continue
        if not word[0].isupper() or _spanish_weight(folded) >= 1.0:
            return False
        seen_name = True
    return seen_name


def detect_language(text: str) -> str:
    """Return "es" when the message is (mostly) Spanish, else "en" (the default)."""
    words = _WORD.findall(text or "")
    if not words or _looks_like_a_name(words):
        return "en"
    es = en = 0.0
    accent_bonus = 0.0
    for word in words:
        folded = _fold(word)
        weight = _spanish_weight(folded)
        es += weight
        if folded in _EN_WORDS and weight == 0.0:
            en += 1.0
        # An accent in a word we otherwise know nothing about is weak evidence (names such as
        # "José" carry accents too), so it is capped; ñ and ¿¡ are stronger.
        if _ACCENTED.search(word):
            accent_bonus += 1.0
        if "ñ" in word.lower():
            accent_bonus += 1.0
    es += min(accent_bonus, 3.0)
    if "¿" in text or "¡" in text:
        es += 2.0
    threshold = MIN_SPANISH_ONE_WORD if len(words) == 1 else MIN_SPANISH
    if es >= threshold and es >= en:
        return "es"
    return "en"
