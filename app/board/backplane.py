"""The backplane carries room messages between processes: in memory, or over Redis.

Messages are hints, not data: a lost one is recovered from the event log, because a
receiver that sees a gap in seq reads the missing events from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

Message = dict[str, Any]
Receiver = Callable[[str, Message], None]
ReconnectListener = Callable[[], None]


class Backplane(Protocol):
    async def start(self, receiver: Receiver, on_reconnect: ReconnectListener) -> None: ...

    async def publish(self, room: str, message: Message) -> None: ...

    async def subscribe(self, room: str) -> None: ...

    async def unsubscribe(self, room: str) -> None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


class MemoryBackplane:
    """One process: publishing hands the message straight to the local receiver."""

    def __init__(self) -> None:
        self._receiver: Receiver | None = None

    async def start(self, receiver: Receiver, on_reconnect: ReconnectListener) -> None:
        self._receiver = receiver

    async def publish(self, room: str, message: Message) -> None:
        if self._receiver is not None:
            self._receiver(room, message)

    async def subscribe(self, room: str) -> None:
        return None

    async def unsubscribe(self, room: str) -> None:
        return None

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._receiver = None
