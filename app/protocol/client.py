"""Client → server frames: one discriminated union on ``type``, and ops on ``kind``.

:data:`client_frames` parses a frame whole, an op's ``data`` included, so a handler gets
a validated model. docs/protocol.md describes each frame.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from app.errors import ErrorCode, FieldError
from app.protocol.cluster_data import (
    ClusterCreate,
    ClusterMember,
    ClusterRef,
    ClusterShow,
    ClusterUpdate,
)
from app.protocol.limits import (
    BOARD_HEIGHT,
    BOARD_WIDTH,
    MAX_ACTOR,
    MAX_ACTORS,
    MAX_EXTEND_SECONDS,
    MAX_FIELD_TEXT,
    MAX_ID,
    MAX_PICKS,
    MAX_STEP,
    MAX_TEXT,
    MAX_VOTES,
)


def _no_nul(text: str) -> str:
    # PostgreSQL cannot store NUL in text, so no database may get one.
    if "\x00" in text:
        raise ValueError("text may not contain NUL characters")
    return text


# For text that people type: no NUL, whichever database stores it.
NO_NUL = AfterValidator(_no_nul)
RoomName = Annotated[str, StringConstraints(pattern=r"^(workshop|group):[0-9]{1,12}$")]
OpId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
NoteId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{8,36}$")]
SectionKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
FieldKey = Annotated[str, StringConstraints(
    pattern=r"^[a-z][a-z0-9_-]{0,39}\.[a-z][a-z0-9_-]{0,39}$")]
NoteText = Annotated[str, StringConstraints(max_length=MAX_TEXT), NO_NUL]
Actor = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                         max_length=MAX_ACTOR), NO_NUL]
Actors = Annotated[list[Actor], Field(max_length=MAX_ACTORS)]
Coord = Annotated[float, Field(ge=0, le=max(BOARD_WIDTH, BOARD_HEIGHT), allow_inf_nan=False)]
Colour = Literal["yellow", "pink", "blue", "green", "orange", "purple"]
# A note's or field's version as the client last saw it.
Version = Annotated[int, Field(ge=0, le=MAX_ID)]
# A row's id (group, participant, screen): bounded so that no database is asked about an
# integer it cannot hold (SQLite's is 64-bit), and a browser can hold it exactly.
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A room's seq as the client last saw it.
Seq = Annotated[int, Field(ge=0, le=MAX_ID)]


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Hello(Frame):
    type: Literal["hello"]
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    since: dict[RoomName, Seq] = {}
    # A facilitator's token may open a read-only projector view.
    role: Literal["screen"] | None = None
    # A facilitator's (or co-facilitator's) token: a read-only view of this group as its
    # participants see it (app.auth).
    view: RowId | None = None


class Resync(Frame):
    type: Literal["resync"]
    room: RoomName
    since: Seq


class Drag(Frame):
    type: Literal["drag"]
    room: RoomName
    id: NoteId
    x: Coord
    y: Coord


class Presence(Frame):
    type: Literal["presence"]
    room: RoomName
    editing: NoteId | None = None


class Ping(Frame):
    type: Literal["ping"]
    id: Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)] | None = None


# --- op data ---------------------------------------------------------------------------

class NoteCreate(Frame):
    id: NoteId | None = None
    section: SectionKey
    text: NoteText = ""
    answer: NoteText = ""
    actors: Actors = []
    x: Coord = 0
    y: Coord = 0
    colour: Colour | None = None
    # Accepted and ignored: the server numbers steps and decides privacy.
    step: Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)] | None = None
    private: bool | None = None


class NoteUpdate(Frame):
    id: NoteId
    text: NoteText | None = None
    answer: NoteText | None = None
    actors: Actors | None = None
    colour: Colour | None = None
    # The note version the editor started from; a newer one on the server is a conflict.
    base: Version | None = None


class NoteMove(Frame):
    id: NoteId
    x: Coord
    y: Coord
    base: Version | None = None  # as note.update's (the board's undo sends it)


class NoteDelete(Frame):
    id: NoteId
    base: Version | None = None


class NoteReorder(Frame):
    id: NoteId
    step: Annotated[int, Field(ge=1, le=MAX_STEP)]
    base: Version | None = None


class FieldSet(Frame):
    key: FieldKey
    value: Annotated[str, StringConstraints(max_length=MAX_FIELD_TEXT), NO_NUL]
    # The field version the client edited; a newer one on the server is a conflict.
    base: Version | None = None


class PickSet(Frame):
    key: SectionKey
    value: Annotated[list[Annotated[str, StringConstraints(max_length=80)]],
                     Field(max_length=MAX_PICKS)]
    base: Version | None = None


ExtendSeconds = Annotated[int, Field(ge=-MAX_EXTEND_SECONDS, le=MAX_EXTEND_SECONDS)]


# The phase ``version`` a facilitator acted on: a newer one is a conflict (compare-and-set).
PhaseBase = Annotated[int, Field(ge=0, le=MAX_ID)]


class PhaseExtend(Frame):
    seconds: ExtendSeconds
    base: PhaseBase | None = None


class PhaseData(Frame):
    base: PhaseBase | None = None


class NoData(Frame):
    pass


class Spotlight(Frame):
    group_id: RowId | None = None


class VoteTarget(Frame):
    note_id: NoteId


class GroupReady(Frame):
    ready: bool


class GroupHelp(Frame):
    on: bool


class VotesOpen(Frame):
    per_person: Annotated[int, Field(ge=1, le=MAX_VOTES)]
    # Section keys whose notes may be voted on; none: every note section.
    sections: Annotated[list[SectionKey], Field(max_length=40)] | None = None


# --- ops: one model per kind -----------------------------------------------------------

class OpFrame(Frame):
    type: Literal["op"]
    op_id: OpId
    room: RoomName
    kind: str


class NoteCreateOp(OpFrame):
    kind: Literal["note.create"]
    data: NoteCreate


class NoteUpdateOp(OpFrame):
    kind: Literal["note.update"]
    data: NoteUpdate


class NoteMoveOp(OpFrame):
    kind: Literal["note.move"]
    data: NoteMove


class NoteDeleteOp(OpFrame):
    kind: Literal["note.delete"]
    data: NoteDelete


class NoteReorderOp(OpFrame):
    kind: Literal["note.reorder"]
    data: NoteReorder


class FieldSetOp(OpFrame):
    kind: Literal["field.set"]
    data: FieldSet


class PickSetOp(OpFrame):
    kind: Literal["pick.set"]
    data: PickSet


class PhaseActionOp(OpFrame):
    kind: Literal["phase.start", "phase.pause", "phase.resume", "phase.next",
                  "phase.previous"]
    data: PhaseData = PhaseData()


class PhaseExtendOp(OpFrame):
    kind: Literal["phase.extend"]
    data: PhaseExtend


class SpotlightOp(OpFrame):
    kind: Literal["plenary.spotlight"]
    # No data: no group in the spotlight.
    data: Spotlight = Spotlight()


class VoteOp(OpFrame):
    kind: Literal["vote.cast", "vote.retract"]
    data: VoteTarget


class GroupReadyOp(OpFrame):
    kind: Literal["group.ready"]
    data: GroupReady


class GroupHelpOp(OpFrame):
    kind: Literal["group.help"]
    data: GroupHelp


class VotesOpenOp(OpFrame):
    kind: Literal["votes.open"]
    data: VotesOpen


class VotesCloseOp(OpFrame):
    kind: Literal["votes.close"]
    data: NoData = NoData()


class ClusterCreateOp(OpFrame):
    kind: Literal["cluster.create"]
    data: ClusterCreate


class ClusterUpdateOp(OpFrame):
    kind: Literal["cluster.update"]
    data: ClusterUpdate


class ClusterDeleteOp(OpFrame):
    kind: Literal["cluster.delete"]
    data: ClusterRef


class ClusterMemberOp(OpFrame):
    kind: Literal["cluster.add", "cluster.remove"]
    data: ClusterMember


class ClusterShowOp(OpFrame):
    kind: Literal["cluster.show"]
    data: ClusterShow


# The plenary's clusters: workshop-room ops with a service of their own (app.board.clusters).
ClusterOp = ClusterCreateOp | ClusterUpdateOp | ClusterDeleteOp | ClusterMemberOp \
    | ClusterShowOp
# Votes and signals go to the group room but have handlers of their own (app.api.ops).
SignalOp = VoteOp | GroupReadyOp | GroupHelpOp
BoardOp = NoteCreateOp | NoteUpdateOp | NoteMoveOp | NoteDeleteOp | NoteReorderOp | FieldSetOp \
    | PickSetOp
WorkshopOp = PhaseActionOp | PhaseExtendOp | SpotlightOp | VotesOpenOp | VotesCloseOp \
    | ClusterOp
Op = Annotated[BoardOp | SignalOp | WorkshopOp, Field(discriminator="kind")]
ClientFrame = Annotated[Hello | Op | Resync | Drag | Presence | Ping,
                        Field(discriminator="type")]
client_frames: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
hello_frame: TypeAdapter[Hello] = TypeAdapter(Hello)


def validation_code(exc: ValidationError) -> ErrorCode:
    """Over-long text or lists in an op's data are ``too_large``; anything else is ``invalid``."""
    err = exc.errors()[0]
    too_long = err["type"] in ("string_too_long", "too_long")
    return "too_large" if too_long and "data" in err["loc"] else "invalid"


