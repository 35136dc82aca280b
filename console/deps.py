"""``Deps``: the settings, stores and Rasa client one console app shares with its route modules.

``create_app`` builds one per app (nothing is built at import time, so tests can run several
apps in one process); each route module's ``blueprint(deps)`` closes over it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from redis import Redis

from actions.core.escalation.model import WAITING, Entry
from actions.escalation.store import MAX_ID_CHARS, EscalationQueue
from console.accounts import AccountStore
from console.audit import StaffAudit
from console.auth import IpThrottle, LoginBackoff, SessionStore
from console.rasa_client import HttpRasaClient, RasaClient
from console.settings import Settings
from console.web import Staff, entry_json, run


@dataclass(frozen=True)
class Deps:
    settings: Settings
    redis: Redis
    queue: EscalationQueue
    accounts: AccountStore
    sessions: SessionStore
    throttle: IpThrottle
    backoff: LoginBackoff
    audit: StaffAudit
    rasa: RasaClient

    @classmethod
    def build(cls, settings: Settings, *, rasa: RasaClient | None = None,
              redis_client: Redis | None = None) -> Deps:
        """The real clients from ``settings``; ``rasa`` and ``redis_client`` for tests."""
        client = redis_client or Redis.from_url(
            settings.redis_url, decode_responses=True, socket_timeout=5,
            socket_connect_timeout=5, health_check_interval=30)
        return cls(
            settings=settings,
            redis=client,
            queue=EscalationQueue(client, settings.retention.queue_closed_seconds),
            accounts=AccountStore(client),
            sessions=SessionStore(client, ttl_s=settings.session_seconds),
            throttle=IpThrottle(client),
            backoff=LoginBackoff(client),
            audit=StaffAudit(client, retention_s=settings.retention.audit_seconds),
            rasa=rasa or HttpRasaClient(settings.rasa_url, settings.rasa_token,
                                        timeout_s=settings.rasa_timeout_s),
        )

    async def load_staff(self, sid: str | None) -> Staff | None:
        """The session's user, or None (no or unknown session; a disabled account's session
        is deleted on the spot)."""
        if not sid:
            return None
        session = await run(self.sessions.load, sid)
        if session is None:
            return None
        account = await run(self.accounts.get, session.username)
        if account is None or account.disabled:
            await run(self.sessions.delete, sid)
            return None
        return Staff(account=account, session=session, sid=sid)

    async def record(self, what: str, staff: Staff | str, cid: str | None = None,
                     **detail: Any) -> None:
        """One row of the ``audit:staff`` stream."""
        who = staff if isinstance(staff, str) else staff.username
        await run(self.audit.record, what, who, cid, **detail)

    async def find_entry(self, cid: str) -> Entry | None:
        """The queue entry (open or closed), or None; ids the store would refuse are None too."""
        return await run(self.queue.get, cid) if 0 < len(cid) <= MAX_ID_CHARS else None

    async def snapshot(self) -> dict[str, Any]:
        """``{version, now, entries}``: the open entries in queue order, as the API sends them."""
        def build() -> dict[str, Any]:
            version = self.queue.version()  # read first: a change after this shows up next poll
            now = time.time()
            items, position = [], 0
            for entry in self.queue.open_entries():
                if entry.status == WAITING:
                    position += 1
                items.append(entry_json(entry, now, position if entry.status == WAITING
                                        else None))
            return {"version": version, "now": now, "entries": items}
        return await run(build)
