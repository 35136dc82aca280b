"""Confirmation codes: short, random, readable aloud and over SMS.

The alphabet drops 0/O and 1/I, which patients confuse when reading a code back. 32 symbols ** 6
= about 10^9 codes; the store retries on the (rare) collision. `secrets`, not `random`: a code
plus name and date of birth opens an appointment, so it must not be guessable from earlier ones.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 6
_SEPARATORS = re.compile(r"[\s\-_.#]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(text: str) -> str:
    """What a patient typed ("k7p-2qx ", "#K7P2QX") → the stored form ("K7P2QX")."""
    return _SEPARATORS.sub("", text).upper()


def looks_like_code(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)
