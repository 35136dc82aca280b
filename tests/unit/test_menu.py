import yaml

from actions.core.menu import MENU_BUTTONS, greeting
from scripts.stack import ROOT


def test_both_greetings_say_not_a_clinician_and_911() -> None:
    for returning in (False, True):
        text = greeting(returning)
        assert "not a clinician" in text
        assert "911" in text


def test_menu_offers_the_three_capabilities_as_domain_intents() -> None:
    domain = yaml.safe_load((ROOT / "bot/domain.yml").read_text())
    intents = set(domain["intents"])
    payloads = [b["payload"] for b in MENU_BUTTONS]
    assert payloads == ["/ask_clinic_info", "/manage_appointment", "/report_symptoms"]
    assert {p.lstrip("/") for p in payloads} <= intents
