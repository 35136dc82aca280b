"""Redis-backed escalation queue shared by the action server and the staff console."""

from actions.escalation.store import EntryNotFound, EscalationQueue

__all__ = ["EntryNotFound", "EscalationQueue"]
