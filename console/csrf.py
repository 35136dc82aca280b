"""CSRF defences: per-session tokens and an Origin check.

Two independent layers, because either alone has gaps: the SameSite=Strict cookie and the Origin
check stop cross-site form posts in current browsers, and the token (header or form field, compared
in constant time) still holds where an old browser or a proxy drops those headers.
"""

from __future__ import annotations

import hmac
import secrets

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADER = "x-csrf-token"
FORM_FIELD = "csrf_token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def origin_allowed(origin: str | None, own_origin: str, allowed: tuple[str, ...] = (),
                   sec_fetch_site: str | None = None) -> bool:
    """May a state-changing request with these headers proceed?

    No Origin header (curl, old clients) passes this layer and still needs the token; "null"
    (sandboxed frames, file://) and any other site's origin are refused.
    """
    if (sec_fetch_site or "").lower() == "cross-site":
        return False
    if origin is None:
        return True
    value = origin.strip().rstrip("/").lower()
    if not value or value == "null":
        return False
    return value == own_origin.lower() or value in allowed
