"""The appointment conversation as a pure state machine: book, reschedule, cancel, list.

The Rasa form (actions/booking/form.py) keeps a ``BookingState`` in a slot, shows ``prompt``
and feeds every answer to ``handle``. Principles:
- every bad answer gets a specific, kind message and another chance; the third failure at the
  same question ends with an offer of a person (outcome HANDOFF), never a dead end;
- nothing is booked until the patient confirms a summary; the store decides races (SlotTaken),
  and the loser is offered the next free times at once;
- nothing about an existing appointment is shown or changed before the asker is verified, and
  failures are limited and audited (actions/core/booking/verification.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from actions.core.booking import (
    answers,
    eligibility,
    parse,
    render,
    services,
    understand,
    verification,
)
from actions.core.booking.state import (
    ASK_CODE,
    ASK_CONFIRM,
    ASK_DOB,
    ASK_NAME,
    ASK_REASON,
    ASK_SLOT,
    ASK_TASK,
    ASK_VISIT_TYPE,
    ASK_WHEN,
    BOOK,
    BOOKED,
    CANCEL,
    CANCELLED,
    HANDOFF,
    LIST,
    LISTED,
    LOOKUP_LOCKED,
    MAX_FAILURES,
    OFFER_PERSON_AFTER,
    RESCHEDULE,
    RESCHEDULED,
    STOPPED,
    BookingState,
)
from actions.core.scheduling.clinic import ClinicConfig
from actions.core.scheduling.store import (
    Appointment,
    AppointmentStore,
    BookingRejected,
    NotFound,
    Patient,
    Slot,
    SlotTaken,
    age_on,
    parse_dob,
)
from actions.core.scheduling.when import WhenResult, parse_when

SAME_DAY = "same_day"
OPTIONS = 3
MAX_REASON_CHARS = 300
STOP_HINT = "(You can say \"stop\" at any time.)"

TASK_BUTTONS = [
    {"title": "Book an appointment", "payload": "book"},
    {"title": "Reschedule", "payload": "reschedule"},
    {"title": "Cancel", "payload": "cancel"},
    {"title": "My upcoming appointments", "payload": "my appointments"},
]
YES_NO = [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}]
MORE_TIMES = {"title": "Other times", "payload": "other times"}
OTHER_DAY = {"title": "A different day", "payload": "a different day"}
PERSON = {"title": "Talk to a person", "payload": "talk to a person"}
# A request that names no task but asks for care ("I am looking for a doctor") is a booking.
_CARE_WORDS = re.compile(r"\b(doctors?|docs?|dr|physician|nurse|clinician|pediatrician|seen|"
                         r"see\s+(?:someone|somebody|a)|come\s+in|get\s+in|openings?|slots?|"
                         r"availab\w*|free|appo\w*|appt|aptmt|vist|visit|book\w*|schedul\w*)\b",
                         re.I)
_AVAILABILITY = re.compile(r"\b(availab\w*|openings?|free|slots?|earliest)\b", re.I)
_NOT_SURE = re.compile(r"\b(not\s+sure|don'?t\s+know|dunno|no\s+idea|whatever|any|regular|"
                       r"normal|general|just\s+(?:a|to)\s+(?:see|doctor|visit|appointment)|"
                       r"doctor)\b", re.I)

_VISIT_WORDS: dict[str, re.Pattern[str]] = {
    "vaccination": re.compile(r"\b(vaccin\w*|shots?|jabs?|flu|immuni[sz]\w*|booster|covid)\b",
                              re.I),
    "telehealth": re.compile(r"\b(video|tele\s*health|telemedicine|virtual|online|remote|zoom)\b",
                             re.I),
    "annual_physical": re.compile(r"\b(physical|annual|yearly|check[\s-]?up|wellness)\b", re.I),
    "follow_up": re.compile(r"\b(follow[\s-]?up|followup|review|re-?check|results?\s+visit)\b",
                            re.I),
    SAME_DAY: re.compile(r"\b(same[\s-]?day|urgent|today)\b", re.I),
    "new_problem": re.compile(r"\b(new|sick|problem|concern|issue|illness|ill|pain|symptoms?)\b",
                              re.I),
}
_MORE = re.compile(r"\b(other|more|later|else|next|none|different\s+time|not\s+those)\b", re.I)
_OTHER_DAY = re.compile(r"\b(different|another|other)\s+(day|date)\b", re.I)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


@dataclass
class BookingContext:
    store: AppointmentStore
    clinic: ClinicConfig
    now: datetime                   # aware
    phone: str | None = None        # from the SMS/WhatsApp channel, if any
    conversation_id: str = ""
    # Failure counters and the lookup audit, shared across conversations (Redis in the action
    # server); the in-memory default only serves tests and tools.
    guard: verification.LookupGuard = field(default_factory=verification.MemoryLookupGuard)

    @property
    def verifier(self) -> verification.Verifier:
        return verification.Verifier(self.store, self.guard, self.conversation_id, self.now,
                                     self.phone)


LOOKUP_TASKS = (RESCHEDULE, CANCEL, LIST)
NO_MATCH = ("Sorry, I couldn't match those details to an appointment. Please check them against "
            "your confirmation message.")
PERSON_BUTTON = {"title": "Talk to a person", "payload": "/request_human"}


# ---- starting ------------------------------------------------------------------------------
def begin(text: str, same_day: bool = False, complaint: str | None = None) -> BookingState:
    """State for a new appointment conversation, using whatever the opening message says.

    ``same_day`` comes from an `urgent` pre-screening result: straight to same-day slots, with the
    complaint as the reason."""
    opening = "" if (text or "").startswith("/") else (text or "")
    state = BookingState(task=parse.detect_task(opening))
    if same_day:
        state.task = BOOK
        state.same_day = True
        state.visit_type = SAME_DAY
        state.reason = (complaint or "")[:MAX_REASON_CHARS] or None
    elif state.task in (None, BOOK) and opening:
        visit = _visit_type_from_words(opening)
        if visit:
            state.task = BOOK
            state.visit_type = visit
    if state.task in (RESCHEDULE, CANCEL):
        code = parse.confirmation_code(opening) if re.search(r"\d", opening) else None
        state.code = code
    state.move_to(_first_step(state))
    return state


def start(text: str, ctx: BookingContext, same_day: bool = False,
          complaint: str | None = None) -> tuple[BookingState, list[Reply]]:
    """A new appointment conversation from the opening message, with every detail it gives
    (visit type, reason, day and time, who it is for, clinician, site, video or in person) put
    to use; returns the state and what to say before its first question."""
    state = begin(text, same_day=same_day, complaint=complaint)
    opening = "" if (text or "").startswith("/") else (text or "").strip()
    if not opening or same_day or state.task in (RESCHEDULE, CANCEL):
        return state, []
    if state.task == LIST and _AVAILABILITY.search(opening):
        state.task = None  # "when's the next available appointment" asks for a new one
    service = services.unsupported(opening)
    if service is not None:
        state.task, state.visit_type, state.same_day = BOOK, None, False
        state.move_to(ASK_VISIT_TYPE)
        return state, [Reply(services.refusal(service, ctx.clinic))]
    details = understand.read(opening, ctx.clinic)
    if state.task is None and (details.visit_type or details.who or details.clinician
                               or details.site or _CARE_WORDS.search(opening)):
        state.task = BOOK
    if state.task != BOOK:
        return state, []
    state.visit_type = details.visit_type
    state.same_day = details.visit_type == SAME_DAY
    state.reason = details.reason
    _take_details(state, details)
    replies: list[Reply] = []
    if details.when_text:
        replies += _set_window(state, details.when_text, ctx, quiet=True)
    return state, replies + _advance(state, ctx)


def _take_details(state: BookingState, details: understand.Details) -> None:
    """Who the visit is for, their age and name, and the clinician or site asked for."""
    if details.who and (details.who != understand.SELF or state.who is None):
        state.who = details.who
    if details.age is not None:
        state.age = details.age
    if details.patient_name:
        if len(details.patient_name.split()) >= 2:
            state.name = details.patient_name
        state.patient_first = details.patient_name.split()[0]
    if details.clinician:
        state.clinician = details.clinician
    if details.site:
        state.site = details.site
    if details.modality == understand.VIDEO and state.visit_type not in (None, "vaccination"):
        state.visit_type = "telehealth"


def _today(ctx: BookingContext) -> date:
    return ctx.now.astimezone(ctx.clinic.tz).date()


def _advance(state: BookingState, ctx: BookingContext) -> list[Reply]:
    """Go to the next unanswered question of a booking (or a move); offer times when due."""
    today = _today(ctx)
    if state.task == BOOK:
        if not state.visit_type:
            state.move_to(ASK_VISIT_TYPE)
            return []
        if not state.reason:
            state.move_to(ASK_REASON)
            return []
        problem = eligibility.clinician_problem(state, ctx.clinic, today)
        if problem:
            state.clinician = None
            return [Reply(f"{problem} I'll show you times with the clinicians who can see you."),
                    *_advance(state, ctx)]
        if eligibility.needs_age_first(state, ctx.clinic, today):
            state.move_to(ASK_DOB)
            return []
    if not state.window_start:
        state.move_to(ASK_WHEN)
        return []
    if not state.chosen:
        if state.step == ASK_SLOT and state.offered:
            return []
        return _offer(state, ctx, first_search=True)
    if state.task != BOOK:
        state.move_to(ASK_CONFIRM)
        return []
    slot = ctx.store.slot(state.chosen)
    if not eligibility.slot_fits(slot.provider_id, state, ctx.clinic, today):
        provider = ctx.clinic.providers[slot.provider_id]
        lo, hi = provider.ages
        state.chosen, state.offered, state.seen = None, [], []
        return _offer(state, ctx, first_search=True,
                      preface=f"{provider.name} sees patients aged {lo} to {hi}, so here are "
                              "times with clinicians who can see this patient.")
    if not state.name:
        state.move_to(ASK_NAME)
    elif not state.dob:
        state.move_to(ASK_DOB)
    else:
        state.move_to(ASK_CONFIRM)
    return []


def _first_step(state: BookingState) -> str:
    if state.task is None:
        return ASK_TASK
    if state.task == BOOK:
        if not state.visit_type:
            return ASK_VISIT_TYPE
        return ASK_WHEN if state.reason else ASK_REASON
    if state.task == LIST:
        return ASK_NAME
    return ASK_DOB if state.code else ASK_CODE


# ---- prompts -------------------------------------------------------------------------------
def prompt(state: BookingState, ctx: BookingContext) -> Reply | None:
    """The question for the current step (None once the conversation has an outcome)."""
    if state.outcome:
        return None
    step = state.step
    if step == ASK_TASK:
        return Reply("Would you like to book a new appointment, reschedule or cancel one, or "
                     f"see your upcoming appointments? {STOP_HINT}", TASK_BUTTONS)
    if step == ASK_VISIT_TYPE:
        buttons = [{"title": v.name, "payload": v.name}
                   for v in ctx.clinic.visit_types.values()]
        return Reply(f"What kind of visit do you need? {STOP_HINT}", buttons)
    if step == ASK_REASON:
        return Reply("In a few words, what is the visit for? (This helps the clinician prepare.)")
    if step == ASK_WHEN:
        if state.visit_type == SAME_DAY:
            return Reply("Same-day visits are for today or tomorrow. Which would suit you?",
                         [{"title": "Today", "payload": "today"},
                          {"title": "Tomorrow", "payload": "tomorrow"},
                          {"title": "As soon as possible", "payload": "as soon as possible"}])
        if state.failures:  # the error message just gave examples
            return Reply("When would suit you?",
                         [{"title": "As soon as possible", "payload": "as soon as possible"}])
        return Reply("When would suit you? For example \"tomorrow morning\", \"next Tuesday after "
                     "3\" or \"as soon as possible\".",
                     [{"title": "As soon as possible", "payload": "as soon as possible"}])
    if step == ASK_SLOT:
        slots = [ctx.store.slot(sid) for sid in state.offered]
        buttons = [{"title": render.option_title(s, ctx.clinic), "payload": str(i)}
                   for i, s in enumerate(slots, start=1)]
        label = f" ({state.window_label})" if state.window_label else ""
        return Reply(f"Here are the nearest free times{label}. Which one would you like?",
                     [*buttons, MORE_TIMES, OTHER_DAY])
    if step == ASK_NAME:
        if state.task == BOOK and state.patient_first:
            return Reply(f"What is {state.patient_first}'s full name (first and last)?")
        return Reply("What is the patient's first and last name?")
    if step == ASK_DOB:
        if state.task == BOOK:
            return Reply(_dob_question(state))
        return Reply("And the patient's date of birth? (month/day/year, for example 03/14/1985)")
    if step == ASK_CODE and state.task == LIST:
        return Reply("To keep appointments private, I need the confirmation code of one of "
                     "them too: the 6 letters and numbers in a booking confirmation, for example "
                     "K7P2QX.")
    if step == ASK_CODE:
        return Reply("What is the confirmation code? It's the 6 letters and numbers in your "
                     "booking confirmation, for example K7P2QX.")
    if step == ASK_CONFIRM:
        return Reply(_confirm_text(state, ctx), YES_NO)
    return None


def _whose(state: BookingState) -> str:
    if state.patient_first:
        return f"{state.patient_first}'s"
    return {understand.CHILD: "your child's", understand.SELF: "your"}.get(state.who or "",
                                                                          "the patient's")


def _dob_question(state: BookingState) -> str:
    example = "(month/day/year, for example 03/14/1985)"
    if not state.chosen and not state.offered:  # asked before listing times
        return (f"What is {_whose(state)} date of birth? {example} I'll only show times with "
                "clinicians who see patients of that age.")
    return f"And {_whose(state)} date of birth? {example}"


def _confirm_text(state: BookingState, ctx: BookingContext) -> str:
    if state.task == CANCEL:
        appt = ctx.store.get(state.code or "")
        return (f"Cancel this appointment: {render.appointment_summary(appt, ctx.clinic)}? "
                "Please answer yes or no.")
    slot = ctx.store.slot(state.chosen or "")
    visit = ctx.clinic.visit_types.get(slot.visit_type_id)
    what = visit.name if visit else "Visit"
    when = render.day_and_time(slot.start, ctx.clinic)
    place = render.where(slot, ctx.clinic)
    if state.task == RESCHEDULE:
        return (f"Move your appointment to {when} with {render.provider_name(slot, ctx.clinic)}, "
                f"{place}? Please answer yes or no.")
    changed = f"I've changed {_join(state.changes)}. " if state.changes else ""
    return (f"{changed}Please check: {what} for {state.name} (born {_dob_text(state.dob)}) with "
            f"{render.provider_name(slot, ctx.clinic)} on {when}, {place}. Shall I book it?")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _dob_text(iso: str | None) -> str:
    if not iso:
        return "?"
    d = date.fromisoformat(iso)
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


# ---- answers -------------------------------------------------------------------------------
def handle(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    """Apply the patient's answer to the current step; returns messages to show before the next
    prompt (an error, a confirmation, the final summary). Mutates ``state``."""
    text = (text or "").strip()
    if parse.is_stop(text, state.task):
        state.outcome = STOPPED
        nothing = "Nothing was booked or changed." if state.task != LIST else ""
        return [Reply(f"OK, I've stopped. {nothing} Is there anything else I can help with?"
                      .replace("  ", " "))]
    talk = answers.small_talk(text)
    if talk == "bye":
        state.outcome = STOPPED
        nothing = "nothing was booked or changed. " if state.task != LIST else ""
        return [Reply(f"OK, I've stopped here — {nothing}Take care, and goodbye!")]
    if talk is not None:
        # The form asks its question again right after this.
        return [Reply("You're welcome!" if talk == "thanks" else "Hello!")]
    if answers.wants_person(text):
        state.outcome = HANDOFF
        return [Reply("OK — I'll pass this to a person from the clinic team. You can also phone "
                      f"{ctx.clinic.phone}.")]
    if (state.task in LOOKUP_TASKS and not state.verified
            and state.step in (ASK_NAME, ASK_DOB, ASK_CODE)
            and ctx.verifier.conversation_locked()):
        return _locked(state, ctx)
    handler = _HANDLERS.get(state.step or "")
    if handler is None:
        state.move_to(_first_step(state))
        return []
    return handler(state, text, ctx)


def _fail(state: BookingState, ctx: BookingContext, message: str) -> list[Reply]:
    state.failures += 1
    if state.failures >= MAX_FAILURES:
        state.outcome = HANDOFF
        return [Reply(f"{message} I'm sorry this isn't working. A person from the clinic team can "
                      f"help: I'll pass this on, or you can phone {ctx.clinic.phone}.")]
    if state.failures >= OFFER_PERSON_AFTER:
        return [Reply(f"{message} If you'd rather, a person from the clinic team can help: say "
                      "\"person\".", [PERSON])]
    return [Reply(message)]


def _locked(state: BookingState, ctx: BookingContext) -> list[Reply]:
    """Too many details that did not match: no more lookups for a while, a person instead."""
    state.outcome = LOOKUP_LOCKED
    minutes = verification.LOOKUP_LOCK_S // 60
    return [Reply("For your privacy I can't look up appointments in this chat right now: too "
                  "many details didn't match. Please try again in about "
                  f"{minutes} minutes, or a person from the clinic team can help: phone "
                  f"{ctx.clinic.phone} or tap \"Talk to a person\".", [PERSON_BUTTON])]


def _no_match(state: BookingState, ctx: BookingContext, check: verification.Check
              ) -> list[Reply]:
    """One answer for every failed verification; start the details again."""
    if check.outcome == verification.LOCKED:
        return _locked(state, ctx)
    state.code, state.dob = None, None
    if state.task == LIST:
        state.name = None
        state.move_to(ASK_NAME)
        return [Reply(f"{NO_MATCH} Let's try once more.")]
    state.move_to(ASK_CODE)
    return [Reply(NO_MATCH)]


def _on_task(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    task = parse.detect_task(text)
    if task is None:
        return _fail(state, ctx, "Sorry, I didn't catch that. Please choose book, reschedule, "
                                 "cancel, or see your appointments.")
    fresh = begin(text)
    state.task, state.visit_type, state.code = task, fresh.visit_type, fresh.code
    state.move_to(_first_step(state))
    return []


def _visit_type_from_words(text: str) -> str | None:
    for visit_id, pattern in _VISIT_WORDS.items():
        if pattern.search(text):
            return visit_id
    return None


def _on_visit_type(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    visits = list(ctx.clinic.visit_types.values())
    service = services.unsupported(text)
    if service is not None:
        return [Reply(services.refusal(service, ctx.clinic))]
    number = parse.option_number(text, len(visits))
    chosen = visits[number - 1].id if number else None
    if chosen is None:
        lowered = text.lower().strip(" .!")
        chosen = next((v.id for v in visits if v.name.lower() == lowered), None)
    chosen = chosen or understand.visit_type_of(text)
    if chosen is None and _NOT_SURE.search(text):
        chosen = "new_problem"  # "not sure", "just to see a doctor": a visit about a concern
    if chosen is None or chosen not in ctx.clinic.visit_types:
        names = ", ".join(v.name for v in visits)
        return _fail(state, ctx, f"Sorry, I didn't recognise that visit type. Please choose one "
                                 f"of: {names}.")
    details = understand.read(text, ctx.clinic)
    state.visit_type = chosen
    state.same_day = chosen == SAME_DAY
    if details.reason and not state.reason and chosen != "telehealth":
        state.reason = details.reason
    _take_details(state, details)
    replies = _set_window(state, details.when_text, ctx, quiet=True) if details.when_text else []
    return replies + _advance(state, ctx)


def _on_reason(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    if len(text) < 2 or text.startswith("/"):
        return _fail(state, ctx, "Please tell me in a few words what the visit is for.")
    if answers.has_marker(text):
        change = answers.read_change(text, ctx.clinic, _today(ctx))
        if change.any():
            return _apply_change(state, change, ctx)
    state.reason = text[:MAX_REASON_CHARS]
    details = understand.read(text, ctx.clinic)
    _take_details(state, details)
    replies = _set_window(state, details.when_text, ctx, quiet=True) if details.when_text else []
    return replies + _advance(state, ctx)


def _horizon_end(ctx: BookingContext) -> datetime:
    return ctx.now + timedelta(days=ctx.clinic.horizon_days)


def _same_day_end(ctx: BookingContext) -> datetime:
    local = ctx.now.astimezone(ctx.clinic.tz)
    tomorrow_end = datetime.combine(local.date() + timedelta(days=2), datetime.min.time(),
                                    tzinfo=ctx.clinic.tz)
    return tomorrow_end


def _on_when(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    if state.task == BOOK:
        change = answers.read_change(text, ctx.clinic, _today(ctx))
        if change.who or change.site or change.clinician or change.modality:
            _apply_patient_change(state, change, ctx)
            if eligibility.needs_age_first(state, ctx.clinic, _today(ctx)):
                state.move_to(ASK_DOB)
                return []
    return _set_window(state, text, ctx)


_NO_WHEN = ("Sorry, I couldn't work out a day and time from that. You could say \"Monday "
            "morning\" or \"as soon as possible\".")


def _read_when(text: str, ctx: BookingContext, keep_day: date | None = None,
               keep_part: str | None = None,
               part: str | None = None) -> tuple[WhenResult, str | None]:
    """The search window the words ask for, and the part of the day to keep to. ``keep_day`` /
    ``keep_part`` are the earlier answer's, kept when the new words change only the other one
    ("afternoon instead" keeps the day; "actually make it Thursday" keeps the morning)."""
    part = part or answers.part_of(text) or keep_part
    words = answers.without_avoid(text)
    if keep_day is not None and not answers.has_day(words):
        words = f"{keep_day.month}/{keep_day.day} {words}"
    if part in ("morning", "afternoon", "evening") and not answers.part_of(words):
        words = f"{words} {part}"
    if not answers.has_day(words) and not answers.has_clock(words) and (
            part or "").startswith("not_"):
        words = "as soon as possible"
    return parse_when(words, ctx.now, ctx.clinic), part


def _set_window(state: BookingState, text: str | None, ctx: BookingContext, quiet: bool = False,
                keep_day: date | None = None, keep_part: str | None = None,
                part: str | None = None) -> list[Reply]:
    """Search where the words say and offer times; ``quiet``: words that are not a usable day
    (an opener's) are ignored instead of counted as a failed answer."""
    result, part = _read_when(text or "", ctx, keep_day, keep_part, part)
    if result.window is None:
        if quiet:
            return [] if result.problem == "unparsed" else [Reply(result.message)]
        return _fail(state, ctx, result.message or _NO_WHEN)
    window = result.window
    end = window.end
    if state.visit_type == SAME_DAY:
        limit = _same_day_end(ctx)
        if window.start >= limit:
            message = ("Same-day visits can only be booked for today or tomorrow. For a later "
                       "day, please choose another visit type.")
            return [Reply(message)] if quiet else _fail(state, ctx, message)
        end = min(end, limit)
    state.window_start, state.window_end = window.start.isoformat(), end.isoformat()
    state.window_label = window.label
    if part and part.startswith("not_"):
        state.window_label = f"{window.label}, {answers.PART_LABELS[part]}"
    state.part = part
    state.seen, state.offered, state.chosen = [], [], None
    if quiet:
        return []
    return _advance(state, ctx)


def _offer(state: BookingState, ctx: BookingContext, first_search: bool = False,
           preface: str = "") -> list[Reply]:
    """Find up to three free slots in the chosen window (then after it) and ask to pick one."""
    assert state.visit_type and state.window_start and state.window_end
    start = datetime.fromisoformat(state.window_start)
    end = datetime.fromisoformat(state.window_end)
    exclude = set(state.seen)
    slots = _find(state, ctx, start, end, exclude)
    messages: list[Reply] = [Reply(preface)] if preface else []
    if not slots:
        wider_end = _same_day_end(ctx) if state.visit_type == SAME_DAY else _horizon_end(ctx)
        slots = _find(state, ctx, start, wider_end, exclude)
        if slots:
            what = "then" if first_search else "left then"
            label = f" ({state.window_label})" if state.window_label else ""
            messages.append(Reply(f"Sorry, there are no free times {what}{label}. These are the "
                                  "nearest after that."))
            state.window_label = None
            state.window_end = wider_end.isoformat()
    if not slots:
        state.outcome = HANDOFF
        messages.append(Reply(
            "Sorry, I can't find any free times for that visit in the next "
            f"{ctx.clinic.horizon_days} days. A person from the clinic team can help: I'll pass "
            f"this on, or you can phone {ctx.clinic.phone}."))
        return messages
    state.offered = [s.slot_id for s in slots]
    state.seen = [*state.seen, *state.offered]
    state.move_to(ASK_SLOT)
    return messages


def _find(state: BookingState, ctx: BookingContext, start: datetime, end: datetime,
          exclude: set[str]) -> list[Slot]:
    """Up to OPTIONS free times that this patient may be offered (eligibility), at the site and
    with the clinician asked for, in the part of the day asked for; distinct times first."""
    assert state.visit_type
    today = _today(ctx)
    allowed = eligibility.providers(state, ctx.clinic, today) if state.task == BOOK else None
    if allowed == []:
        return []
    age = eligibility.patient_age(state, today)
    if age is None and state.task == RESCHEDULE and state.code:
        # Moving a booking: the patient on it decides who may be offered.
        age = age_on(ctx.store.get(state.code).patient.dob, today)
    hours = answers.PARTS.get(state.part or "")
    found = ctx.store.find_slots(state.visit_type, start, end,
                                 limit=OPTIONS if hours is None else 60,
                                 location_id=state.site if state.task == BOOK else None,
                                 exclude=exclude, patient_age=age, provider_ids=allowed)
    if hours is not None:
        found = [s for s in found
                 if hours[0] <= s.start.astimezone(ctx.clinic.tz).hour < hours[1]]
    chosen: list[Slot] = []
    for slot in found:  # a choice of times first, then other clinicians at the same times
        if all(c.start != slot.start for c in chosen):
            chosen.append(slot)
    chosen += [s for s in found if s not in chosen]
    return sorted(chosen[:OPTIONS], key=lambda s: (s.start, s.provider_id))


def _offered_starts(state: BookingState, ctx: BookingContext) -> list[datetime]:
    return [ctx.store.slot(s).start.astimezone(ctx.clinic.tz) for s in state.offered]


def _on_slot(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    starts = _offered_starts(state, ctx)
    number = (answers.option_pick(text, len(state.offered)) or answers.time_pick(text, starts)
              or answers.weekday_pick(text, starts))
    if number:
        state.chosen = state.offered[number - 1]
        return _advance(state, ctx)
    change = answers.read_change(text, ctx.clinic, _today(ctx))
    if change.any():
        return _apply_change(state, change, ctx)
    if _MORE.search(text) and not re.search(r"\d", text):
        return _offer(state, ctx)
    # "How about Friday morning?" — a new preference instead of a pick.
    result = parse_when(text, ctx.now, ctx.clinic)
    if result.window is not None:
        return _set_window(state, text, ctx)
    return _fail(state, ctx, f"Please choose a time by its number (1 to {len(state.offered)}), "
                             "or tell me another day or time (for example \"Thursday "
                             "afternoon\").")


def _describe_chosen(state: BookingState, ctx: BookingContext) -> str:
    return render.short_day_and_time(ctx.store.slot(state.chosen).start, ctx.clinic) \
        if state.chosen else ""


def _apply_patient_change(state: BookingState, change: answers.Change,
                          ctx: BookingContext) -> list[str]:
    """Who the visit is for, name, date of birth, video or in person, site, clinician; returns
    what changed, for the acknowledgement and the summary."""
    changed: list[str] = []
    if state.task == BOOK:
        new_who = change.who if change.who and change.who != (state.who or understand.SELF) \
            else None
        if new_who or (change.patient_name and change.patient_name != state.name):
            before = state.name
            state.who = new_who or state.who
            if new_who in (understand.CHILD, understand.OTHER) and not change.dob:
                state.dob, state.age = None, None  # the date of birth given was someone else's
            state.name = change.patient_name if change.patient_name and len(
                change.patient_name.split()) >= 2 else None
            state.patient_first = change.patient_name.split()[0] if change.patient_name else None
            changed.append(f"who the visit is for (it was {before})" if before
                           else "who the visit is for")
        if change.name and change.name != state.name:
            changed.append(f"the name (it was {state.name})" if state.name else "the name")
            state.name = change.name
        if change.dob and change.dob.isoformat() != state.dob:
            changed.append(f"the date of birth (it was {_dob_text(state.dob)})" if state.dob
                           else "the date of birth")
            state.dob = change.dob.isoformat()
        if change.modality == understand.VIDEO and state.visit_type not in ("telehealth",
                                                                              "vaccination"):
            state.visit_type = "telehealth"
            changed.append("the visit to a video visit")
        elif change.modality == understand.IN_PERSON and state.visit_type == "telehealth":
            state.visit_type = "new_problem"
            changed.append("the visit to an in-person visit")
        if change.site and change.site != state.site:
            state.site = change.site
            changed.append(f"the place to {ctx.clinic.locations[change.site].name}")
        if change.clinician and change.clinician != state.clinician:
            state.clinician = change.clinician
            changed.append(f"the clinician to {ctx.clinic.providers[change.clinician].name}")
    if any(c.startswith(("the visit", "the place", "the clinician")) for c in changed):
        state.chosen, state.offered, state.seen = None, [], []
    return changed


def _apply_change(state: BookingState, change: answers.Change,
                  ctx: BookingContext) -> list[Reply]:
    """A correction of any earlier answer: re-open that field, say what changed, go on."""
    before = _describe_chosen(state, ctx)
    changed = _apply_patient_change(state, change, ctx)
    replies: list[Reply] = []
    if change.about_time() and state.visit_type:
        window_day: date | None = None
        single_day = False
        if state.window_start and state.window_end:
            first = datetime.fromisoformat(state.window_start)
            window_day = first.astimezone(ctx.clinic.tz).date()
            single_day = (datetime.fromisoformat(state.window_end) - first).total_seconds() \
                < 24 * 3600
        if change.when_text or change.part:
            keep_day = window_day if single_day and not change.other_day else None
            keep_part = state.part if change.when_text and not change.part else None
            if change.part and not change.when_text and not single_day:
                state.part = change.part  # "not mornings" across the days already searched
                state.chosen, state.offered, state.seen = None, [], []
            else:
                replies = _set_window(state, change.when_text or "", ctx, keep_day=keep_day,
                                      keep_part=keep_part, part=change.part)
                if state.step != ASK_SLOT and not state.outcome and state.failures:
                    return replies  # the new day or time can't be booked: said why, ask again
        elif change.other_day:
            state.window_start = state.window_end = None
            state.chosen, state.offered, state.seen = None, [], []
        elif change.later and (state.offered or state.chosen):
            shown = [ctx.store.slot(s).start for s in [*state.offered, *([state.chosen]
                                                                          if state.chosen else [])]]
            state.window_start = (max(shown) + timedelta(minutes=1)).isoformat()
            if not state.window_end or datetime.fromisoformat(state.window_end) <= max(shown):
                state.window_end = _horizon_end(ctx).isoformat()
            state.chosen, state.offered, state.seen = None, [], []
        elif change.earlier:
            replies.append(Reply("These are the earliest free times I have for that. You can "
                                 "ask for another day instead."))
        elif change.none and state.step == ASK_SLOT:
            return _offer(state, ctx)
        if before and not state.chosen:
            changed.append(f"the day and time (it was {before})")
    if changed:
        state.changes = [*state.changes, *changed]
        replies.insert(0, Reply(f"OK, I've changed {_join([c.split(' (')[0] for c in changed])}."))
    if state.step == ASK_SLOT and state.offered and not state.chosen:
        return replies
    return replies + _advance(state, ctx)


def _on_name(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    bare = parse._NAME_PREFIX.sub("", text).strip()
    if state.task == BOOK and (answers.has_marker(text) or answers.reads_as_sentence(bare)):
        change = answers.read_change(text, ctx.clinic, _today(ctx))
        if change.any():
            return _apply_change(state, change, ctx)
    name = None if state.task == BOOK and answers.reads_as_sentence(bare) else \
        parse.person_name(text)
    if name is None and state.patient_first and re.fullmatch(r"[^\W\d_][\w'’-]*", bare):
        name = parse.person_name(f"{state.patient_first} {bare}")  # "Park" after "my son Leo"
    if name is None:
        return _fail(state, ctx, "Please give the patient's first and last name, for example "
                                 "\"Jane Smith\".")
    state.name = name
    if state.task == BOOK:
        return _advance(state, ctx)
    state.move_to(ASK_DOB)
    return []


def _on_dob(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    today = ctx.now.astimezone(ctx.clinic.tz).date()
    dob = parse_dob(text, today)
    if dob is None:
        return _fail(state, ctx, "Sorry, I couldn't read that as a date of birth. Please use "
                                 "month/day/year, for example 03/14/1985.")
    if state.task in (RESCHEDULE, CANCEL):
        check = ctx.verifier.by_code_and_dob(state.task, state.code or "", dob)
        if check.outcome != verification.VERIFIED or check.appointment is None:
            return _no_match(state, ctx, check)
        appt = check.appointment
        state.verified, state.code, state.dob = True, appt.code, dob.isoformat()
        problem = _not_changeable(appt, ctx)
        if problem:
            state.outcome = STOPPED
            return [Reply(f"{problem} Is there anything else I can help with?")]
        if state.task == CANCEL:
            state.move_to(ASK_CONFIRM)
            return []
        state.visit_type = appt.visit_type_id
        state.reason = appt.reason
        state.move_to(ASK_WHEN)
        summary = render.appointment_summary(appt, ctx.clinic)
        return [Reply(f"Thanks. Your appointment is {summary}.")]
    state.dob = dob.isoformat()
    if state.task == LIST:
        by_phone = ctx.verifier.by_phone(state.task, state.name or "", dob)
        if by_phone is not None and by_phone.outcome == verification.VERIFIED:
            state.verified = True
            return _list(state, ctx)
        state.move_to(ASK_CODE)
        return []
    return _advance(state, ctx)


def _on_booking_dob(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    """A correction instead of a date of birth ("wait, it's for my son") re-opens that answer;
    everything else is a date of birth as before."""
    if state.task == BOOK and parse_dob(text, _today(ctx)) is None:
        change = answers.read_change(text, ctx.clinic, _today(ctx))
        if change.any() and not change.dob:
            return _apply_change(state, change, ctx)
        if change.dob:
            text = change.dob.strftime("%m/%d/%Y")
    return _on_dob(state, text, ctx)


def _list(state: BookingState, ctx: BookingContext) -> list[Reply]:
    if not state.verified:  # never reached unverified; the guard is here, next to the data
        return _no_match(state, ctx, verification.Check(verification.FAILED))
    appointments = ctx.store.upcoming(state.name or "", date.fromisoformat(state.dob or ""))
    state.outcome = LISTED
    if not appointments:
        return [Reply("I couldn't find any upcoming appointments for that name and date of birth. "
                      "If you think that's wrong, please check the spelling or phone "
                      f"{ctx.clinic.phone}.")]
    lines = [f"{i}. {render.appointment_summary(a, ctx.clinic)} (code {a.code})"
             for i, a in enumerate(appointments, start=1)]
    return [Reply("Your upcoming appointments:\n" + "\n".join(lines))]


def _on_code(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    code = parse.confirmation_code(text)
    if code is None:
        return _fail(state, ctx, "That doesn't look like a confirmation code. Codes have 6 letters "
                                 "and numbers, for example K7P2QX.")
    if state.task == LIST:
        check = ctx.verifier.by_name_dob_and_code(
            state.task, state.name or "", date.fromisoformat(state.dob or ""), code)
        if check.outcome != verification.VERIFIED:
            return _no_match(state, ctx, check)
        state.verified = True
        return _list(state, ctx)
    # Reschedule / cancel: whether the code exists is said only together with the date of
    # birth, so the assistant never confirms a guessed code.
    state.code = code
    state.move_to(ASK_DOB)
    return []


def _not_changeable(appt: Appointment, ctx: BookingContext) -> str | None:
    if appt.status != "booked":
        return f"The appointment with code {appt.code} is already cancelled."
    if appt.slot.start <= ctx.now:
        return f"The appointment with code {appt.code} has already taken place."
    return None


def _on_confirm(state: BookingState, text: str, ctx: BookingContext) -> list[Reply]:
    answer = parse.yes_no(text)
    if answer is not True and state.task in (BOOK, RESCHEDULE):
        change = answers.read_change(text, ctx.clinic, _today(ctx))
        if change.any():
            return _apply_change(state, change, ctx)
    if answer is None:
        return _fail(state, ctx, "Please answer yes or no.")
    if answer is False:
        if state.task == CANCEL:
            state.outcome = STOPPED
            return [Reply("OK, your appointment stays as it is.")]
        state.chosen = None
        state.move_to(ASK_WHEN)
        return [Reply("OK, nothing has been changed.")]
    if state.task == CANCEL:
        return _cancel(state, ctx)
    return _commit(state, ctx)


def _reverified(state: BookingState, ctx: BookingContext) -> bool:
    return (state.verified and bool(state.code) and bool(state.dob)
            and ctx.verifier.still_valid(state.code or "", date.fromisoformat(state.dob or "")))


def _not_reverified(state: BookingState) -> list[Reply]:
    state.verified, state.code, state.dob, state.chosen = False, None, None, None
    state.move_to(ASK_CODE)
    return [Reply("Sorry, I need to check the confirmation code and date of birth again before "
                  "changing anything.")]


def _cancel(state: BookingState, ctx: BookingContext) -> list[Reply]:
    if not _reverified(state, ctx):
        return _not_reverified(state)
    try:
        appt = ctx.store.cancel(state.code or "")
    except (NotFound, BookingRejected) as exc:
        state.outcome = STOPPED
        return [Reply(f"Sorry, I couldn't cancel it: {_reason(exc)}")]
    state.outcome = CANCELLED
    return [Reply(f"Done — your appointment ({render.appointment_summary(appt, ctx.clinic)}) is "
                  "cancelled. Would you like to book another time? Just say \"book an "
                  "appointment\".")]


def _commit(state: BookingState, ctx: BookingContext) -> list[Reply]:
    if state.task == RESCHEDULE and not _reverified(state, ctx):
        return _not_reverified(state)
    try:
        if state.task == RESCHEDULE:
            appt = ctx.store.reschedule(state.code or "", state.chosen or "")
        else:
            patient = Patient(state.name or "", date.fromisoformat(state.dob or ""), ctx.phone)
            appt = ctx.store.book(state.chosen or "", patient, state.reason or "")
    except SlotTaken:
        state.chosen = None
        return _offer(state, ctx, preface="Sorry — that time was just taken by someone else.")
    except (BookingRejected, NotFound) as exc:
        state.chosen = None
        state.move_to(ASK_WHEN)
        return _fail(state, ctx, f"Sorry, I couldn't book that: {_reason(exc)}")
    state.appointment_code = appt.code
    summary = render.appointment_summary(appt, ctx.clinic)
    if state.task == RESCHEDULE:
        state.outcome = RESCHEDULED
        return [Reply(f"Done — your appointment is moved. {summary}. Your confirmation code is "
                      f"still {appt.code}.")]
    state.outcome = BOOKED
    state.changes = []
    return [Reply(f"You're booked! Confirmation code: {appt.code}. {summary}. Keep the code to "
                  "reschedule or cancel. If symptoms get much worse before then, call 911 in an "
                  "emergency.")]


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "reason", "") or exc or "please try another time.")


_HANDLERS = {
    ASK_TASK: _on_task,
    ASK_VISIT_TYPE: _on_visit_type,
    ASK_REASON: _on_reason,
    ASK_WHEN: _on_when,
    ASK_SLOT: _on_slot,
    ASK_NAME: _on_name,
    ASK_DOB: lambda state, text, ctx: _on_booking_dob(state, text, ctx),
    ASK_CODE: _on_code,
    ASK_CONFIRM: _on_confirm,
}


def accepts(state: BookingState, text: str, ctx: BookingContext) -> bool:
    """Whether ``text`` reads as an answer to the current question. Used to tell a topic switch
    ("where do I park?") from an answer, so the form can let the FAQ answer it and resume."""
    text = (text or "").strip()
    step = state.step
    if parse.is_stop(text, state.task) or answers.small_talk(text):
        return True
    if state.task == BOOK and step in (ASK_VISIT_TYPE, ASK_WHEN, ASK_SLOT, ASK_NAME, ASK_DOB,
                                       ASK_CONFIRM):
        if step == ASK_VISIT_TYPE and services.unsupported(text):
            return True
        if step != ASK_VISIT_TYPE and not answers.info_question(text) and answers.read_change(
                text, ctx.clinic, _today(ctx)).any():
            return True  # a correction or a new preference ("anything at Northside instead?")
    if step == ASK_SLOT and (answers.option_pick(text, len(state.offered))
                             or answers.time_pick(text, _offered_starts(state, ctx))):
        return True
    if step == ASK_TASK:
        return parse.detect_task(text) is not None
    if step == ASK_SLOT:
        return (parse.option_number(text, len(state.offered)) is not None
                or bool(_MORE.search(text) or _OTHER_DAY.search(text))
                or parse_when(text, ctx.now, ctx.clinic).window is not None)
    if step == ASK_WHEN:
        return parse_when(text, ctx.now, ctx.clinic).problem != "unparsed"
    if step == ASK_CONFIRM:
        return parse.yes_no(text) is not None
    if step == ASK_DOB:
        return parse_dob(text, ctx.now.date()) is not None
    if step == ASK_CODE:
        return parse.confirmation_code(text) is not None
    if step == ASK_NAME:
        return parse.person_name(text) is not None
    if step == ASK_VISIT_TYPE:
        return (understand.visit_type_of(text) is not None
                or parse.option_number(text, 9) is not None)
    return not text.endswith("?")  # a free-text reason: only a question is a topic switch
