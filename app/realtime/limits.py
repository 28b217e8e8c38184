"""A token bucket: a steady rate with room for bursts; and the limits each principal has
across all of its sockets in this process."""

from __future__ import annotations

from collections.abc import Callable

from app.principal import Principal
from app.realtime.connection import Connection

CLOSE_TOO_MANY = 4429
TOO_MANY_SOCKETS = "too many connections for this participant"


class TokenBucket:
    __slots__ = ("_at", "_clock", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._at = clock()

    def _refill(self) -> float:
        now = self._clock()
        # max(): a wall clock set back must not drain the bucket.
        self._tokens = min(self.burst, self._tokens + max(0.0, now - self._at) * self.rate)
        self._at = now
        return self._tokens

    def take(self, amount: float = 1.0) -> bool:
        if self._refill() < amount:
            return False
        self._tokens -= amount
        return True

    @property
    def full(self) -> bool:
        return self._refill() >= self.burst


def principal_key(who: Principal) -> tuple[int, str]:
    return who.workshop_id, who.id


class PrincipalLimits:
    """Per principal (a participant, the facilitator, a screen): one op bucket shared by
    all of its sockets, and at most ``max_sockets`` sockets (a new one pushes out the
    oldest). Per process: each process of a multi-process deployment counts its own."""

    def __init__(self, ops_per_second: float, ops_burst: float, max_sockets: int,
                 clock: Callable[[], float]) -> None:
        self._rate = ops_per_second
        self._burst = ops_burst
        self.max_sockets = max_sockets
        self._clock = clock
        self._sockets: dict[tuple[int, str], list[Connection]] = {}
        self._buckets: dict[tuple[int, str], TokenBucket] = {}
        self._prune_at = 64

    def attach(self, conn: Connection) -> list[Connection]:
        """Count an open socket; returns the oldest ones it pushes over the limit, which
        the caller closes (with CLOSE_TOO_MANY)."""
        sockets = self._sockets.setdefault(principal_key(conn.who), [])
        sockets.append(conn)
        excess = len(sockets) - self.max_sockets
        if excess <= 0:
            return []
        oldest = sockets[:excess]
        del sockets[:excess]
        return oldest

    def detach(self, conn: Connection) -> None:
        key = principal_key(conn.who)
        sockets = self._sockets.get(key)
        if sockets is None:
            return
        if conn in sockets:
            sockets.remove(conn)
        if not sockets:
            del self._sockets[key]

    def sockets(self, who: Principal) -> int:
        return len(self._sockets.get(principal_key(who), ()))

    def take_op(self, who: Principal) -> bool:
        """One op for ``who``, whichever of its sockets sent it; False when over the rate."""
        key = principal_key(who)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self._rate, self._burst, self._clock)
            self._prune()
        return bucket.take()

    def _prune(self) -> None:
        """Forget full buckets (a new one is the same): memory stays bounded by those in use."""
        if len(self._buckets) < self._prune_at:
            return
        for key in [k for k, b in self._buckets.items() if b.full]:
            del self._buckets[key]
        self._prune_at = max(64, 2 * len(self._buckets))
