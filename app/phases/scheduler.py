"""Fires phase deadlines: sleeps until the next one, applies what is due, repeats.

Deadlines live in the database, so a restarted process re-arms them by reading it, and
anything that passed while it was down is applied on its first pass. Every process
runs a scheduler; compare-and-set makes sure each deadline fires once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, fire_due: Callable[[], Awaitable[int]],
                 next_deadline: Callable[[], Awaitable[float | None]],
                 clock: Callable[[], float], rescan_seconds: float) -> None:
        self._fire_due = fire_due
        self._next_deadline = next_deadline
        self._clock = clock
        self._rescan = rescan_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="phase-scheduler")

    def kick(self) -> None:
        """A deadline changed here: look again now instead of at the next rescan."""
        self._wake.set()

    async def stop(self) -> None:
        # Finish the current pass rather than cancel it mid-transaction.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=5)
            except TimeoutError:
                self._task.cancel()

    async def _run(self) -> None:
        while not self._stopping:
            delay = self._rescan
            try:
                await self._fire_due()
                deadline = await self._next_deadline()
                if deadline is not None:
                    delay = min(delay, max(0.0, deadline - self._clock()))
            except Exception:
                log.exception("scheduler pass failed; retrying")
            if self._stopping:
                return
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay + 0.005)
