"""Fires phase deadlines: sleeps until the next one, applies what is due, repeats.

Deadlines live in the database, so a restarted process re-arms them by reading it, and
anything that passed while it was down is applied on its first pass. Every process
runs a scheduler; compare-and-set makes sure each deadline fires once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.periodic import Periodic

# Woken just after a deadline, not a hair before it.
SLACK_SECONDS = 0.005


class Scheduler(Periodic):
    def __init__(self, fire_due: Callable[[], Awaitable[int]],
                 next_deadline: Callable[[], Awaitable[float | None]],
                 clock: Callable[[], float], rescan_seconds: float) -> None:
        super().__init__(self._fire, rescan_seconds, "phase-scheduler")
        self._fire_due = fire_due
        self._next_deadline = next_deadline
        self._clock = clock

    async def _fire(self) -> float | None:
        """Apply what is due; the seconds until the next deadline (None: none is set)."""
        await self._fire_due()
        deadline = await self._next_deadline()
        return None if deadline is None else max(0.0, deadline - self._clock()) + SLACK_SECONDS
