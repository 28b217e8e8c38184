"""Server → client frames, each a pydantic model serialised by pydantic-core."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from app.errors import ErrorCode, FieldError

PROTOCOL_VERSION = 1


class ServerFrame(BaseModel):
    def text(self) -> str:
        """The frame as JSON text; fields left at None are left out."""
        return self.model_dump_json(exclude_none=True)


class ErrorFrame(ServerFrame):
    type: Literal["error"] = "error"
    op_id: str | None = None
    code: ErrorCode
    message: str
    # For a frame that fails validation: each problem, located (as in HTTP's 422 body).
    fields: list[FieldError] | None = None
    # For a conflict: the current state the client should rebase on.
    current: dict[str, Any] | None = None


class AckFrame(ServerFrame):
    type: Literal["ack"] = "ack"
    op_id: str
    seq: int
    room: str


class EventFrame(ServerFrame):
    type: Literal["event"] = "event"
    room: str
    seq: int
    kind: str
    data: dict[str, Any]
    op_id: str | None
    by: str
    # Phase events: the server's clock, which their times are read against.
    server_now: float | None = None

    def text(self) -> str:
        # op_id is part of every event, null included: clients match acks on it.
        return self.model_dump_json(exclude={"server_now"} if self.server_now is None else None)


class SnapshotFrame(ServerFrame):
    type: Literal["snapshot"] = "snapshot"
    room: str
    seq: int
    server_now: float
    notes: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    # The workshop room's snapshot only.
    phase: dict[str, Any] | None = None
    roster: dict[str, Any] | None = None
    spotlight: int | None = None
    # A group room's vote as this viewer sees it (app.board.votes.board_view).
    votes: dict[str, Any] | None = None
    # The plenary's clusters (app.board.clusters), in order.
    clusters: list[dict[str, Any]] | None = None
    # What the plenary screen shows: "boards", "clusters" or "comparison".
    cluster_view: str | None = None

    def text(self) -> str:
        # spotlight: null means "no group in the spotlight", so it is always sent with phase.
        if self.phase is None:
            return self.model_dump_json(exclude_none=True)
        return self.model_dump_json()


class WelcomeFrame(ServerFrame):
    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    you: dict[str, Any]
    server_now: float
    workshop: dict[str, Any]
    rooms: list[str]


class RoomsFrame(ServerFrame):
    """The socket's rooms changed in place (its participant was moved to another group):
    who it is now and its rooms; the new room's snapshot follows."""

    type: Literal["rooms"] = "rooms"
    you: dict[str, Any]
    rooms: list[str]


class PresenceFrame(ServerFrame):
    type: Literal["presence"] = "presence"
    room: str
    members: list[dict[str, Any]]


class DragFrame(ServerFrame):
    type: Literal["drag"] = "drag"
    room: str
    id: str
    x: float
    y: float
    by: str


class PongFrame(ServerFrame):
    type: Literal["pong"] = "pong"
    # The ping's id, null included.
    id: int | None = None
    server_now: float

    def text(self) -> str:
        return self.model_dump_json()
