"""The backplane carries room messages between processes: in memory, or over Redis.

Messages are hints, not data: a lost one is recovered from the event log, because a
receiver that sees a gap in seq reads the missing events from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, Field, TypeAdapter

from app.protocol.server import EventFrame


class EventMessage(EventFrame):
    """A logged event, with who alone may see it (recipients are filtered on arrival)."""

    t: Literal["event"] = "event"
    private_to: str | None


class DragMessage(BaseModel):
    t: Literal["drag"] = "drag"
    room: str
    id: str
    x: float
    y: float
    by: str
    # The dragging socket, which does not get its own drag back.
    origin: str


class Member(BaseModel):
    id: str
    name: str
    role: str
    editing: str | None


class PresenceMessage(BaseModel):
    t: Literal["presence"] = "presence"
    room: str
    # Each process says who is online through it; receivers merge the lists.
    process: str
    members: list[Member]


class RejoinMessage(BaseModel):
    t: Literal["rejoin"] = "rejoin"
    room: str
    # The principals whose sockets must reconnect; None: everyone's.
    who: list[str] | None
    # Set when their credential was revoked: the sockets close for good, with this reason.
    revoked: str | None = None
    # Set (with ``revoked``) when the workshop itself was deleted: close code 4410.
    gone: bool = False
    # Set (with ``revoked``) when the facilitator removed these participants: close code 4403.
    removed: bool = False
    # Set (without ``revoked``) when these participants moved to this group: their open
    # sockets switch rooms in place (a ``rooms`` frame, then the group's snapshot).
    group_id: int | None = None


Message = Annotated[EventMessage | DragMessage | PresenceMessage | RejoinMessage,
                    Field(discriminator="t")]
messages: TypeAdapter[Message] = TypeAdapter(Message)
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
