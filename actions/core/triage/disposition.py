"""The four dispositions and the one safety rule, written once (pure).

``Disposition`` is a ``StrEnum``: its members compare equal to the plain strings stored in slots,
audit records, CSV files and JSON ("emergency" == Disposition.EMERGENCY), so nothing outside the
code has to change, while the code says what it means and a typo is an AttributeError, not a
silent mismatch.
"""

from __future__ import annotations

from enum import StrEnum


class Disposition(StrEnum):
    SELF_CARE = "self_care"  # home care with clear "get help if…" precautions
    ROUTINE = "routine"  # book a visit
    URGENT = "urgent"  # a clinician within 24 hours
    EMERGENCY = "emergency"  # call 911 / go to the emergency department now

    @property
    def rank(self) -> int:
        """Low → high urgency: self_care 0, routine 1, urgent 2, emergency 3."""
        return ORDER.index(self)

    @classmethod
    def parse(cls, value: str | None) -> Disposition | None:
        """The member for a stored value, or None for anything else."""
        try:
            return cls(str(value)) if value is not None else None
        except ValueError:
            return None

    def at_least(self, other: str) -> bool:
        return self.rank >= Disposition(other).rank


ORDER: tuple[Disposition, ...] = (Disposition.SELF_CARE, Disposition.ROUTINE,
                                  Disposition.URGENT, Disposition.EMERGENCY)


def is_emergency(disposition: str | None) -> bool:
    return disposition == Disposition.EMERGENCY


def needs_emergency_reply(disposition: str | None, crisis: bool) -> bool:
    """The one safety rule: an emergency or a crisis gets the 911 / 988 reply before anything
    else, and no question, form or model output may come first."""
    return bool(crisis) or is_emergency(disposition)
