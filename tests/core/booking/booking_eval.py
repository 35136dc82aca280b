"""Scores the booking conversation (actions/core/booking) on the case set in cases/.

Run as a module to print dev and held-out figures:
    .venvs/actions/bin/python -m tests.core.booking.booking_eval [--split dev|heldout|all]

The split (cases/split.yml) was drawn once with a fixed seed (``make_split``) and committed with
the cases, before the behaviour they measure was changed. The held-out half is never tuned on.

A scripted patient answers every question the assistant asks from the case's own facts (in
words, once each); "completed without rephrase" means the booking finished with no error reply
and the appointment matches what the patient asked for.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from actions.core.booking import dialogue
from actions.core.booking.state import BOOKED, BookingState
from actions.core.scheduling.clinic import load_clinic
from actions.core.scheduling.sqlite_store import SqliteAppointmentStore

CASES = Path(__file__).parent / "cases"
NY = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 1, 9, 30, tzinfo=NY)  # a Monday morning
SEED = 14
MAX_TURNS = 16

VISIT_WORDS = {"annual_physical": "a check-up", "follow_up": "a follow-up visit",
               "new_problem": "a new health concern", "same_day": "a same-day urgent visit",
               "telehealth": "a video visit", "vaccination": "a vaccination", None: "not sure"}
WHO_WORDS = {"self": "it's for me", "child": "it's for my son", "other": "for my mother"}
WHO_NAMES = {"self": "Sam Rivera", "child": "Leo Park", "other": "Ana Lopez"}
WHO_AGES = {"self": 38, "child": 6, "other": 70}


# ---- loading and splitting ---------------------------------------------------------------------

def load_openers() -> list[dict[str, Any]]:
    raw = yaml.safe_load((CASES / "openers.yml").read_text(encoding="utf-8"))["openers"]
    return [{"id": f"o{i:03d}", **case} for i, case in enumerate(raw, start=1)]


def load_dialogues() -> list[dict[str, Any]]:
    raw = yaml.safe_load((CASES / "dialogues.yml").read_text(encoding="utf-8"))
    defaults = raw.get("defaults", {}).get("profile", {})
    return [{**case, "profile": {**defaults, **case.get("profile", {})}}
            for case in raw["dialogues"]]


def make_split() -> dict[str, list[str]]:
    """Half of each set held out, drawn with a fixed seed (run once; the result is committed)."""
    rng = random.Random(SEED)
    held: dict[str, list[str]] = {}
    for name, cases in (("openers", load_openers()), ("dialogues", load_dialogues())):
        ids = [c["id"] for c in cases]
        rng.shuffle(ids)
        held[name] = sorted(ids[: len(ids) // 2])
    return held


def load_split() -> dict[str, list[str]]:
    return yaml.safe_load((CASES / "split.yml").read_text(encoding="utf-8"))["heldout"]


def select(cases: list[dict[str, Any]], kind: str, part: str) -> list[dict[str, Any]]:
    held = set(load_split()[kind])
    if part == "all":
        return cases
    return [c for c in cases if (c["id"] in held) == (part == "heldout")]


# ---- driving the core ----------------------------------------------------------------------------

def new_context(tmp: Path, now: datetime = NOW) -> dialogue.BookingContext:
    clinic = load_clinic()
    store = SqliteAppointmentStore(tmp / "book.sqlite3", clinic, now=lambda: now)
    return dialogue.BookingContext(store, clinic, now)


def start(text: str, ctx: dialogue.BookingContext) -> tuple[BookingState, str]:
    """The opener: the state and everything said in the first reply."""
    if hasattr(dialogue, "start"):
        state, replies = dialogue.start(text, ctx)
    else:  # the conversation as it was before the opener was read for details
        state, replies = dialogue.begin(text), []
    question = dialogue.prompt(state, ctx)
    return state, " ".join(r.text for r in [*replies, *([question] if question else [])])


def turn(state: BookingState, text: str, ctx: dialogue.BookingContext) -> str:
    replies = dialogue.handle(state, text, ctx)
    question = dialogue.prompt(state, ctx)
    return " ".join(r.text for r in [*replies, *([question] if question else [])])


def _local(slot_id: str, ctx: dialogue.BookingContext) -> datetime:
    return ctx.store.slot(slot_id).start.astimezone(NY)


def _clock(dt: datetime) -> str:
    return f"{dt.hour}:{dt.minute:02d}"


def _part_ok(dt: datetime, part: str) -> bool:
    return {"morning": dt.hour < 12, "afternoon": 12 <= dt.hour < 17,
            "evening": dt.hour >= 17}[part]


def _dob_for(age: int) -> str:
    return f"06/15/{NOW.year - age - 1}"


@dataclass
class Patient:
    """Answers each question once, in words, from what the case says about the patient."""

    visit_type: str | None = None
    reason: str = "general check"
    who: str = "self"
    age: int | None = None
    name: str | None = None
    dob: str | None = None
    when: str = "as soon as possible"
    visit_words: str | None = None

    def answer(self, step: str | None) -> str:
        age = self.age if self.age is not None else WHO_AGES[self.who]
        answers = {
            "task": "book an appointment",
            "visit_type": self.visit_words or VISIT_WORDS.get(self.visit_type, "not sure"),
            "reason": self.reason,
            "when": self.when,
            "slot": "1",
            "name": self.name or WHO_NAMES[self.who],
            "dob": self.dob or _dob_for(age),
            "who": WHO_WORDS[self.who],
            "age": str(age),
            "confirm": "yes",
        }
        return answers.get(step or "", "yes")


# ---- openers ---------------------------------------------------------------------------------

@dataclass
class OpenerResult:
    case_id: str
    booking_question: bool
    fields_ok: bool
    completed: bool | None  # None for services we don't offer
    turns: int | None
    wrong_booking: bool
    notes: list[str] = field(default_factory=list)


def _state_field(state: BookingState, name: str) -> Any:
    return getattr(state, name, None)


def check_opener_fields(state: BookingState, expect: dict[str, Any],
                        ctx: dialogue.BookingContext) -> list[str]:
    problems = []
    for key, want in expect.items():
        if key == "unsupported":
            continue
        if key == "day":
            start = _state_field(state, "window_start")
            got = datetime.fromisoformat(start).astimezone(NY).date().isoformat() if start else None
            if got != want:
                problems.append(f"day {got} != {want}")
        elif key == "part":
            start, end = _state_field(state, "window_start"), _state_field(state, "window_end")
            pref = _state_field(state, "part")
            ok = pref == want
            if not ok and start and end:
                lo = datetime.fromisoformat(start).astimezone(NY)
                hi = datetime.fromisoformat(end).astimezone(NY)
                ok = _part_ok(lo, want) and (hi - lo).total_seconds() < 10 * 3600
            if not ok:
                problems.append(f"part != {want}")
        elif key == "reason":
            got = _state_field(state, "reason") or ""
            if want.lower() not in got.lower():
                problems.append(f"reason {got!r} lacks {want!r}")
        elif key == "who":
            got = _state_field(state, "who")
            if (got or "self") != want:
                problems.append(f"who {got} != {want}")
        elif key == "clinician":
            if _state_field(state, "clinician") != want:
                problems.append(f"clinician {_state_field(state, 'clinician')} != {want}")
        elif key == "site":
            if _state_field(state, "site") != want:
                problems.append(f"site {_state_field(state, 'site')} != {want}")
        elif key == "modality":
            got = _state_field(state, "modality")
            if got is None and want == "video":
                got = "video" if _state_field(state, "visit_type") == "telehealth" else None
            if got != want:
                problems.append(f"modality {got} != {want}")
        elif _state_field(state, key) != want:
            problems.append(f"{key} {_state_field(state, key)!r} != {want!r}")
    return problems


def _booked_matches(appt: Any, expect: dict[str, Any], ctx: dialogue.BookingContext,
                    age: int) -> list[str]:
    problems = []
    local = appt.slot.start.astimezone(NY)
    if expect.get("visit_type") and appt.visit_type_id != expect["visit_type"]:
        problems.append(f"booked {appt.visit_type_id}")
    if expect.get("day") and local.date().isoformat() != expect["day"]:
        problems.append(f"booked day {local.date()}")
    if expect.get("part") and not _part_ok(local, expect["part"]):
        problems.append(f"booked {local:%H:%M}, not {expect['part']}")
    if expect.get("clinician") and appt.slot.provider_id != expect["clinician"]:
        problems.append(f"booked with {appt.slot.provider_id}")
    if expect.get("site"):
        site = ctx.clinic.providers[appt.slot.provider_id].location_id
        if site != expect["site"]:
            problems.append(f"booked at {site}")
    if expect.get("modality") == "in_person" and appt.slot.location_id == "telehealth":
        problems.append("booked video")
    if not ctx.clinic.providers[appt.slot.provider_id].sees_age(age):
        problems.append("ineligible clinician")
    return problems


def run_opener(case: dict[str, Any], tmp: Path) -> OpenerResult:
    ctx = new_context(tmp)
    expect = case["expect"]
    state, first = start(case["text"], ctx)
    from actions.core.booking.state import ASK_TASK, BOOK
    if expect.get("unsupported"):
        ok = "don't offer" in first.lower() or "do not offer" in first.lower()
        return OpenerResult(case["id"], ok, ok, None, None, False,
                            [] if ok else [f"first reply: {first[:120]!r}"])
    asks_booking = state.task == BOOK and state.step != ASK_TASK and not state.outcome
    problems = check_opener_fields(state, expect, ctx)
    who = expect.get("who", "self")
    age = expect.get("age", WHO_AGES[who])
    patient = Patient(visit_type=expect.get("visit_type"), reason=expect.get("reason") or
                      "general check", who=who, age=age)
    turns, failed = 1, False
    while state.outcome is None and turns < MAX_TURNS:
        failures_before = state.failures
        step = state.step
        reply = turn(state, patient.answer(step), ctx)
        turns += 1
        if state.failures > failures_before or (state.step == step and step != "slot"
                                                and state.outcome is None):
            failed = True
            problems.append(f"stuck at {step}: {reply[:100]!r}")
    completed, wrong = False, False
    if state.outcome == BOOKED and state.appointment_code:
        appt = ctx.store.get(state.appointment_code)
        booked_problems = _booked_matches(appt, expect, ctx, age)
        wrong = bool(booked_problems)
        problems.extend(booked_problems)
        completed = not failed and not wrong
    else:
        problems.append(f"outcome {state.outcome}")
    return OpenerResult(case["id"], asks_booking, not [p for p in problems
                                                      if not p.startswith(("stuck", "outcome",
                                                                           "booked"))],
                        completed, turns if state.outcome == BOOKED else None, wrong, problems)


# ---- dialogues -------------------------------------------------------------------------------

@dataclass
class DialogueResult:
    case_id: str
    handled: bool
    wrong_booking: bool
    notes: list[str] = field(default_factory=list)


def _profile_patient(profile: dict[str, Any]) -> Patient:
    return Patient(reason=profile["reason"], when=profile["when"], name=profile["name"],
                   dob=profile["dob"], visit_words=profile["visit"], age=int(profile["age"]))


def _check_turn(expect: dict[str, Any], state: BookingState, reply: str,
                before: list[str], ctx: dialogue.BookingContext) -> list[str]:
    problems: list[str] = []
    if "chosen" in expect:
        want = expect["chosen"]
        index = len(before) if want == "last" else int(want)
        target = before[index - 1] if before and 1 <= index <= len(before) else None
        if target is None or state.chosen != target:
            problems.append(f"chosen {state.chosen} != option {want} of {before}")
    if "chosen_time" in expect:
        got = _clock(_local(state.chosen, ctx)) if state.chosen else None
        if got != expect["chosen_time"]:
            problems.append(f"chosen time {got} != {expect['chosen_time']}")
    if "chosen_day" in expect:
        got = _local(state.chosen, ctx).date().isoformat() if state.chosen else None
        if got != expect["chosen_day"]:
            problems.append(f"chosen day {got}")
    if "offered" in expect:
        want = expect["offered"]
        if state.step != "slot" or not state.offered:
            problems.append(f"no options shown (step {state.step}): {reply[:120]!r}")
        else:
            times = [_local(s, ctx) for s in state.offered]
            if want.get("day") and any(t.date().isoformat() != want["day"] for t in times):
                problems.append(f"options on {[t.date().isoformat() for t in times]}")
            if want.get("part") and not all(_part_ok(t, want["part"]) for t in times):
                problems.append(f"options at {[_clock(t) for t in times]} not {want['part']}")
            if want.get("not_part") and any(_part_ok(t, want["not_part"]) for t in times):
                problems.append(f"options at {[_clock(t) for t in times]} in {want['not_part']}")
            if want.get("all_new") and set(state.offered) & set(before):
                problems.append("options repeat earlier ones")
            if want.get("later_than_before") and before:
                last = max(_local(s, ctx) for s in before)
                if any(t <= last for t in times):
                    problems.append(f"options {[_clock(t) for t in times]} not later")
    if "asks" in expect and state.step != expect["asks"]:
        problems.append(f"asks {state.step} != {expect['asks']}")
    for key, want in (expect.get("field") or {}).items():
        got = getattr(state, key, None)
        if key == "dob" and got:
            got = str(got)
        if got != want:
            problems.append(f"{key} {got!r} != {want!r}")
    if "says" in expect and expect["says"].lower() not in reply.lower():
        problems.append(f"reply lacks {expect['says']!r}: {reply[:160]!r}")
    if "not_says" in expect and expect["not_says"].lower() in reply.lower():
        problems.append(f"reply has {expect['not_says']!r}")
    if "outcome" in expect:
        want = None if expect["outcome"] == "none" else expect["outcome"]
        if state.outcome != want:
            problems.append(f"outcome {state.outcome} != {want}")
    if "booked" in expect and state.appointment_code:
        appt = ctx.store.get(state.appointment_code)
        local = appt.slot.start.astimezone(NY)
        b = expect["booked"]
        checks = {"day": local.date().isoformat(), "time": _clock(local),
                  "name": appt.patient.name, "dob": appt.patient.dob.isoformat(),
                  "visit_type": appt.visit_type_id}
        for key, want in b.items():
            if key == "part":
                if not _part_ok(local, want):
                    problems.append(f"booked at {_clock(local)}, not {want}")
            elif checks.get(key) != want:
                problems.append(f"booked {key} {checks.get(key)} != {want}")
    return problems


def run_dialogue(case: dict[str, Any], tmp: Path) -> DialogueResult:
    ctx = new_context(tmp)
    patient = _profile_patient(case["profile"])
    state: BookingState | None = None
    notes: list[str] = []
    for i, step in enumerate(case["turns"]):
        if state is None:
            state, reply = start(step["say"], ctx)
            before: list[str] = []
        else:
            for _ in range(8):
                if not step.get("at") or state.step == step["at"] or state.outcome:
                    break
                if state.step == "confirm":
                    break  # only a scripted turn may say yes to a booking
                turn(state, patient.answer(state.step), ctx)
            if step.get("at") and state.step != step["at"]:
                notes.append(f"turn {i}: never asked {step['at']} (at {state.step})")
                break
            before = list(state.offered)
            reply = turn(state, step["say"], ctx)
        if i == 0 and step.get("at"):
            for _ in range(8):
                if state.step == step["at"] or state.outcome or state.step == "confirm":
                    break
                turn(state, patient.answer(state.step), ctx)
            if state.step != step["at"]:
                notes.append(f"opener: never asked {step['at']} (at {state.step})")
                break
        problems = _check_turn(step.get("expect") or {}, state, reply, before, ctx)
        notes.extend(f"turn {i} {step['say']!r}: {p}" for p in problems)
    booked = state is not None and state.outcome == BOOKED
    return DialogueResult(case["id"], not notes, booked and bool(notes), notes)


# ---- figures ---------------------------------------------------------------------------------

@dataclass
class Figures:
    openers: int
    booking_question: int
    fields_ok: int
    bookable: int
    completed: int
    median_turns: float
    dialogues: int
    handled: int
    wrong_bookings: int
    opener_results: list[OpenerResult]
    dialogue_results: list[DialogueResult]

    def lines(self, title: str) -> list[str]:
        pct = lambda a, b: f"{a}/{b} ({100 * a / b:.0f} %)" if b else "0/0"  # noqa: E731
        return [
            f"{title} ({date.today().isoformat()}, clinic clock {NOW.isoformat()})",
            "  opener -> booking question in first reply: "
            f"{pct(self.booking_question, self.openers)}",
            f"  opener details taken correctly:            {pct(self.fields_ok, self.openers)}",
            f"  completed without rephrase:                {pct(self.completed, self.bookable)}",
            f"  median patient turns to confirmation code: {self.median_turns}",
            f"  corrections / picks handled as meant:      {pct(self.handled, self.dialogues)}",
            f"  silent wrong bookings:                     {self.wrong_bookings}",
        ]


def evaluate(part: str) -> Figures:
    openers = select(load_openers(), "openers", part)
    dialogues = select(load_dialogues(), "dialogues", part)
    o_results, d_results = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(openers):
            path = Path(tmp) / f"o{i}"
            path.mkdir()
            o_results.append(run_opener(case, path))
        for i, case in enumerate(dialogues):
            path = Path(tmp) / f"d{i}"
            path.mkdir()
            d_results.append(run_dialogue(case, path))
    bookable = [r for r in o_results if r.completed is not None]
    turns = [r.turns for r in bookable if r.turns is not None and r.completed]
    return Figures(
        openers=len(o_results), booking_question=sum(r.booking_question for r in o_results),
        fields_ok=sum(r.fields_ok for r in o_results), bookable=len(bookable),
        completed=sum(bool(r.completed) for r in bookable),
        median_turns=statistics.median(turns) if turns else float("inf"),
        dialogues=len(d_results), handled=sum(r.handled for r in d_results),
        wrong_bookings=sum(r.wrong_booking for r in o_results + d_results),
        opener_results=o_results, dialogue_results=d_results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    figures = evaluate(args.split)
    print("\n".join(figures.lines(f"booking cases, {args.split}")))
    if args.verbose:
        for r in figures.opener_results:
            if r.notes:
                print(r.case_id, r.notes)
        for d in figures.dialogue_results:
            if d.notes:
                print(d.case_id, d.notes)


if __name__ == "__main__":
    main()
