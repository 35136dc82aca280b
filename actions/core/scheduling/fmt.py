"""Patient-facing wording of days, times, hours and slots (clinic time zone, 12-hour clock).

One place for it so the search window's label, problem messages and offered slots read alike:
"Tuesday 3 March", "9:20 am", "8 am–6 pm".
"""

from __future__ import annotations

from datetime import date, datetime, time

from actions.core.scheduling.clinic import TELEHEALTH, ClinicConfig
from actions.core.scheduling.store import Slot


def format_day(day: date) -> str:
    """'Tuesday 3 March' (no leading zero, no year: bookings are at most weeks ahead)."""
    return f"{day:%A} {day.day} {day:%B}"


def format_time(moment: time | datetime) -> str:
    """'9 am', '4:30 pm', 'noon'."""
    t = moment.time() if isinstance(moment, datetime) else moment
    if t == time(12, 0):
        return "noon"
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def format_ranges(ranges: list[tuple[datetime, datetime]] | list[tuple[time, time]]) -> str:
    """'8 am–6 pm' (several ranges joined with ' and ')."""
    return " and ".join(f"{format_time(a)}–{format_time(b)}" for a, b in ranges)


def format_slot(slot: Slot, clinic: ClinicConfig) -> str:
    """'Tuesday 3 March at 9:20 am with Dr. Maya Patel, Riverside Main Clinic'."""
    local = clinic.local(slot.start)
    provider = clinic.providers[slot.provider_id].name
    place = "video visit" if slot.location_id == TELEHEALTH else clinic.location_label(
        slot.location_id)
    return f"{format_day(local.date())} at {format_time(local)} with {provider}, {place}"
