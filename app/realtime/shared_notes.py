"""What one socket already knows about which notes are shared with its room.

A private note's position and who edits it are as private as its text, so a drag or
an "editing" presence is passed on only for a shared note. At 10 Hz a drag would cost a
database read each; answers are remembered instead: "shared" for good (a note never
becomes private again), "hidden" until the socket is sent a note created or revealed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

MAX_REMEMBERED = 1000


class SharedNotes:
    __slots__ = ("_hidden", "_hidden_since", "_shared")

    def __init__(self) -> None:
        # Made on first use: most sockets never drag or edit.
        self._shared: set[str] | None = None
        self._hidden: set[str] | None = None
        # Counts the times the hidden answers were dropped: an answer looked up before
        # the last time is out of date.
        self._hidden_since = 0

    async def is_shared(self, note_id: str, look_up: Callable[[str], Awaitable[bool]]) -> bool:
        if self._shared is not None and note_id in self._shared:
            return True
        if self._hidden is not None and note_id in self._hidden:
            return False
        asked_at = self._hidden_since
        shared = await look_up(note_id)
        if shared:
            if self._shared is None:
                self._shared = set()
            if len(self._shared) < MAX_REMEMBERED:
                self._shared.add(note_id)
        elif self._hidden_since == asked_at:
            if self._hidden is None:
                self._hidden = set()
            if len(self._hidden) < MAX_REMEMBERED:
                self._hidden.add(note_id)
        return shared

    def forget_hidden(self) -> None:
        """A note may have been created or revealed: look the hidden ones up again."""
        self._hidden = None
        self._hidden_since += 1
