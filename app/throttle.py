"""Per-address throttles, in memory only: how many workshops an address may create in a
window, and the growing lock-out of an address that keeps asking for codes that do not exist.

Nothing here is written anywhere: each entry is forgotten once its window has passed, and
each table holds at most ``max_keys`` addresses (the least recently seen goes first), so
an attacker with many addresses costs bounded memory. Time comes from the injected clock.
Several processes each keep their own tables.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from app.client_address import TrustedProxies
from app.config import Settings
from app.errors import OpError

Clock = Callable[[], float]
T = TypeVar("T")


class RateLimited(OpError):
    """Answered 429 with ``Retry-After`` (whole seconds, at least 1)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__("rate_limited", message)
        self.retry_after = max(1, math.ceil(retry_after))


def say_duration(seconds: float) -> str:
    """``in 3 seconds`` / ``in 12 minutes``: when to try again, for a person."""
    whole = max(1, math.ceil(seconds))
    if whole < 120:
        return f"in {whole} second{'s' if whole != 1 else ''}"
    return f"in {math.ceil(whole / 60)} minutes"


def _bound(table: dict[str, T], stale: Callable[[T], bool], max_keys: int) -> None:
    """Keep a table (least recently seen first) within ``max_keys``: drop the stale entries,
    then the oldest, down to nine tenths, so that the next new keys do not each pay for a
    sweep."""
    if len(table) <= max_keys:
        return
    for key in [k for k, entry in table.items() if stale(entry)]:
        del table[key]
    while len(table) > max_keys * 0.9:
        del table[next(iter(table))]


class WindowLimit:
    """At most ``limit`` takes per key in any ``window`` seconds (a sliding window)."""

    def __init__(self, limit: int, window: float, clock: Clock, max_keys: int) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._taken: dict[str, deque[float]] = {}

    def take(self, key: str) -> float | None:
        """Count one for ``key``; None if allowed, else the seconds until one is free."""
        now = self._clock()
        times = self._taken.pop(key, None)  # re-inserted last: the most recently seen
        if times is None:
            times = deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            self._taken[key] = times
            return times[0] + self.window - now
        times.append(now)
        self._taken[key] = times
        _bound(self._taken, lambda t: t[-1] <= now - self.window, self._max_keys)
        return None

    def __len__(self) -> int:
        return len(self._taken)


@dataclass
class _Misses:
    count: int
    last: float
    locked_until: float


class MissBackoff:
    """After ``free`` misses, each further miss locks the key out for twice as long as the
    last (``first`` seconds, then 2×, 4×… up to ``cap``). Misses are forgotten ``window``
    seconds after the last one, once no lock-out runs. A hit costs nothing and forgives
    nothing."""

    def __init__(self, free: int, first: float, cap: float, window: float, clock: Clock,
                 max_keys: int) -> None:
        self.free = free
        self.first = first
        self.cap = cap
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._misses: dict[str, _Misses] = {}

    def _stale(self, entry: _Misses, now: float) -> bool:
        return now >= entry.locked_until and now - entry.last >= self.window

    def locked(self, key: str) -> float | None:
        """The seconds ``key`` stays locked out, or None."""
        entry = self._misses.get(key)
        if entry is None:
            return None
        now = self._clock()
        return entry.locked_until - now if now < entry.locked_until else None

    def miss(self, key: str) -> float | None:
        """Count a miss; returns the lock-out it starts, if any."""
        now = self._clock()
        entry = self._misses.pop(key, None)  # re-inserted last: the most recently seen
        if entry is None or self._stale(entry, now):
            entry = _Misses(0, now, now)
        entry.count += 1
        entry.last = now
        over = entry.count - self.free
        lockout = None
        if over > 0:
            lockout = min(self.cap, self.first * 2.0 ** min(over - 1, 40))
            entry.locked_until = now + lockout
        self._misses[key] = entry
        _bound(self._misses, lambda e: self._stale(e, now), self._max_keys)
        return lockout

    def __len__(self) -> int:
        return len(self._misses)


@dataclass(frozen=True)
class Throttles:
    """This process's per-address throttles (README "Limits")."""

    proxies: TrustedProxies
    creations: WindowLimit
    code_misses: MissBackoff


def build_throttles(settings: Settings, clock: Clock) -> Throttles:
    return Throttles(
        proxies=TrustedProxies(settings.trusted_proxies),
        creations=WindowLimit(settings.workshops_per_address, settings.workshops_window_seconds,
                              clock, settings.throttle_max_addresses),
        code_misses=MissBackoff(settings.code_misses_free, settings.code_lockout_first_seconds,
                                settings.code_lockout_max_seconds,
                                settings.code_miss_window_seconds, clock,
                                settings.throttle_max_addresses))
