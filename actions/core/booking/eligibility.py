"""Who may be offered which clinician, so the patient never sees a time the store would refuse.

The pediatrician sees 0-17 (``ages`` in data/clinic.yml). Until the patient's age is known we
offer only clinicians who see every age; for a child (or a clinician who sees only some ages) we
ask the date of birth before listing times, so the pediatrician can be offered too.
"""

from __future__ import annotations

from datetime import date

from actions.core.booking.state import BookingState
from actions.core.booking.understand import CHILD
from actions.core.scheduling.clinic import ClinicConfig, Provider
from actions.core.scheduling.store import age_on

ALL_AGES = (0, 120)


def patient_age(state: BookingState, today: date) -> int | None:
    if state.dob:
        return age_on(date.fromisoformat(state.dob), today)
    return state.age


def _restricted(provider: Provider) -> bool:
    return provider.ages != ALL_AGES


def needs_age_first(state: BookingState, clinic: ClinicConfig, today: date) -> bool:
    """Ask the date of birth before listing times: a child, or a clinician who sees some ages."""
    if patient_age(state, today) is not None:
        return False
    chosen = clinic.providers.get(state.clinician or "")
    return state.who == CHILD or (chosen is not None and _restricted(chosen))


def providers(state: BookingState, clinic: ClinicConfig, today: date) -> list[str]:
    """Clinicians whose times may be shown: they offer the visit, see the patient's age (or every
    age while it is unknown), and match the clinician and site the patient asked for."""
    age = patient_age(state, today)
    fitting = []
    for p in clinic.providers.values():
        if state.visit_type not in p.visit_types:
            continue
        if (age is None and _restricted(p)) or not p.sees_age(age):
            continue
        if state.clinician and p.id != state.clinician:
            continue
        if state.site and p.location_id != state.site:
            continue
        fitting.append(p.id)
    return fitting


def clinician_problem(state: BookingState, clinic: ClinicConfig, today: date) -> str | None:
    """Why the clinician the patient asked for can't be offered (None when they can)."""
    chosen = clinic.providers.get(state.clinician or "")
    if chosen is None or not state.visit_type:
        return None
    visit = clinic.visit_types[state.visit_type]
    if state.visit_type not in chosen.visit_types:
        return f"{chosen.name} doesn't offer {visit.name.lower()} appointments."
    age = patient_age(state, today)
    if age is not None and not chosen.sees_age(age):
        lo, hi = chosen.ages
        return f"{chosen.name} sees patients aged {lo} to {hi}."
    if state.site and chosen.location_id != state.site:
        return f"{chosen.name} works at {clinic.locations[chosen.location_id].name}."
    return None


def slot_fits(provider_id: str, state: BookingState, clinic: ClinicConfig, today: date) -> bool:
    """Whether a chosen time's clinician sees this patient (their age may be known only now)."""
    return clinic.providers[provider_id].sees_age(patient_age(state, today))
