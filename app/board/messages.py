"""Every WebSocket frame's shape, defined once. See docs/protocol.md.

Client frames are parsed with :data:`client_frame_adapter`; an op's ``data`` is then
parsed with the model its ``kind`` names in :data:`OP_DATA`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

PROTOCOL_VERSION = 1
BOARD_WIDTH = 1600
BOARD_HEIGHT = 1000
MAX_TEXT = 500
MAX_ACTORS = 10
MAX_ACTOR = 40
MAX_FIELD_TEXT = 2000
COLOURS = ("yellow", "pink", "blue", "green", "orange", "purple")

RoomName = Annotated[str, StringConstraints(pattern=r"^(workshop|group):[0-9]{1,12}$")]
OpId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
NoteId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{8,36}$")]
SectionKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
NoteText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Actor = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ACTOR)]
Actors = Annotated[list[Actor], Field(max_length=MAX_ACTORS)]
Coord = Annotated[float, Field(ge=0, le=max(BOARD_WIDTH, BOARD_HEIGHT), allow_inf_nan=False)]
Colour = Literal["yellow", "pink", "blue", "green", "orange", "purple"]


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- client → server -------------------------------------------------------------------

class Hello(_Frame):
    type: Literal["hello"]
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    since: dict[RoomName, Annotated[int, Field(ge=0)]] = {}
    # A facilitator's token may open a read-only projector view.
    role: Literal["screen"] | None = None


class Op(_Frame):
    type: Literal["op"]
    op_id: OpId
    room: RoomName
    kind: str
    data: dict[str, Any] = {}


class Resync(_Frame):
    type: Literal["resync"]
    room: RoomName
    since: Annotated[int, Field(ge=0)]


class Drag(_Frame):
    type: Literal["drag"]
    room: RoomName
    id: NoteId
    x: Coord
    y: Coord


class Presence(_Frame):
    type: Literal["presence"]
    room: RoomName
    editing: NoteId | None = None


class Ping(_Frame):
    type: Literal["ping"]
    id: int | None = None


ClientFrame = Annotated[Hello | Op | Resync | Drag | Presence | Ping, Field(discriminator="type")]
client_frame_adapter: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)


# --- op data, by kind ------------------------------------------------------------------

class NoteCreate(_Frame):
    id: NoteId | None = None
    section: SectionKey
    text: NoteText = ""
    answer: NoteText = ""
    actors: Actors = []
    x: Coord = 0
    y: Coord = 0
    colour: Colour | None = None
    # Accepted for compatibility; the server appends steps and decides privacy.
    step: int | None = None
    private: bool | None = None


class NoteUpdate(_Frame):
    id: NoteId
    text: NoteText | None = None
    answer: NoteText | None = None
    actors: Actors | None = None
    colour: Colour | None = None


class NoteMove(_Frame):
    id: NoteId
    x: Coord
    y: Coord


class NoteDelete(_Frame):
    id: NoteId


class NoteReorder(_Frame):
    id: NoteId
    step: Annotated[int, Field(ge=1, le=1000)]


FieldKey = Annotated[str, StringConstraints(
    pattern=r"^[a-z][a-z0-9_-]{0,39}\.[a-z][a-z0-9_-]{0,39}$")]


class FieldSet(_Frame):
    key: FieldKey
    value: Annotated[str, StringConstraints(max_length=MAX_FIELD_TEXT)]
    # The field version the client edited; a newer one on the server is a conflict.
    base: int | None = None


class PickSet(_Frame):
    key: SectionKey
    value: Annotated[list[Annotated[str, StringConstraints(max_length=80)]], Field(max_length=20)]
    base: int | None = None


class PhaseExtend(_Frame):
    seconds: Annotated[int, Field(ge=-3600, le=3600)]


class PhaseEmpty(_Frame):
    pass


class Spotlight(_Frame):
    group_id: int | None = None


OP_DATA: dict[str, type[_Frame]] = {
    "note.create": NoteCreate,
    "note.update": NoteUpdate,
    "note.move": NoteMove,
    "note.delete": NoteDelete,
    "note.reorder": NoteReorder,
    "field.set": FieldSet,
    "pick.set": PickSet,
    "phase.start": PhaseEmpty,
    "phase.pause": PhaseEmpty,
    "phase.resume": PhaseEmpty,
    "phase.extend": PhaseExtend,
    "phase.next": PhaseEmpty,
    "phase.previous": PhaseEmpty,
    "plenary.spotlight": Spotlight,
}
BOARD_OPS = frozenset(k for k in OP_DATA if k.startswith(("note.", "field.", "pick.")))
WORKSHOP_OPS = frozenset(k for k in OP_DATA if k.startswith(("phase.", "plenary.")))


# --- server → client -------------------------------------------------------------------

ErrorCode = Literal["invalid", "not_found", "forbidden", "locked", "rate_limited", "too_large",
                    "conflict"]


class ErrorFrame(BaseModel):
    type: Literal["error"] = "error"
    op_id: str | None = None
    code: ErrorCode
    message: str
    # For a conflict: the current state the client should rebase on.
    current: dict[str, Any] | None = None


class AckFrame(BaseModel):
    type: Literal["ack"] = "ack"
    op_id: str
    seq: int
    room: str


class EventFrame(BaseModel):
    type: Literal["event"] = "event"
    room: str
    seq: int
    kind: str
    data: dict[str, Any]
    op_id: str | None = None
    by: str = ""
    server_now: float | None = None


class SnapshotFrame(BaseModel):
    type: Literal["snapshot"] = "snapshot"
    room: str
    seq: int
    notes: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    phase: dict[str, Any] | None = None
    roster: dict[str, Any] | None = None
    server_now: float | None = None


class WelcomeFrame(BaseModel):
    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    you: dict[str, Any]
    server_now: float
    workshop: dict[str, Any]
    rooms: list[str]


class PresenceFrame(BaseModel):
    type: Literal["presence"] = "presence"
    room: str
    members: list[dict[str, Any]]


class DragFrame(BaseModel):
    type: Literal["drag"] = "drag"
    room: str
    id: str
    x: float
    y: float
    by: str


class PongFrame(BaseModel):
    type: Literal["pong"] = "pong"
    id: int | None = None
    server_now: float
