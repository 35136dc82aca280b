"""Handing a conversation to a person: the Redis-backed queue store shared by the action server
and the staff console (``store``), queueing from any action (``service``) and the patient's
request for a person (``handoff``).

Only ``store`` is imported here, so importing the package (as the console does) never pulls in
Rasa SDK.
"""

from actions.escalation.store import EntryNotFound, EscalationQueue

__all__ = ["EntryNotFound", "EscalationQueue"]
