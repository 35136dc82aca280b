"""The Rasa process's own compact screen, used when the action server cannot answer."""

import pytest

from bot.safety_fallback import screen

EMERGENCIES = [
    "crushing chest pain going down my left arm",
    "my dad collapsed and he is not breathing",
    "she won't wake up",
    "his face is drooping and his speech is slurred",
    "my son is having a seizure",
    "mi esposo no responde y no respira bien",
    "me duele mucho el pecho y no puedo respirar",
]
CRISES = [
    "I want to kill myself",
    "sometimes I think about just not waking up",
    "quiero morir",
    "I've written goodbye letters, I won't be around much longer",
]
HARMLESS = [
    "what time do you open on saturday?",
    "I need to book a physical",
    "no chest pain, just a runny nose",
    "¿a qué hora abren?",
    "thanks, bye",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergencies_get_the_911_line(text: str) -> None:
    lines = screen(text)
    assert lines and ("911" in lines[0])


@pytest.mark.parametrize("text", CRISES)
def test_crises_get_988(text: str) -> None:
    assert "988" in " ".join(screen(text))


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_messages_get_nothing(text: str) -> None:
    assert screen(text) == []


def test_spanish_gets_spanish() -> None:
    assert screen("mi esposo no responde y no respira bien")[0].startswith("Llame al 911")
    assert "oprima 2" in " ".join(screen("me quiero morir"))


def test_means_and_intent_get_911_and_988() -> None:
    lines = " ".join(screen("I want to die, I have pills saved up for tonight"))
    assert "911" in lines and "988" in lines
