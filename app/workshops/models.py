"""Tables for workshops, groups and participants."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Table
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


def table(model: type[SQLModel]) -> Table:
    """The Core table behind a model, for typed Core queries."""
    result: Any = model.__table__  # type: ignore[attr-defined]
    assert isinstance(result, Table)
    return result


workshops = table(Workshop)
groups = table(Group)
participants = table(Participant)
