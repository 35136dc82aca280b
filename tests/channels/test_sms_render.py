"""SMS/WhatsApp rendering (bot/channels/sms_render.py): pure, no servers."""

from __future__ import annotations

import ast

import pytest

from bot.channels import sms_render
from bot.channels.sms_render import (
    MAX_UNITS,
    Option,
    choose_option,
    encoding,
    length_units,
    render_turn,
    segment_count,
    split_message,
)
from scripts.stack import ROOT


def test_module_is_pure() -> None:
    tree = ast.parse((ROOT / "bot/channels/sms_render.py").read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"rasa", "sanic", "redis", "twilio", "httpx", "requests"}


@pytest.mark.parametrize(
    ("text", "enc", "units"),
    [
        ("hello", "GSM-7", 5),
        ("café £5 @home", "GSM-7", 13),          # accented + £ + @ are in the basic set
        ("[x]", "GSM-7", 5),                     # [ and ] are extension chars: 2 septets each
        ("€10 ^ {a} ~ | \\", "GSM-7", 22),       # 15 chars, 7 of them extension: 22
        ("naïve", "UCS-2", 5),                   # ï is not GSM-7: whole message is UCS-2
        ("ok 👍", "UCS-2", 5),                   # an astral emoji is 2 UTF-16 code units
        ("€ and ç", "UCS-2", 7),                 # ç (lower case) is not GSM: € counts 1 then
    ],
)
def test_encoding_and_length(text: str, enc: str, units: int) -> None:
    assert encoding(text) == enc
    assert length_units(text) == units


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 159 + "€", 2),        # 161 septets
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair is not split: moves to segment 2
        ("ä" * 70 + "ï", 2),         # UCS-2: 71 chars
        ("ï" * 70, 1),
        ("ï" * 134, 2),
        ("ï" * 135, 3),
        ("ï" * 66 + "👍" + "ï" * 3, 2),  # 71 units; the surrogate pair stays together
    ],
)
def test_segment_count(text: str, segments: int) -> None:
    assert segment_count(text) == segments


def test_segment_packing_keeps_escape_pairs_whole() -> None:
    # 152 plain + € (2) = 154 > 153: the pair moves to segment 2; 153 + 2 + 152 = 3 segments.
    assert segment_count("a" * 152 + "€" + "a" * 152) == 3


def test_typography_is_folded_to_stay_gsm7() -> None:
    rendered = render_turn([{"text": "I\u2019m not a clinician \u2014 call 911\u2026"}])
    assert rendered.bodies == ["I'm not a clinician - call 911..."]
    assert encoding(rendered.bodies[0]) == "GSM-7"


def test_short_reply_is_one_message() -> None:
    assert split_message("Hello there. How are you?") == ["Hello there. How are you?"]


def test_long_reply_splits_at_sentence_boundaries_within_the_limit() -> None:
    sentences = [f"Sentence number {i} says something useful about the clinic." for i in range(20)]
    parts = split_message(" ".join(sentences))
    assert len(parts) > 1
    assert all(length_units(p) <= MAX_UNITS for p in parts)
    assert all(p.endswith(".") for p in parts)  # never cut inside a sentence
    assert " ".join(parts) == " ".join(sentences)


def test_limit_counts_extension_chars_double() -> None:
    text = " ".join(["[a]"] * 100)  # 399 chars, but 599 septets
    parts = split_message(text)
    assert all(length_units(p) <= MAX_UNITS for p in parts)
    assert len(parts) == 2
    assert all(len(p) < MAX_UNITS for p in parts)


def test_ucs2_reply_limit_in_code_units() -> None:
    text = ("Ça va 👍 merci beaucoup. " * 30).strip()
    parts = split_message(text)
    assert all(length_units(p) <= MAX_UNITS for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")


def test_overlong_sentence_splits_on_words_and_overlong_word_is_cut() -> None:
    sentence = " ".join(["word"] * 200)
    parts = split_message(sentence)
    assert all(length_units(p) <= MAX_UNITS for p in parts)
    assert " ".join(parts) == sentence
    url = "https://example.org/" + "x" * 700
    parts = split_message(url)
    assert all(length_units(p) <= MAX_UNITS for p in parts)
    assert "".join(parts) == url


GREETING = {
    "text": "Hello! I'm the clinic's assistant \u2014 I'm not a clinician. How can I help?",
    "buttons": [
        {"title": "Questions about the clinic", "payload": "/ask_clinic_info"},
        {"title": "Appointments", "payload": "/manage_appointment"},
        {"title": "Check my symptoms", "payload": "/report_symptoms"},
    ],
}


def test_buttons_become_numbered_options() -> None:
    rendered = render_turn([GREETING])
    assert len(rendered.bodies) == 1
    assert rendered.bodies[0].endswith(
        "\n\n1) Questions about the clinic\n2) Appointments\n3) Check my symptoms\n"
        "Reply 1, 2 or 3."
    )
    assert [o.payload for o in rendered.options] == [
        "/ask_clinic_info", "/manage_appointment", "/report_symptoms"]


@pytest.mark.parametrize(("count", "hint"),
                         [(1, "Reply 1."), (2, "Reply 1 or 2."), (4, "Reply 1, 2, 3 or 4.")])
def test_reply_hint(count: int, hint: str) -> None:
    assert sms_render.reply_hint(count) == hint


def test_options_block_stays_whole_and_last_when_the_text_is_long() -> None:
    long_text = " ".join(f"This is sentence {i} of a long answer." for i in range(15))
    rendered = render_turn([{"text": long_text, "buttons": GREETING["buttons"]}])
    assert len(rendered.bodies) > 1
    assert all(length_units(b) <= MAX_UNITS for b in rendered.bodies)
    block = "1) Questions about the clinic\n2) Appointments\n3) Check my symptoms\nReply 1, 2 or 3."
    assert block in rendered.bodies[-1]


def test_a_turns_texts_are_joined_and_the_last_button_set_wins() -> None:
    rendered = render_turn([
        {"text": "First."},
        {"text": "Pick:", "buttons": [{"title": "A", "payload": "a"}]},
        {"text": "Now:", "buttons": [{"title": "Yes", "payload": "yes"},
                                     {"title": "No", "payload": "no"}]},
    ])
    assert rendered.bodies == ["First.\n\nPick:\n\nNow:\n\n1) Yes\n2) No\nReply 1 or 2."]
    assert rendered.options == [Option("Yes", "yes"), Option("No", "no")]


def test_no_text_no_bodies() -> None:
    assert render_turn([{"custom": {"x": 1}}]).bodies == []


OPTIONS = [Option("Yes", "yes"), Option("No", "no"), Option("I don't know", "I don't know")]


@pytest.mark.parametrize(
    ("reply", "payload"),
    [("1", "yes"), (" 2 ", "no"), ("3.", "I don't know"), ("3)", "I don't know"),
     ("no", "no"), ("I DON\u2019T KNOW", "I don't know"),
     ("4", None), ("0", None), ("12", None), ("1 2", None), ("yes please", None)],
)
def test_choose_option(reply: str, payload: str | None) -> None:
    assert choose_option(reply, OPTIONS) == payload


def test_digits_are_just_text_without_remembered_options() -> None:
    assert choose_option("1", []) is None
