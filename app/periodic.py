"""A background task that runs a pass now and then again and again until stopped: the phase
scheduler's (app.phases.scheduler) and the retention sweeper's (app.workshops.retention).

A pass that fails is logged, and the next one runs as usual. Stopping lets the current pass
finish (for up to STOP_SECONDS) rather than cancel it mid-transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
STOP_SECONDS = 5.0


class Periodic:
    """Runs ``one_pass`` at start and then every ``interval`` seconds, or sooner when the
    pass returns fewer seconds to wait, or when kicked."""

    def __init__(self, one_pass: Callable[[], Awaitable[float | None]], interval: float,
                 name: str) -> None:
        self._pass = one_pass
        self._interval = interval
        self._name = name
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    def kick(self) -> None:
        """Run the next pass now instead of at the end of the wait."""
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=STOP_SECONDS)
            except TimeoutError:
                self._task.cancel()

    async def _run(self) -> None:
        while not self._stopping:
            delay = self._interval
            try:
                wanted = await self._pass()
                if wanted is not None:
                    delay = min(delay, wanted)
            except Exception:
                log.exception("%s: pass failed; trying again at the next one", self._name)
            if self._stopping:
                return
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
