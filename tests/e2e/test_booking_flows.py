"""Booking, moving and cancelling in patients' own words over REST and SMS against the live stack
(clinic clock fixed at Monday 2027-03-01 09:30 New York, tests/conftest.py): a parent booking for
a child, an adult, and a same-day urgent visit. No offered time may be one the store would refuse:
adults never see the pediatrician (Dr. Sarah Kim, ages 0-17)."""

from __future__ import annotations

import re
import uuid

from tests.e2e.helpers import say, texts
from tests.e2e.test_twilio_channels import SMS, bodies, chat, new_address

CODE = re.compile(r"Confirmation code: ([A-Z0-9]{6})")
PEDIATRICIAN = "Sarah Kim"


def rest(stack):
    """One patient over REST: each turn returns the replies' text and button titles."""
    sender = f"bk-{uuid.uuid4().hex[:10]}"

    def turn(text: str) -> str:
        reply = say(stack, sender, text)
        buttons = [b["title"] for m in reply for b in m.get("buttons", [])]
        return texts(reply) + "\n" + "\n".join(buttons)
    return turn


def sms(stack):
    """One patient over SMS (signed Twilio webhooks; replies read from the local recorder)."""
    address = new_address(SMS)
    return lambda text: bodies(chat(stack, SMS, address, text))


def move_and_cancel(turn, code: str, dob: str, adult: bool) -> None:
    assert "confirmation code" in turn("I need to reschedule my appointment")
    assert "date of birth" in turn(code)
    assert "When would suit you" in turn(dob)
    options = turn("wednesday afternoon")
    assert "Which one" in options
    if adult:
        assert PEDIATRICIAN not in options
    assert "Move your appointment" in turn("the second one")
    moved = turn("yes")
    assert "moved" in moved and code in moved
    assert "confirmation code" in turn("cancel my appointment")
    turn(code)
    assert "Cancel this appointment" in turn(dob)
    assert "cancelled" in turn("yes")


def child_by_parent(turn) -> None:
    first = turn("hi, I need an appointment for my son, he has an earache, tomorrow afternoon")
    assert "date of birth" in first and "Which one" not in first  # eligibility before times
    options = turn("05/06/2019")
    assert "Which one" in options and "Tue 2 Mar" in options
    assert "first and last name" in turn("the first one")
    assert "Shall I book it?" in turn("Leo Park")
    code = CODE.search(turn("yes"))
    assert code, "no confirmation code"
    move_and_cancel(turn, code.group(1), "05/06/2019", adult=False)


def adult(turn) -> None:
    assert "What kind of visit" in turn("I am looking for a doctor.")
    assert "what is the visit for" in turn("not sure")
    assert "When would suit you" in turn("a rash on my arm")
    options = turn("tomorrow afternoon")
    assert "Which one" in options and PEDIATRICIAN not in options
    options = turn("not mornings")  # still afternoons; never the pediatrician
    assert PEDIATRICIAN not in options
    assert "first and last name" in turn("the last one")
    assert "date of birth" in turn("Omar Haddad")
    assert "Shall I book it?" in turn("09/09/1979")
    code = CODE.search(turn("yes"))
    assert code, "no confirmation code"
    move_and_cancel(turn, code.group(1), "09/09/1979", adult=True)


def same_day_urgent(turn, name: str) -> None:
    options = turn("need an urgent appointment today for my ear infection")
    assert "Which one" in options and PEDIATRICIAN not in options
    assert "Mon 1 Mar" in options
    assert "first and last name" in turn("1")
    assert "date of birth" in turn(name)
    assert "Shall I book it?" in turn("11/30/1990")
    assert CODE.search(turn("yes")), "no confirmation code"


def test_child_booked_moved_and_cancelled_by_a_parent_over_rest(stack) -> None:
    child_by_parent(rest(stack))


def test_adult_booked_moved_and_cancelled_over_rest(stack) -> None:
    adult(rest(stack))


def test_same_day_urgent_visit_over_rest(stack) -> None:
    same_day_urgent(rest(stack), "Ines Moreau")


def test_child_booked_moved_and_cancelled_by_a_parent_over_sms(stack) -> None:
    child_by_parent(sms(stack))


def test_adult_booked_moved_and_cancelled_over_sms(stack) -> None:
    adult(sms(stack))


def test_same_day_urgent_visit_over_sms(stack) -> None:
    same_day_urgent(sms(stack), "Ines Laurent")


def test_small_talk_in_the_form_and_a_service_we_do_not_offer(stack) -> None:
    turn = rest(stack)
    assert "What kind of visit" in turn("I need a doctor.")
    thanks = turn("thanks")
    assert "didn't recognise" not in thanks and "What kind of visit" in thanks
    assert "don't offer dental" in turn("actually a dentist")
    assert "goodbye" in turn("bye").lower()
