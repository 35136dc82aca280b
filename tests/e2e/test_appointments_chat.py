"""Appointments and clinic questions over REST against the real stack (Rasa, action server,
Redis, the SQLite appointment book). The test stack's clinic clock is fixed at Monday
2027-03-01 09:30 New York time (tests/conftest.py), so "tomorrow morning" is a Tuesday."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

from actions.escalation.store import EscalationQueue
from tests.e2e.helpers import say, texts

CODE = re.compile(r"Confirmation code: ([A-Z0-9]{6})")


def new_sender() -> str:
    return f"appt-{uuid.uuid4().hex[:10]}"


def buttons(reply: list[dict]) -> list[str]:
    return [b["title"] for m in reply for b in m.get("buttons", [])]


def book(stack, sender: str, name: str, dob: str, when: str = "tomorrow morning",
         pick: str = "1") -> str:
    assert "What kind of visit" in texts(say(stack, sender, "I'd like to book an appointment"))
    assert "what is the visit for" in texts(say(stack, sender, "a follow-up visit"))
    assert "When would suit you" in texts(say(stack, sender, "blood pressure review"))
    options = say(stack, sender, when)
    assert "Which one" in texts(options), texts(options)
    assert "first and last name" in texts(say(stack, sender, pick))
    assert "date of birth" in texts(say(stack, sender, name))
    confirm = say(stack, sender, dob)
    assert "Shall I book it?" in texts(confirm) and buttons(confirm) == ["Yes", "No"]
    done = texts(say(stack, sender, "yes"))
    match = CODE.search(done)
    assert match, done
    return match.group(1)


def test_book_list_reschedule_and_cancel(stack) -> None:
    sender = new_sender()
    code = book(stack, sender, "Rosa Diaz", "06/21/1981")
    listing = texts(say(stack, sender, "when is my next appointment"))
    assert "first and last name" in listing
    say(stack, sender, "Rosa Diaz")
    asked = texts(say(stack, sender, "June 21 1981"))
    assert "confirmation code" in asked and code not in asked   # verified first
    upcoming = texts(say(stack, sender, code))
    assert code in upcoming and "Tuesday 2 March" in upcoming

    assert "confirmation code" in texts(say(stack, sender, "I need to reschedule"))
    assert "date of birth" in texts(say(stack, sender, "ZZZ999"))
    assert "couldn't match" in texts(say(stack, sender, "6/21/1981"))
    assert "date of birth" in texts(say(stack, sender, code.lower()))
    assert "couldn't match" in texts(say(stack, sender, "01/01/1950"))
    say(stack, sender, code)
    assert "When would suit you" in texts(say(stack, sender, "6/21/1981"))
    assert "Which one" in texts(say(stack, sender, "wednesday afternoon"))
    assert "Move your appointment" in texts(say(stack, sender, "1"))
    moved = texts(say(stack, sender, "yes"))
    assert "moved" in moved and code in moved and "Wednesday 3 March" in moved

    assert "confirmation code" in texts(say(stack, sender, "cancel my appointment"))
    say(stack, sender, code)
    assert "Cancel this appointment" in texts(say(stack, sender, "06/21/1981"))
    assert "cancelled" in texts(say(stack, sender, "yes"))


def test_bad_input_gets_clear_messages_then_a_person(stack) -> None:
    sender = new_sender()
    say(stack, sender, "book a follow-up visit")
    say(stack, sender, "knee check")
    assert "February" in texts(say(stack, sender, "february 30"))
    assert "past" in texts(say(stack, sender, "last friday")).lower()
    final = texts(say(stack, sender, "sunday at 10"))
    assert "closed" in final.lower() or "sunday" in final.lower()
    assert "person from the clinic team" in final
    entry = EscalationQueue.from_url(stack.redis_settings.url).get(sender)
    assert entry is not None and entry.summary.reason.value == "scheduling_dead_end"
    # The form is over: the next message is a normal turn again.
    assert "not a clinician" in texts(say(stack, sender, "hello"))


def test_clinic_question_mid_booking_is_answered_and_booking_resumes(stack) -> None:
    sender = new_sender()
    say(stack, sender, "book a follow-up visit")
    say(stack, sender, "knee check")
    detour = say(stack, sender, "where can I park at the main clinic?")
    assert "Source:" in texts(detour)
    assert "When would suit you" in texts(detour)  # the form asks its question again
    assert "Which one" in texts(say(stack, sender, "tomorrow after 3"))


def test_red_flag_mid_booking_gets_911_and_ends_booking(stack) -> None:
    sender = new_sender()
    say(stack, sender, "book a follow-up visit")
    reply = texts(say(stack, sender, "crushing chest pain and I can't breathe"))
    assert "911" in reply
    assert "When would suit you" not in reply


def test_twenty_patients_racing_for_one_slot_exactly_one_gets_it(stack) -> None:
    senders = [new_sender() for _ in range(20)]

    def to_confirmation(sender: str) -> None:
        say(stack, sender, "book a vaccination")
        say(stack, sender, "flu shot")
        say(stack, sender, "thursday at 4pm")
        say(stack, sender, "1")
        letters = sender[-6:].translate(str.maketrans("0123456789", "abcdefghij"))
        say(stack, sender, f"Pat {letters}")
        assert "Shall I book it?" in texts(say(stack, sender, "02/02/1992"))

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(to_confirmation, senders))
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda s: texts(say(stack, s, "yes")), senders))
    winners = [r for r in results if "Confirmation code:" in r]
    losers = [r for r in results if "just taken" in r]
    assert len(winners) == 1, results
    assert len(losers) == 19 and all("Which one" in r for r in losers)


def test_faq_answers_name_their_page_and_never_guess(stack) -> None:
    sender = new_sender()
    answer = texts(say(stack, sender, "do you accept medicaid?"))
    assert "Medicaid" in answer and "Source:" in answer
    unsure = say(stack, sender, "do you offer acupuncture?")
    assert "Source:" not in texts(unsure)
    assert "Talk to a person" in buttons(unsure)
    dosing = say(stack, sender, "how much ibuprofen can I give my child?")
    assert "Source:" not in texts(dosing) and "can't answer medical questions" in texts(dosing)
    assert "Check my symptoms" in buttons(dosing)
    # Describing a symptom goes straight into the symptom check, never an FAQ answer.
    medical = say(stack, new_sender(), "is this rash on my arm serious?")
    assert "Source:" not in texts(medical)
    assert "How old is the person" in texts(medical)


def test_urgent_result_offers_same_day_slots(stack) -> None:
    sender = new_sender()
    reply = say(stack, sender, "I have burning when I pee and a fever")
    for _ in range(8):
        if "Book a same-day visit" in buttons(reply) or not buttons(reply):
            break
        reply = say(stack, sender, "I don't know")
    assert "Book a same-day visit" in buttons(reply), texts(reply)
    payload = next(b["payload"] for m in reply for b in m.get("buttons", [])
                   if b["title"] == "Book a same-day visit")
    when = say(stack, sender, payload)
    assert "today or tomorrow" in texts(when)
    options = say(stack, sender, "as soon as possible")
    assert "Which one" in texts(options)
    times = [t for t in buttons(options) if " Mar, " in t]
    assert len(times) == 3 and all(t.startswith(("Mon 1 Mar", "Tue 2 Mar")) for t in times)
