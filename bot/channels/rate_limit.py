"""Rate limits per sender and per client IP: the token-bucket policy (pure) and its kind reply.

Why: one sender sent ~760 messages in 9 minutes; every turn of every patient slowed down and the
stored conversation grew without bound. A bucket holds ``per_minute`` tokens (a burst: patients
double-send) and refills evenly at ``per_minute`` a minute; a message takes one token. A message
over the limit is not processed, but it is never met with silence: it is still screened by the
compact emergency/crisis patterns (bot/safety_fallback.py) and otherwise gets ``LIMITED_TEXT``,
which carries the 911 / 988 line too. The Redis adapter is bot/channels/rate_limit_store.py.
"""

from __future__ import annotations

from dataclasses import dataclass

LIMITED_TEXT = (
    "You're sending messages faster than I can read them, so I skipped the last one. Please wait "
    "a minute, then send it again. If this is an emergency, call 911 (or call or text 988 for a "
    "mental health crisis)."
)


@dataclass(frozen=True)
class BucketState:
    tokens: float
    at: float  # when ``tokens`` was computed (seconds, any monotonic-enough clock)

    def dump(self) -> str:
        return f"{self.tokens:.4f}:{self.at:.3f}"

    @classmethod
    def load(cls, raw: str | None) -> BucketState | None:
        try:
            tokens, at = (raw or "").split(":")
            return cls(float(tokens), float(at))
        except ValueError:
            return None


def take(state: BucketState | None, now: float, per_minute: int) -> tuple[bool, BucketState]:
    """Try to take one token: (allowed, the bucket afterwards). ``per_minute`` <= 0: no limit."""
    capacity = float(max(per_minute, 0))
    if capacity == 0:
        return True, BucketState(0.0, now)
    if state is None:
        tokens = capacity
    else:
        elapsed = max(0.0, now - state.at)
        tokens = min(capacity, state.tokens + elapsed * capacity / 60.0)
    if tokens >= 1.0:
        return True, BucketState(tokens - 1.0, now)
    return False, BucketState(tokens, now)


def idle_seconds(per_minute: int) -> int:
    """After this long untouched a bucket is full again, so its key may expire."""
    return 60 + 5 if per_minute > 0 else 1
