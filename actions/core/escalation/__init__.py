"""Escalation to clinic staff: the pure queue model (reasons, priorities, summary, ordering)."""

from actions.core.escalation.model import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Entry,
    Reason,
    Summary,
    eta_text,
    ordered,
    priority,
    queue_stats,
)

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "Entry",
    "Reason",
    "Summary",
    "eta_text",
    "ordered",
    "priority",
    "queue_stats",
]
