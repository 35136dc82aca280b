"""Spanish safety floor: emergencies and crises recognised in Spanish patient messages (pure).

The screening gate calls ``screen_spanish`` on every message before anything else and, when it
fires, sends ``spanish_reply`` first. The rest of the bot only understands English, so without
this floor "mi esposo no responde" or "quiero morir" got "I didn't understand".

Design (why it looks like this):
* Deterministic regular expressions over a normalised text: lower case, accents stripped (patients
  often type without them), texting shorthand expanded ("q" -> "que", "xq" -> "porque", "kiero"
  -> "quiero"), letters repeated for emphasis collapsed ("noooo" -> "no"). No model, no network:
  well under a millisecond per message, and every decision can be traced to one pattern id.
* Gaps inside a pattern are whole words only (``(?:\\w+ ){0,n}``), and punctuation is kept as a
  "," token, so a pattern never spans two clauses.
* Negation is checked only *before* a match, and only through a short run of filler words
  ("no me duele el pecho", "no tengo dolor de pecho", "sin dificultad para respirar", "nunca me
  haría daño", "no quiero morir"). A pattern that itself starts with a negation ("no puedo
  respirar", "no respira", "no responde", "no quiero vivir") is never negated, so "no, no puedo
  respirar" still fires. A negation further back ("no aguanto más me quiero morir") does not
  reach the match because "aguanto"/"más" are not filler words.
* Idioms are excluded where they live: "me muero de hambre/risa/sueño/ganas" and "me mata el
  calor" use forms no pattern looks for; "me quiero morir de la risa/vergüenza" and "ataque de
  risa/tos/pánico" are excluded by look-aheads.
* It errs on the side of firing: over-triage here costs a 911/988 line, under-triage can cost a
  life. It is a floor, not a triage: anything it does not fire on still goes to the English
  pipeline or to a person.

The patterns are Spanish-specific, so running the screen on every message (not only the ones
``detect_language`` calls Spanish) is safe and cheap; that catches Spanglish such as "help, my
wife no respira", which is mostly English.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --- button titles (Spanish) -----------------------------------------------------------------
TALK_TO_PERSON_ES = "Hablar con una persona"
CALL_CLINIC_ES = "Llamar a la clínica"
CONTINUE_IN_ENGLISH_ES = "Continuar en inglés"

# --- patient-facing lines --------------------------------------------------------------------
EMERGENCY_FIRST_ES = "Llame al 911 ahora o vaya a la sala de emergencias más cercana."
EMERGENCY_SELF_ES = (
    "No maneje. Si puede, abra la puerta de entrada y tenga el teléfono a la mano."
)
BYSTANDER_ES = (
    "Ponga el teléfono en altavoz, siga las instrucciones del operador del 911 y quédese con la "
    "persona."
)
BYSTANDER_CPR_ES = (
    "Si la persona no respira o no respira normalmente, el operador del 911 le dirá cómo darle "
    "RCP (reanimación cardiopulmonar)."
)
# 988 Suicide & Crisis Lifeline, Spanish service. Checked against the Lifeline's own pages:
# https://988lifeline.org/get-help/what-to-expect/ (calls: "Spanish-language (Press 2)"; texts:
# "our Spanish-language (text AYUDA)") and the Spanish site https://988lifeline.org/es/home/
# (free, confidential, 24/7). Chat is offered too, but we give only what works from any phone.
CRISIS_988_ES = (
    "Por favor, busque apoyo ahora: llame al 988 y oprima el 2 para hablar en español, o envíe "
    "AYUDA por mensaje de texto al 988 (Línea 988 de Prevención del Suicidio y Crisis). Es "
    "gratis, confidencial y atiende las 24 horas."
)
CRISIS_911_ES = "Si usted o alguien más está en peligro inmediato, llame al 911."
CRISIS_OTHER_ES = (
    "Si se trata de otra persona, también puede llamar al 988 para pedir orientación sobre cómo "
    "ayudarla. Si corre peligro, no la deje sola."
)
NOT_A_CLINICIAN_ES = "Soy un asistente automático, no un profesional de salud."


def _neither_lines(clinic_phone: str) -> list[str]:
    return [
        "Por ahora, en español solo puedo reconocer emergencias y crisis; para todo lo demás "
        "trabajo en inglés.",
        "Si prefiere, le comunico con una persona del equipo de la clínica (responda "
        f"\u201c{TALK_TO_PERSON_ES}\u201d), o llame a la clínica al {clinic_phone}.",
        "Si es una emergencia, llame al 911.",
    ]


@dataclass(frozen=True)
class SpanishScreen:
    """What the Spanish floor found in one message. ``findings`` are pattern-group ids, in a fixed
    order (see ``_GROUPS``), e.g. ("chest_pain", "breathing")."""

    emergency: bool
    crisis: bool
    about_other: bool
    findings: tuple[str, ...]


# --- normalisation ---------------------------------------------------------------------------
# Texting shorthand and common misspellings, whole tokens only.
_TEXTING = {
    "q": "que", "k": "que", "ke": "que", "qe": "que", "xq": "porque", "pq": "porque",
    "porq": "porque", "xk": "porque", "pk": "porque", "tb": "tambien", "tmb": "tambien",
    "tbn": "tambien", "kiero": "quiero", "kiere": "quiere", "kieres": "quieres",
    "kisiera": "quisiera", "x": "por", "d": "de", "toy": "estoy", "tas": "estas",
    "pa": "para", "aki": "aqui", "bn": "bien", "pexo": "pecho", "pesho": "pecho",
    "nesesito": "necesito", "ahorita": "ahorita", "porfa": "por favor", "xfa": "por favor",
}
_NEGATIONS = frozenset({"no", "nunca", "jamas", "sin", "tampoco", "ni", "ningun", "ninguna"})
# Words that may stand between a negation and what it negates ("no TENGO dolor de pecho",
# "no tengo PENSAMIENTOS DE hacerme daño", "nunca HE PENSADO EN quitarme la vida").
_NEG_FILLER = frozenset("""
me te se le lo la les nos ya tengo tiene tienes tenia tuve tuvo tenido siento sente sentia siente
he ha han hay habia pienso piensa pensado pense penso pensaba pensamientos pensamiento ideas idea
intentado intente intento ganas de en nada
ningun ninguna algun mucho mucha tanto realmente nunca para
""".split())
_MAX_FILLER = 4


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# A full stop is a clause break unless it sits inside a number ("38.5").
_PUNCT = re.compile(r"(?<!\d)\.|\.(?!\d)|[,;:!?¿¡()\[\]{}\n\"“”…/-]")
_NON_WORD = re.compile(r"[^a-z0-9., ]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def normalize(text: str) -> str:
    """Lower case, no accents, texting expanded, punctuation kept as "," clause tokens."""
    folded = _fold(text)
    folded = _PUNCT.sub(" , ", folded)
    folded = _NON_WORD.sub(" ", folded)
    folded = _REPEATS.sub(r"\1", folded)
    tokens = [_TEXTING.get(tok, tok) for tok in folded.split()]
    return " ".join(tokens)


# --- patterns --------------------------------------------------------------------------------
# Each entry: (regex over normalised text, person). person "self"/"other" is fixed by the form
# ("no lo puedo despertar" is about someone else although the verb is first person); "auto" lets
# the words inside the match decide (see _person).
_G1 = r"(?:\w+ )?"
_G2 = r"(?:\w+ ){0,2}"
_G3 = r"(?:\w+ ){0,3}"
_ART = r"(?:el |la |los |las |mi |mis |su |sus )?"
# Benign "ataque de ..." (laughing, coughing, nerves, panic, jealousy, hiccups...).
_BENIGN_ATTACK = (
    r"(?! de (?:risa|tos|nervios|panico|ansiedad|celos|asma|hipo|estornudos|hambre|sueno|llanto"
    r"|rabia|ira|alergia|colera|locura|tristeza))"
)
_IDIOM_DIE = (
    r"(?! de (?:la |el )?(?:risa|hambre|sueno|verguenza|calor|frio|aburrimiento|ganas|envidia"
    r"|curiosidad|cansancio|flojera))"
)
_NOT_HAIR = (  # "cortarme el pelo / las uñas" is a haircut, not self-harm
    r"(?! " + _G1 + r"(?:el |las |los |la |mi |mis )?(?:pelo|cabello|unas|una|fleco|barba"
    r"|flequillo|puntas|bigote|ropa)\b)"
)

_GROUPS: dict[str, list[tuple[str, str]]] = {
    # Chest pain / pressure. Sources: MedlinePlus en español "Dolor en el pecho"
    # (https://medlineplus.gov/spanish/ency/article/003079.htm); CDC en español "Ataque cardiaco"
    # signs (https://www.cdc.gov/heart-disease/es/about/heart-attack.html); NHS 999 list ("chest
    # pain": https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-call-999/).
    "chest_pain": [
        (r"\b(?:(?:me|le|te|nos|les) " + _G2 + r")?duel\w* " + _G3 + r"pecho\b", "auto"),
        (r"\b(?:dolor|dolores|presion|opresion|peso|apreton|punzada|punzadas|molestia|molestias)"
         r" " + _G3 + r"(?:en|de|del) (?:el |mi |su |la )?pecho\b", "auto"),
        (r"\b(?:me|le|te) (?:aprieta|oprime|presiona|pesa|apreta|aplasta)\w* " + _G2
         + r"(?:el )?pecho\b", "auto"),
        (r"\b(?:opresion|dolor) toracic[oa]\b|\bpecho apretado\b", "auto"),
        (r"\b(?:ataque (?:al|del) corazon|ataque cardiac[oa]|infarto)\b", "auto"),
        # Pain that spreads from the chest to the arm, jaw, neck or back (heart attack sign).
        (r"\bpecho (?:\w+ ){0,4}(?:se me va|se le va|se va|baja|corre|sube|pasa) " + _G2
         + r"(?:brazo|quijada|mandibula|cuello|espalda)\b", "auto"),
    ],
    # Can't breathe / not breathing normally / choking. Sources: NHS 999 list ("struggling to
    # breathe", "choking"); MedlinePlus en español "Problemas respiratorios"
    # (https://medlineplus.gov/spanish/ency/article/003075.htm) and "Asfixia - adultos o niños".
    "breathing": [
        (r"\bno " + _G1 + r"(?:puedo|puede|puedes|podia|pudo|pude|podemos|pueden|logro|logra)"
         r" respirar\b", "auto"),
        (r"\bno (?:esta |estaba )?respir(?:a|o|as|an|ando|aba)\b(?!(?: bien)? por la nariz)",
         "auto"),
        (r"\b(?:deja|dejo|dejando|dejaba) de respirar\b", "auto"),
        (r"\b(?:me|le|te|nos|les) " + _G1 + r"falta " + _G1 + r"(?:el |la )?(?:aire|respiracion)\b",
         "auto"),
        (r"\bfalta de (?:aire|respiracion)\b|\bno (?:me|le|te) (?:entra|llega) (?:el )?aire\b",
         "auto"),
        (r"\b(?:me|se|te|nos) (?:estoy |esta |estas |estan |estaba )?ahog(?:o|a|as|an|ando|aba)\b",
         "auto"),
        (r"\bahogandose\b|\b(?:se|me) (?:esta |estoy )?atragant\w*|\batragantad[oa]\b", "auto"),
        (r"\brespir(?:a|o|ando) (?:muy )?(?:raro|rara|feo|extrano|rapido|con dificultad"
         r"|con mucho esfuerzo|entrecortado|con ruido)\b", "auto"),
        (r"\bdificultad (?:para|al) respirar\b|\b(?:le|me|te) cuesta (?:mucho )?respirar\b",
         "auto"),
        (r"\bapenas (?:puedo|puede) respirar\b|\bse (?:esta )?asfixi\w*", "auto"),
        (r"\bno " + _G1 + r"(?:puedo|puede|podia|pudo|pueden) (?:agarrar|jalar|tomar|coger|meter"
         r"|sacar) (?:el )?aire\b", "auto"),
    ],
    # Blue / grey lips or face. Sources: NHS 999 list ("blue, grey, pale or blotchy skin, lips or
    # tongue"); MedlinePlus en español "Coloración azulada de la piel" (cianosis,
    # https://medlineplus.gov/spanish/ency/article/003215.htm).
    "cyanosis": [
        (r"\blabios " + _G3 + r"(?:morad\w*|azul\w*|gris\w*)", "auto"),
        (r"\bse " + _G1 + r"(?:puso|pusieron|esta poniendo|pone|ve) (?:tod[oa] )?"
         r"(?:morad[oa]|azul|azulad[oa]|moradit[oa]|gris)\b", "other"),
        (r"\b(?:cara|boca|lengua|piel) (?:\w+ )?(?:morad[oa]|azul|azulad[oa])\b", "auto"),
    ],
    # Unresponsive / collapsed / can't be woken / fainted. Sources: NHS 999 list ("unconscious",
    # "someone has collapsed"); MedlinePlus en español "Pérdida del conocimiento - primeros
    # auxilios" (https://medlineplus.gov/spanish/ency/article/000022.htm) and "Desmayo".
    "unresponsive": [
        (r"\bno (?:responde|reacciona|despierta|respondia|reaccionaba|despertaba|se despierta)\b"
         r"(?! " + _G1 + r"(?:a )?(?:mis |los |las |el |la |sus |mi |su )?(?:mensajes?|llamadas?"
         r"|telefono|celular|correos?|textos?|whats\w*|preguntas?))", "other"),
        (r"\bno (?:lo |la |le )?(?:puedo|podemos|puede|pude|pudimos|logro|logramos|consigo)"
         r" despertar\w*\b", "other"),
        (r"\b(?:se|me|te) " + _G1 + r"desma(?:y|ll)\w*|\bdesma(?:y|ll)ad[oa]\b"
         r"|\bun desma(?:y|ll)o\b", "auto"),
        (r"\bperdi\w* (?:el )?(?:conocimiento|sentido)\b|\binconsciente\b", "auto"),
        (r"\bse (?:desplom|desvaneci)\w*|\bsin (?:respuesta|sentido|conocimiento)\b", "auto"),
        (r"\bno se mueve\b", "other"),
    ],
    # Stroke signs (face, arm, speech; weakness of one side). Sources: CDC en español "Señales y
    # síntomas del derrame cerebral" (https://www.cdc.gov/stroke/es/signs-symptoms/index.html);
    # MedlinePlus en español "Accidente cerebrovascular"
    # (https://medlineplus.gov/spanish/stroke.html); NHS 999 list ("signs of a stroke").
    "stroke": [
        (r"\b(?:cara|boca|labio|ojo|cachete|mejilla|rostro) " + _G2 + r"(?:caid[oa]|torcid[oa]"
         r"|chuec[oa]|ladead[oa]|colgad[oa]|de lado|paralizad[oa]|dormid[oa])\b", "auto"),
        (r"\bse (?:me |le |te )?(?:cayo|callo|esta cayendo|cae|torcio|durmio|paralizo) " + _G1
         + r"(?:la cara|la boca|un lado|medio cuerpo|la mitad|el lado)\b", "auto"),
        (r"\bno " + _G1 + r"(?:puedo|puede|podia|pudo|pueden) hablar\b(?! " + _G1
         + r"(?:ahora|ahorita|en este momento|por telefono|contigo|con usted|conmigo|con ella"
         r"|con el|con ellos|mucho|ingles|espanol|porque|estoy|en el trabajo|alla|aqui))", "auto"),
        (r"\bno " + _G1 + r"(?:puedo|puede|podia|pudo|pueden) mover " + _G1
         + r"(?:el |la |los |las |su |sus |mi |mis )?(?:brazo|pierna|mano|lado|cara|boca|brazos"
         r"|piernas)\b", "auto"),
        (r"\bhabla " + _G1 + r"(?:arrastrad\w*|enredad\w*|rar[oa]|mocho|trabad\w*|incoherente"
         r"|sin sentido)|\barrastra (?:las palabras|la lengua)\b|\bse (?:le|me) traba la lengua\b",
         "other"),
        (r"\bdebilidad " + _G2 + r"(?:de|en) (?:un|el|la mitad del|medio|la mitad de un) "
         r"(?:lado|cuerpo)\b", "auto"),
        (r"\bse (?:me|le) (?:durmio|adormecio|entumio) (?:un lado|la mitad|medio cuerpo|el lado)\b",
         "auto"),
        (r"\b(?:derrame|ataque|accidente) cerebra\w*|\bembolia\b|\bparalisis facial\b", "auto"),
    ],
    # Seizure. Sources: MedlinePlus en español "Convulsiones"
    # (https://medlineplus.gov/spanish/ency/article/003200.htm); CDC en español "Primeros auxilios
    # para las convulsiones"; NHS 999 list ("seizure (fit)").
    "seizure": [
        (r"\b(?:con|com)(?:v|b)ulsi\w*", "auto"),
        (r"\bataques? (?:epileptic\w*|de epilepsia|convulsiv\w*)\b", "auto"),
        (r"\b(?:(?:le|me|te) )?(?:dio|dieron|da|dan|esta dando|estan dando|vino|agarro|tuvo"
         r"|tiene|tengo|tuve) (?:un |unos |otro |una )?ataques?\b" + _BENIGN_ATTACK
         + r"(?! (?:al|del) corazon| cardiac)", "auto"),
        (r"\bojos en blanco\b", "auto"),
    ],
    # Severe bleeding. Sources: NHS 999 list ("severe bleeding that will not stop"); MedlinePlus
    # en español "Sangrado" (https://medlineplus.gov/spanish/ency/article/000045.htm).
    "bleeding": [
        (r"\bsangr\w* " + _G1 + r"(?:mucho|muchisimo|demasiado|bastante|sin parar|a chorros"
         r"|y sangra)\b(?! " + _G2 + r"(?:las )?encias)", "auto"),
        (r"\bno " + _G1 + r"(?:para|paraba|deja|dejaba|se detiene|se para|se quita|se corta"
         r"|podemos parar|puedo parar|puedo detener|se le quita) " + _G1
         + r"(?:de )?(?:sangr\w*|la sangre|el sangrado|la hemorragia)\b", "auto"),
        (r"\b(?:sangrado|sangre|hemorragia|sangra|sangrando) " + _G2 + r"(?:que )?no " + _G1
         + r"(?:para|se detiene|se quita|se corta|se para|deja|paraba)\b", "auto"),
        (r"\b(?:sangrado|hemorragia) (?:muy )?(?:abundante|fuerte|grave|masiv\w*|severo|intens\w*)"
         r"\b|\bmucha sangre\b|\bsangre a chorros\b", "auto"),
        (r"\b(?:vomit\w*|escupi\w*|tosiendo|tose|toso) " + _G1 + r"sangre\b", "auto"),
    ],
    # Severe allergic reaction (anaphylaxis). Sources: NHS 999 list ("sudden swelling of the
    # lips, mouth, throat or tongue"); MedlinePlus en español "Anafilaxia"
    # (https://medlineplus.gov/spanish/ency/article/000844.htm).
    "anaphylaxis": [
        (r"\bse (?:me |le |te )?(?:esta |estan )?(?:hinch|cierr)\w* " + _G1
         + r"(?:la |el |los |las |su |mi )?(?:garganta|lengua|labios?|boca|cara)\b", "auto"),
        (r"\bse (?:me |le |te )?(?:esta |estan )?inflam\w* " + _G1
         + r"(?:la |el |los |las |su |mi )?(?:lengua|labios?|boca|cara)\b", "auto"),
        (r"\b(?:lengua|labios|boca) " + _G1 + r"(?:hinchad\w*|inflamad\w*)\b", "auto"),
        (r"\bgarganta " + _G1 + r"(?:cerrad\w*|cerrando)\b|\bse (?:me |le )?cierra la garganta\b",
         "auto"),
        (r"\banafila\w*|\breaccion alergica " + _G1 + r"(?:grave|fuerte|severa|seria)\b", "auto"),
    ],
    # Poisoning / overdose / swallowed something dangerous. Sources: MedlinePlus en español
    # "Envenenamiento" (https://medlineplus.gov/spanish/poisoning.html) and "Sobredosis";
    # Poison Help 1-800-222-1222 (HRSA); NHS 999 list.
    "poisoning": [
        (r"\bsobredosis\b|\bveneno\b|\benvenen\w*|\bintoxic(?:ad[oa]s?|acion|o|aron)\b"
         r"(?! (?:alimentari\w*|por comida))",
         "auto"),
        (r"\b(?:(?:se|me|te) )?(?:tomo|tome|trago|trague|bebio|bebi|comio|comi|tomaron|tragaron"
         r"|tomamos|tomaste) " + _G2 + r"(?:todas|todos|muchas|varias|demasiadas|un frasco"
         r"|una caja|un monton|un punado|el frasco|la caja|el bote|un bote|toda la caja"
         r"|una botella|la botella"
         r"|todo el frasco|\d+) " + _G3 + r"(?:pastillas|pildoras|tabletas|capsulas|medicinas"
         r"|medicamentos|frasco|pastilla|de golpe)\b", "auto"),
        (r"\b(?:tomo|tome|trago|trague|tomaron|tragaron) " + _G2 + r"(?:un frasco|una caja"
         r"|el frasco|toda la caja|todo el frasco|un bote) " + _G1 + r"(?:de|entero|entera)\b",
         "auto"),
        (r"\bse (?:trago|tragaron|comio|comieron) " + _G3 + r"(?:pastillas|pildoras|tabletas"
         r"|medicina\w*|pila|pilas|bateria\w*|iman\w*|cloro|detergente|jabon|blanqueador|lejia"
         r"|quimico\w*|insecticida|raticida|gasolina|anticongelante|capsulas)\b", "other"),
        (r"\b(?:se|me) (?:tomo|tome|bebio|bebi|trago|trague) " + _G3 + r"(?:cloro|blanqueador"
         r"|lejia|insecticida|raticida|gasolina|anticongelante|destapacanos|acido|quimico\w*)\b",
         "auto"),
    ],
    # Severe burns. Sources: MedlinePlus en español "Quemaduras"
    # (https://medlineplus.gov/spanish/ency/article/000030.htm); NHS "Burns and scalds" (A&E for
    # large or deep burns, electrical and chemical burns).
    "burn": [
        (r"\bquemadura\w* " + _G1 + r"(?:grande|grandes|grave|graves|severa|severas|profunda"
         r"|profundas|extensa|extensas|de tercer grado|de segundo grado|enorme|electrica"
         r"|quimica|por acido)\b", "auto"),
        (r"\b(?:se|me|te) " + _G1 + r"quem\w* (?!con el sol|por el sol|del sol)" + r"(?:\w+ ){0,5}"
         r"(?:todo|toda|la cara|el pecho|las manos|los genitales|muy feo|grave|con acido"
         r"|con electricidad|con (?:la )?corriente)\b", "auto"),
        (r"\belectrocut\w*|\bdescarga electrica\b", "auto"),
    ],
    # --- crisis: suicidal thoughts, self-harm, warning signs ---
    # Sources: 988 Lifeline en español (https://988lifeline.org/es/home/); NIMH en español
    # "Señales de advertencia del suicidio"
    # (https://www.nimh.nih.gov/health/publications/espanol/5-pasos-de-accion-para-ayudar-a-alguien-que-tiene-pensamientos-suicidas);
    # CDC suicide prevention warning signs; NHS "Help for suicidal thoughts".
    "suicidal_ideation": [
        (r"\b(?:(?:me|se|te) )?(?:quier\w*|quisier\w*|deseo|desea|queria) " + _G1 + r"morir\w*\b"
         + _IDIOM_DIE, "auto"),
        (r"\bganas de morir\w*\b" + _IDIOM_DIE, "auto"),
        # Spanish forms only: English "suicide"/"suicidal" is the English screen's job (and there
        # "not suicidal" is negated in English, which this module does not parse).
        (r"\bmatar(?:me|se|te)\b|\bsui[cs]id(?:a|as|io|ios|ar|arme|arse|arte|ara|aria|ado|ada"
         r"|o|en)\b|\b(?:me|se|te) sui[cs]ide\b", "auto"),
        (r"\bme (?:voy a|quiero|pienso|puedo|podria|gustaria|dan ganas de) matar\b", "self"),
        (r"\bse (?:va a|quiere|piensa|puede|podria) matar\b", "other"),
        (r"\bquitar(?:me|se|te)? la vida\b|\b(?:me|se) (?:quito|quita) la vida\b", "auto"),
        (r"\b(?:acabar|terminar) con (?:mi|su|tu) vida\b", "auto"),
        (r"\b(?:acabar|terminar) con todo\b(?! (?:el|la|los|las|esto|eso|lo)\b)", "auto"),
        (r"\bno " + _G1 + r"(?:quiero|quiere|quieres|queria|quisiera|deseo|desea) " + _G1
         + r"(?:vivir|seguir viviendo|seguir aqui|seguir con vida|estar vivo|estar viva|existir"
         r"|estar aqui(?! en)|estar en este mundo"
         r"|seguir(?= *(?:,|$)))\b"
         r"(?! (?:con (?:el|la|este|esta) (?:tratamiento|medicina|doctor)))", "auto"),
        (r"\b(?:no tengo|no tiene|sin|ya no tengo) " + _G1 + r"ganas de vivir\b", "auto"),
        (r"\bmejor " + _G2 + r"muert[oa]s?\b", "auto"),
        (r"\b(?:mejor|ojala|quisiera) (?:\w+ )?(?:me|se) (?:muero|muera|muriera|muere)\b"
         + _IDIOM_DIE, "auto"),
        (r"\b(?:quiero|quisiera|quiere) desaparecer\b|\bdesaparecer para siempre\b", "auto"),
        (r"\bcansad[oa]s? de (?:vivir|la vida|existir|estar vivo|estar viva)\b", "auto"),
        (r"\bquiero que todo (?:se acabe|termine|se termine)\b", "auto"),
        # Intent to overdose: "me voy a tomar todas las pastillas".
        (r"\b(?:voy a|va a|quiero|quiere|pienso|piensa) (?:tomar|tragar)(?:me|se)? " + _G1
         + r"(?:todas|un frasco|el frasco|toda la caja|la caja|un monton|una botella"
         r"|la botella)\b", "auto"),
        # Purpose: "me tomé las pastillas para morir".
        (r"\bpara (?:morir\w*|matarme|matarse|quitarme la vida|quitarse la vida|no despertar)\b"
         + _IDIOM_DIE, "auto"),
        (r"\b(?:ojala|quisiera|desearia) " + _G1 + r"(?:morir\w*|estar muert\w*|no (?:haber nacido"
         r"|despertar|existir))\b|\bdormir(?:me)? y no despertar\b", "auto"),
        (r"\bno (?:le )?(?:veo|encuentro|ve|encuentra) sentido a (?:la|mi|su) vida\b", "auto"),
    ],
    "self_harm": [
        (r"\bhacer(?:me|se|te) " + _G1 + r"dano\b", "auto"),
        (r"\bme (?:quiero|voy a|vuelvo a|dan ganas de|gustaria|puedo|podria) hacer " + _G1
         + r"dano\b", "self"),
        (r"\bse (?:quiere|va a|vuelve a|puede|podria) hacer " + _G1 + r"dano\b", "other"),
        (r"\bme (?:haria|hago|hice|haga) dano\b", "self"),
        (r"\bse (?:haria|hace|hizo|haga) dano\b", "other"),
        (r"\blastimar(?:me|se)\b|\bme (?:quiero|voy a|dan ganas de) lastimar\b", "auto"),
        (r"\bcortar(?:me|se|te)\b" + _NOT_HAIR, "auto"),
        (r"\bme (?:quiero|voy a|vuelvo a|dan ganas de|gustaria) cortar\b" + _NOT_HAIR, "self"),
        (r"\bse (?:quiere|va a|vuelve a) cortar\b" + _NOT_HAIR, "other"),
        (r"\b(?:me|se) (?:estoy |esta |estaba |estuvo |sigue |sigo )?cort(?:o|e|a|ando|aba|aron)"
         r" " + _G1 + r"(?:los |las |mis |sus )?(?:brazos|munecas?|piernas|venas?|muslos)\b",
         "auto"),
        (r"\b(?:me|se) (?:corte|corto|queme|quemo|lastime|lastimo|golpee|golpeo|hice dano"
         r"|hizo dano|cortaba|cortando) (?:\w+ ){0,4}a proposito\b", "auto"),
        (r"\bautolesion\w*|\bautolastim\w*", "auto"),
        (r"\b(?:me|se) (?:estoy|esta|sigue|sigo) cortando\b" + _NOT_HAIR
         + r"(?! (?:el |un |mi |su )?dedo)", "auto"),
    ],
    "warning_signs": [
        (r"\bno (?:voy|va|vas) a estar " + _G2 + r"(?:mucho tiempo|por mucho|aqui mucho"
         r"|mucho mas|mas tiempo)\b(?! " + _G1 + r"(?:en|de) (?:la|el|mi) (?:cita|clinica"
         r"|consulta|oficina|trabajo|casa|ciudad|pais|linea))", "auto"),
        (r"\b(?:me estoy|se esta|estoy|esta|ando|anda) despidiendo\b", "auto"),
        (r"\b(?:regalando|regale|regalo|repartiendo|regalar|regalo) " + _G1
         + r"(?:todas )?(?:mis|sus) (?:cosas|pertenencias)\b", "auto"),
        (r"\bpastillas " + _G1 + r"(?:guardadas|juntadas|escondidas|ahorradas)\b", "auto"),
        (r"\b(?:guardando|juntando|acumulando|escondiendo) " + _G1 + r"pastillas\b", "auto"),
        (r"\b(?:soy|seria|ser) una carga\b|\bnadie me (?:va a )?extran\w*|\bmejor sin mi\b",
         "auto"),
        (r"\bcarta de despedida\b", "auto"),
    ],
}

# Infants under 3 months with a fever. Sources: NHS "Fever in children" (under 3 months with a
# temperature of 38C or higher: urgent); MedlinePlus en español "Fiebre"
# (https://medlineplus.gov/spanish/ency/article/003090.htm): call for a baby under 3 months with
# a rectal temperature of 100.4 F (38 C) or higher.
_INFANT_AGE = re.compile(
    r"\b(?:(de|tiene|tenia|con|cumplio|cumple|apenas|nacio hace|nacida hace|nacido hace) )"
    r"(\d+|un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)"
    r" (dia|dias|semana|semanas|mes|meses)\b"
)
_NEWBORN = re.compile(r"\brecien nacid[oa]s?\b|\bneonato\b")
_AGE_DURATION_BEFORE = re.compile(r"\b(?:fiebre|calentura|temperatura|tos|hace|desde|durante"
                                  r"|lleva|llevo|llevamos) $")
_FEVER = re.compile(r"\b(?:fiebre|calentura|temperatura|febril|caliente)\b"
                    r"|\b(?:3[89]|4[0-2])(?:\.\d+)?\b|\b10[0-5](?:\.\d+)?\b")
_NUMBERS = {"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
            "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12}
_DAYS = {"dia": 1, "dias": 1, "semana": 7, "semanas": 7, "mes": 30, "meses": 30}

# Someone else is the subject: family, friends, third-person pronouns. "él" only with its accent
# (without it, "el" is the article), so it is looked for in the raw text.
_OTHER_SUBJECT = re.compile(
    r"\b(?:esposo|esposa|marido|hijo|hija|hijos|hijas|mama|mami|madre|papa|papi|padre|bebe"
    r"|bebes|bebito|bebita|nene|nena|nino|nina|ninos|ninas|abuelo|abuela|abuelito|abuelita|hermano"
    r"|hermana|tio|tia|primo|prima|amigo|amiga|novio|novia|pareja|vecino|vecina|suegro|suegra"
    r"|nieto|nieta|companero|companera|ella|alguien|persona|senor|senora|hombre|paciente"
    r"|mom|dad|mother|father|wife|husband|daughter|baby|friend|grandma|grandpa)\b"
    r"|\bmi mujer\b"
)
_EL_ACCENTED = re.compile(r"(?<![\w])él(?![\w])", re.IGNORECASE)
_SELF_WORDS = frozenset("""
me mi puedo quiero quisiera estoy tengo siento tome trague queme corte desmaye perdi voy pienso
podia pude respiro matarme suicidarme quitarme morirme cortarme lastimarme hacerme deseo queria
""".split())
_OTHER_WORDS = frozenset("""
le les se su sus puede quiere pueden responde respira reacciona despierta perdio desmayo tomo
trago quemo corto cayo dice dijo pudo desea matarse suicidarse quitarse morirse cortarse
lastimarse hacerse respondia reaccionaba despertaba va
""".split())

# Crisis -> also an emergency when intent comes with means, a time, or a plan (988 / NIMH: a plan
# and access to means mean immediate danger; the English rules do the same: crisis_means_stated).
_CRISIS_INTENT = ("suicidal_ideation", "self_harm")
_MEANS = re.compile(r"\b(?:pastillas|pildoras|pistola|arma|armas|rifle|escopeta|cuchillo|navaja"
                    r"|soga|cuerda|veneno|puente|cloro|vias del tren)\b")
_IMMINENT = re.compile(r"\b(?:esta noche|hoy|ahora mismo|ahorita|ya mismo|en este momento"
                       r"|en un rato|manana)\b"
                       r"|\b(?:tengo|tiene|ya tengo|ya tiene) (?:un |el |todo )?(?:plan|planeado"
                       r"|listo)\b|\bya (?:lo )?decidi\w*")

_EMERGENCY_GROUPS = ("chest_pain", "breathing", "cyanosis", "unresponsive", "stroke", "seizure",
                     "bleeding", "anaphylaxis", "poisoning", "infant_fever", "burn")
_CRISIS_GROUPS = ("suicidal_ideation", "self_harm", "warning_signs")
_ORDER = (*_EMERGENCY_GROUPS, *_CRISIS_GROUPS, "crisis_imminent")


# Speed: a group's patterns run only if the message contains one of its anchor substrings (every
# pattern of the group needs at least one of them to match), so a routine message costs a few
# substring checks instead of ~100 regex scans. test_spanish_screen.py checks that the anchors
# never change a result on every case we have.
_ANCHORS: dict[str, tuple[str, ...]] = {
    "chest_pain": ("pecho", "toracic", "corazon", "infarto", "cardiac"),
    "breathing": ("respir", "aire", "ahog", "atragant", "asfixi"),
    "cyanosis": ("morad", "azul", "gris"),
    "unresponsive": ("respond", "reacciona", "despert", "despiert", "desma", "conocimiento",
                     "sentido", "inconsciente", "desplom", "desvaneci", "respuesta", "se mueve"),
    "stroke": ("cara", "boca", "labio", "ojo", "cachete", "mejilla", "rostro", "lado", "cuerpo",
               "mitad", "hablar", "mover", "habla", "arrastra", "traba", "debilidad", "cerebra",
               "embolia", "paralisis"),
    "seizure": ("vulsi", "bulsi", "ataque", "ojos en blanco"),
    "bleeding": ("sangr", "hemorragia"),
    "anaphylaxis": ("garganta", "lengua", "labio", "boca", "cara", "anafila", "alergic"),
    "poisoning": ("sobredosis", "veneno", "envenen", "intoxic", "pastilla", "pildora", "tableta",
                  "capsula", "medic", "frasco", "golpe", "pila", "bateria", "iman", "cloro",
                  "detergente", "jabon", "blanqueador", "lejia", "quimic", "insecticida",
                  "raticida", "gasolina", "anticongelante", "destapacanos", "acido", "caja",
                  "bote"),
    "burn": ("quem", "electrocut", "electrica"),
    "suicidal_ideation": ("morir", "matar", "suicid", "suisid", "vida", "viv", "existir", "aqui",
                          "mundo", "seguir", "muer", "muri", "desaparecer", "acabe", "termine",
                          "con todo", "tomar", "tragar", "despertar", "nacido"),
    "self_harm": ("dano", "lastim", "cort", "proposito", "autoles"),
    "warning_signs": ("a estar", "despidiendo", "regal", "repartiendo", "pastillas", "carga",
                      "extran", "sin mi", "despedida"),
}


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, tuple[str, ...], re.Pattern[str], str], ...]:
    """Compile once, on first use (module import stays cheap)."""
    return tuple((group, _ANCHORS[group], re.compile(rx), person)
                 for group, entries in _GROUPS.items() for rx, person in entries)


# "se desmayó hace un año", "tuvo un infarto el año pasado": history, not an emergency now.
# Only for the emergency groups: a past suicide attempt still matters to a crisis line.
# "desde hace un mes" is an ongoing problem, not history, so it does not count.
_HISTORY = re.compile(r"(?<!desde )\bhace (?:\w+ )?(?:ano|anos|mes|meses)\b"
                      r"|\b(?:el|la) (?:ano|semana|mes) pasad[oa]\b"
                      r"|\bde (?:nino|nina|joven|chiquito|chiquita)\b")


def _history(norm: str, start: int, end: int) -> bool:
    """True when the clause holding the match dates it months or years back."""
    left = norm.rfind(",", 0, start)
    right = norm.find(",", end)
    clause = norm[left + 1: right if right != -1 else len(norm)]
    return bool(_HISTORY.search(clause))


def _negated(norm: str, start: int) -> bool:
    """True when a negation governs the match starting at ``start`` (see module docstring)."""
    before = norm[:start].split()
    skipped = 0
    for tok in reversed(before):
        if tok in _NEGATIONS:
            return True
        if tok in _NEG_FILLER and skipped < _MAX_FILLER:
            skipped += 1
            continue
        return False
    return False


def _person(matched: str, fixed: str) -> str:
    if fixed != "auto":
        return fixed
    words = matched.split()
    if any(w in _SELF_WORDS for w in words):
        return "self"
    if any(w in _OTHER_WORDS for w in words):
        return "other"
    return "neutral"


def _infant_fever(norm: str) -> bool:
    if not _FEVER.search(norm):
        return False
    if _NEWBORN.search(norm):
        return True
    for m in _INFANT_AGE.finditer(norm):
        if m.group(1) == "de" and _AGE_DURATION_BEFORE.search(norm[: m.start()]):
            continue  # "fiebre de 2 días", "desde hace 2 días": a duration, not an age
        count = int(m.group(2)) if m.group(2).isdigit() else _NUMBERS[m.group(2)]
        if count * _DAYS[m.group(3)] <= 90:
            return True
    return False


def screen_spanish(text: str) -> SpanishScreen:
    """Screen one message for Spanish emergency and crisis language. Deterministic and pure."""
    return _screen(text, use_anchors=True)


def _screen(text: str, use_anchors: bool) -> SpanishScreen:
    norm = normalize(text or "")
    if not norm.strip(" ,"):
        return SpanishScreen(False, False, False, ())
    found: set[str] = set()
    persons: list[str] = []
    anchored: dict[str, bool] = {}  # a group's anchors, searched once per message
    for group, anchors, rx, fixed in _compiled():
        if use_anchors:
            if group not in anchored:
                anchored[group] = any(a in norm for a in anchors)
            if not anchored[group]:
                continue
        for m in rx.finditer(norm):
            first = m.group(0).split()[0]
            if first not in _NEGATIONS and _negated(norm, m.start()):
                continue
            if group in _EMERGENCY_GROUPS and _history(norm, m.start(), m.end()):
                continue
            found.add(group)
            persons.append(_person(m.group(0), fixed))
            break
    if _infant_fever(norm):
        found.add("infant_fever")
        persons.append("other")
    crisis = any(g in found for g in _CRISIS_GROUPS)
    if any(g in found for g in _CRISIS_INTENT) and (_MEANS.search(norm) or _IMMINENT.search(norm)):
        found.add("crisis_imminent")
    emergency = any(g in found for g in _EMERGENCY_GROUPS) or "crisis_imminent" in found
    other_subject = bool(_OTHER_SUBJECT.search(norm) or _EL_ACCENTED.search(text or ""))
    about_other = bool(found) and (
        "other" in persons or (other_subject and "self" not in persons)
    )
    findings = tuple(g for g in _ORDER if g in found)
    return SpanishScreen(emergency, crisis, about_other, findings)


def spanish_reply(result: SpanishScreen, clinic_phone: str) -> list[str]:
    """Patient-facing lines in Spanish (each SMS-sized), most urgent first; the not-a-clinician
    line is always last."""
    lines: list[str] = []
    if result.emergency:
        lines.append(EMERGENCY_FIRST_ES)
    if result.crisis:
        lines.append(CRISIS_988_ES)
        if not result.emergency:
            lines.append(CRISIS_911_ES)
        if result.about_other:
            lines.append(CRISIS_OTHER_ES)
    if result.emergency:
        if result.about_other:
            lines += [BYSTANDER_ES, BYSTANDER_CPR_ES]
        elif not result.crisis:
            lines.append(EMERGENCY_SELF_ES)
    if not (result.emergency or result.crisis):
        lines += _neither_lines(clinic_phone)
    lines.append(NOT_A_CLINICIAN_ES)
    return lines
