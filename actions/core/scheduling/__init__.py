"""Scheduling core: clinic configuration, the appointment store, natural-language times.

Pure (stdlib + pyyaml + dateparser/zoneinfo). `when` is not imported here because dateparser
is slow to import; use `from actions.core.scheduling.when import parse_when`.
"""

from actions.core.scheduling.clinic import (
    DEFAULT_CLINIC_PATH,
    TELEHEALTH,
    ClinicConfig,
    ClinicConfigError,
    Location,
    Provider,
    VisitType,
    load_clinic,
)
from actions.core.scheduling.sqlite_store import (
    SqliteAppointmentStore,
    clock_from_setting,
    default_store_path,
)
from actions.core.scheduling.store import (
    Appointment,
    AppointmentStore,
    BookingRejected,
    NotFound,
    Patient,
    Slot,
    SlotTaken,
    dob_matches,
    parse_dob,
)

__all__ = [
    "DEFAULT_CLINIC_PATH",
    "TELEHEALTH",
    "Appointment",
    "AppointmentStore",
    "BookingRejected",
    "ClinicConfig",
    "ClinicConfigError",
    "Location",
    "NotFound",
    "Patient",
    "Provider",
    "Slot",
    "SlotTaken",
    "SqliteAppointmentStore",
    "VisitType",
    "clock_from_setting",
    "default_store_path",
    "dob_matches",
    "load_clinic",
    "parse_dob",
]
