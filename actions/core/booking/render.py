"""How times, slots and appointments read to a patient (clinic time zone, 12-hour clock)."""

from __future__ import annotations

from datetime import datetime

from actions.core.scheduling.clinic import ClinicConfig
from actions.core.scheduling.store import Appointment, Slot


def clock(dt: datetime) -> str:
    return f"{dt.hour % 12 or 12}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def day_and_time(dt: datetime, clinic: ClinicConfig) -> str:
    local = dt.astimezone(clinic.tz)
    return f"{local:%A} {local.day} {local:%B} at {clock(local)}"


def short_day_and_time(dt: datetime, clinic: ClinicConfig) -> str:
    local = dt.astimezone(clinic.tz)
    return f"{local:%a} {local.day} {local:%b}, {clock(local)}"


def where(slot: Slot, clinic: ClinicConfig) -> str:
    visit = clinic.visit_types.get(slot.visit_type_id)
    if visit is not None and visit.telehealth:
        return "by video (we'll send the link)"
    location = clinic.locations.get(slot.location_id)
    return f"at {location.name}, {location.address}" if location else ""


def provider_name(slot: Slot, clinic: ClinicConfig) -> str:
    provider = clinic.providers.get(slot.provider_id)
    return provider.name if provider else "a clinician"


def option_title(slot: Slot, clinic: ClinicConfig) -> str:
    """Quick-reply label: short enough for a button and an SMS option line."""
    location = clinic.locations.get(slot.location_id)
    visit = clinic.visit_types.get(slot.visit_type_id)
    place = "video" if visit is not None and visit.telehealth else (
        location.name if location else "")
    return f"{short_day_and_time(slot.start, clinic)} - {provider_name(slot, clinic)} - {place}"


def appointment_summary(appointment: Appointment, clinic: ClinicConfig) -> str:
    visit = clinic.visit_types.get(appointment.visit_type_id)
    visit_name = visit.name if visit else "Visit"
    slot = appointment.slot
    return (f"{visit_name} with {provider_name(slot, clinic)} on "
            f"{day_and_time(slot.start, clinic)}, {where(slot, clinic)}")
