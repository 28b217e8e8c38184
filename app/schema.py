"""The database schema: every table, as SQLModel classes and the Core tables queries use.

Migrations (app/migrations) create and change these; stores in each domain package query
them through SQLAlchemy Core.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel


class Workshop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True, index=True)
    title: str = Field(max_length=120)
    template: str = Field(max_length=60)
    facilitator_token_hash: str = Field(max_length=64)
    created_at: float
    # Minutes per phase key, set before start; missing keys take the template's value.
    minutes: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    auto_advance: bool = True
    # Phase engine state (see app.phases.engine.PhaseState).
    status: str = Field(default="lobby", max_length=16)
    phase_index: int = -1
    ends_at: float | None = None
    remaining: float | None = None
    phase_version: int = 0
    warned: bool = False
    spotlight: int | None = None
    # What a participant's "leave and erase me" does to their notes: "keep_anonymous" (the
    # notes stay, their author shown as a removed participant) or "delete".
    erase_notes: str = Field(default="keep_anonymous", max_length=16,
                             sa_column_kwargs={"server_default": "keep_anonymous"})
    # End a group phase early once every group with someone online is ready.
    advance_when_ready: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # The workshop's default language (app.i18n): reports, the screen, pages without a choice.
    language: str = Field(default="en", max_length=8, sa_column_kwargs={"server_default": "en"})
    # No participant's name leaves the server (app.protocol.anonymity).
    anonymous: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    # What the plenary screen shows (app.board.clusters): "boards", "clusters", "comparison".
    cluster_view: str = Field(default="boards", max_length=16,
                              sa_column_kwargs={"server_default": "boards"})
    # New joins are refused (423) while set; people already in can still reconnect.
    join_locked: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    # The secret behind an anonymous workshop's author pseudonyms; never sent.
    pseudonym_key: str | None = Field(default=None, max_length=32)


class Group(SQLModel, table=True):
    __tablename__ = "workshop_group"
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    name: str = Field(max_length=40)
    position: int


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    group_id: int = Field(foreign_key="workshop_group.id", index=True)
    name: str = Field(max_length=40)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: float


class Screen(SQLModel, table=True):
    """A projector with its own read-only token, paired with at most one workshop.

    Waiting: no workshop, a pairing code until ``expires_at``. Paired: a workshop, no code,
    no expiry. Unpaired again: no workshop, no code; dropped after ``expires_at``.
    """

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    pairing_code: str | None = Field(default=None, max_length=12, unique=True, index=True)
    expires_at: float | None = None
    workshop_id: int | None = Field(default=None, foreign_key="workshop.id", index=True)
    created_at: float
    paired_at: float | None = None
    last_seen: float | None = None


class CoFacilitator(SQLModel, table=True):
    """A second facilitator's own token for one workshop: revocable, never the lead's."""

    __tablename__ = "co_facilitator"
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    label: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})
    created_at: float


class Room(SQLModel, table=True):
    """A sequenced stream of events: ``workshop:<id>`` or ``group:<id>``. Its seq is the
    highest in its event log (app.eventlog.room_seq); a writer locks this row."""

    name: str = Field(primary_key=True, max_length=40)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)


class Note(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    room: str = Field(max_length=40, index=True)
    section: str = Field(max_length=40)
    kind: str = Field(max_length=16)
    text: str = Field(default="", max_length=500)
    answer: str = Field(default="", max_length=500)
    actors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    step: int | None = None
    # Steps are numbered per lane: the author's id for individual work, "" for the group.
    lane: str = Field(default="", max_length=40)
    x: float = 0
    y: float = 0
    colour: str = Field(default="yellow", max_length=16)
    author: str = Field(max_length=40)
    author_name: str = Field(default="", max_length=40)
    private: bool = False
    version: int = 1
    created_at: float
    updated_at: float


class BoardField(SQLModel, table=True):
    __tablename__ = "board_field"
    room: str = Field(primary_key=True, max_length=40)
    key: str = Field(primary_key=True, max_length=80)
    value: Any = Field(default=None, sa_column=Column(JSON))
    version: int = 1
    updated_by: str = Field(default="", max_length=40)
    updated_by_name: str = Field(default="", max_length=40)
    updated_at: float


class Event(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("room", "seq", name="uq_event_room_seq"),
        Index("ix_event_room_op", "room", "op_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=40)
    seq: int
    kind: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    op_id: str | None = Field(default=None, max_length=64)
    by: str = Field(default="", max_length=40)
    # Set when only this principal (and the facilitator) may see the event's content.
    private_to: str | None = Field(default=None, max_length=40)
    at: float


class VoteRound(SQLModel, table=True):
    """A dot vote in a workshop: open until closed or its phase ends; the newest one is
    the one boards show."""

    __tablename__ = "vote_round"
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(index=True)
    phase_index: int
    per_person: int
    # Section keys whose notes may be voted on; empty: every note section.
    sections: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="open", max_length=8)
    opened_at: float
    closed_at: float | None = None


class Vote(SQLModel, table=True):
    """One dot: a participant may put several on one note."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(index=True)
    room: str = Field(max_length=40, index=True)
    note_id: str = Field(max_length=36)
    voter: str = Field(max_length=40)
    at: float


class GroupSignal(SQLModel, table=True):
    """A group's "we need help" flag and who in it said "we're done" this phase."""

    __tablename__ = "group_signal"
    group_id: int = Field(primary_key=True)
    workshop_id: int = Field(index=True)
    help: bool = False
    ready: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ActivityTemplate(SQLModel, table=True):
    """A template a facilitator wrote (key ``t-…``, changed with its edit token) or a
    workshop's own frozen copy of one (key ``w-…``, no token, deleted with the workshop)."""

    __tablename__ = "activity_template"
    key: str = Field(primary_key=True, max_length=40)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    edit_token_hash: str | None = Field(default=None, max_length=64)
    # A copy's workshop (None for a facilitator's own template).
    workshop_id: int | None = Field(default=None, index=True)
    created_at: float
    updated_at: float


class Cluster(SQLModel, table=True):
    """A plenary cluster: notes from any group's board under one label (app.board.clusters)."""

    id: str = Field(primary_key=True, max_length=36)
    workshop_id: int = Field(index=True)
    label: str = Field(max_length=120)
    # "commonality", "difference" or "theme".
    kind: str = Field(max_length=16)
    # 1, 2, 3 … kept contiguous per workshop.
    position: int
    created_at: float
    updated_at: float


class ClusterNote(SQLModel, table=True):
    """A note in a cluster; ``position`` keeps the order notes were added in."""

    __tablename__ = "cluster_note"
    cluster_id: str = Field(primary_key=True, max_length=36)
    note_id: str = Field(primary_key=True, max_length=36)
    room: str = Field(max_length=40)
    workshop_id: int = Field(index=True)
    position: int


def table(model: type[SQLModel]) -> Table:
    """The Core table behind a model, for typed Core queries."""
    result: Any = model.__table__  # type: ignore[attr-defined]
    assert isinstance(result, Table)
    return result


workshops = table(Workshop)
groups = table(Group)
participants = table(Participant)
screens = table(Screen)
rooms = table(Room)
notes = table(Note)
fields = table(BoardField)
events = table(Event)
vote_rounds = table(VoteRound)
votes = table(Vote)
group_signals = table(GroupSignal)
co_facilitators = table(CoFacilitator)
activity_templates = table(ActivityTemplate)
clusters = table(Cluster)
cluster_notes = table(ClusterNote)
