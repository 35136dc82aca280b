"""Regression cases found by probing the matcher AFTER its first full run (so they are not part
of the held-out figures, which come only from spanish_cases.yml). Each miss or false fire found
that way was fixed in the matcher and is pinned here."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from actions.core.safety.spanish import screen_spanish

MUST_FIRE = [
    "mi abuela no contesta cuando le hablo y no se mueve",
    "me arde el pecho y se me va al brazo",
    "no puedo agarrar aire",
    "ya no quiero estar aquí",
    "mejor me muero",
    "ojalá me muriera",
    "quiero desaparecer para siempre",
    "me tomé todas mis pastillas para morir",
    "mi hijo se tomó una botella de pastillas",
    "estoy cansado de vivir",
    "mi hijo se esta cortando",
    "me voy a tomar todas las pastillas esta noche",
    "quiero que todo se acabe",
    "nunca he sentido esto, me duele el pecho desde hace un mes y ahora es muy fuerte",
    "mi bebé nació hace 5 semanas y tiene fiebre",
    "Mi Esposo No Responde",
    "MI HIJO NO RESPIRA!!!",
    "noooo respiraaa mi bebe",
]
MUST_NOT_FIRE = [
    "nunca pensé en suicidarme",
    "no tengo pensamientos suicidas",
    "mi esposo se desmayó hace un año, ¿necesita cita?",
    "no quiero seguir tomando esa medicina",
    "me mata el dolor de cabeza",
    "este calor me va a matar",
    "me muero de frío",
    "me estoy muriendo de calor",
    "estoy muerto de cansancio",
    "mi mamá no contesta sus mensajes",
    "mi esposo no responde mis llamadas",
    "no puedo hablar ahorita, estoy en el trabajo",
    "no puedo hablar inglés",
    "se me inflamó la garganta",
    "tengo fiebre desde hace 2 días",
    "mi hijo tiene fiebre de 2 días",
    "mi bebé de 6 meses tiene fiebre",
    "me tomé mis pastillas de la presión",
    "mi mamá ya se tomó su medicina",
    "quiero cortarme el pelo",
    "la leche me hace daño",
    "me dio un ataque de tos",
    "no me falta el aire",
    "me corté el dedo pero ya no sangra",
    "me sangran mucho las encías",
    "no voy a estar mucho tiempo en la cita",
    "me despido, gracias por todo",
    "tengo moretones morados en las piernas",
    "mi papa tiene derrame en el ojo",
]


@pytest.mark.parametrize("text", MUST_FIRE)
def test_probe_fires(text: str) -> None:
    r = screen_spanish(text)
    assert r.emergency or r.crisis, text


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_probe_does_not_fire(text: str) -> None:
    r = screen_spanish(text)
    assert not (r.emergency or r.crisis), (text, r.findings)


def test_silent_on_the_english_triage_sets() -> None:
    """The patterns are Spanish-only, so the gate may run this screen on English messages too
    (to catch Spanglish the language guess calls English) without false fires: English negation
    such as "denies chest pain" or "not suicidal" is the English screen's job."""
    root = Path(__file__).parents[2] / "triage_eval"
    messages = [row["message"] for f in sorted(root.glob("*_cases.csv"))
                for row in csv.DictReader(f.open(encoding="utf-8"))]
    if not messages:
        pytest.skip("no English triage case files")
    fired = [m for m in messages if (r := screen_spanish(m)).emergency or r.crisis]
    assert not fired, fired[:5]


def test_anchor_prefilter_never_changes_a_result() -> None:
    """The anchor substrings only skip work: every case gives the same screen without them."""
    import yaml

    from actions.core.safety.spanish import _screen

    here = Path(__file__).parent
    texts = [c["text"] for c in yaml.safe_load((here / "spanish_cases.yml").read_text(
        encoding="utf-8"))["cases"]]
    texts += MUST_FIRE + MUST_NOT_FIRE
    for f in sorted((here.parents[1] / "triage_eval").glob("*_cases.csv")):
        texts += [row["message"] for row in csv.DictReader(f.open(encoding="utf-8"))]
    for text in texts:
        assert _screen(text, use_anchors=True) == _screen(text, use_anchors=False), text