def validation_message(exc: ValidationError) -> str:
    """The first problem, located by field: ``data.x: Input should be ...``."""
    err = exc.errors()[0]
    if err["type"] == "union_tag_invalid" and err.get("ctx", {}).get("discriminator") == "'kind'":
        return f"Unknown op kind {err['ctx']['tag']!r}."
    where = ".".join(str(p) for p in _frame_loc(err["loc"])) or "frame"
    return f"{where}: {err['msg']}"


def validation_fields(exc: ValidationError) -> list[FieldError]:
    """Every problem, located in the frame as the client sent it (``["data", "x"]``)."""
    return [FieldError(loc=_frame_loc(err["loc"]), message=err["msg"]) for err in exc.errors()]


def _frame_loc(loc: tuple[str | int, ...]) -> list[str | int]:
    """Without the union tags pydantic puts in front ("op", "note.move"): the client sent
    them."""
    found = list(loc)
    while found and isinstance(found[0], str) and (found[0] in _TAGS):
        found.pop(0)
    return found


def _union_tags() -> frozenset[str]:
    members = (Hello, Resync, Drag, Presence, Ping, *get_args(BoardOp), *get_args(SignalOp),
               *get_args(WorkshopOp))
    return frozenset(tag for model in members for name in ("type", "kind")
                     if (field := model.model_fields.get(name)) is not None
                     for tag in get_args(field.annotation))


_TAGS = _union_tags()
