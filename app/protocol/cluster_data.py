"""The data of the plenary's cluster ops (docs/protocol.md §5.5); app.protocol.client puts
their op frames in the one op union."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.protocol.limits import MAX_CLUSTER_LABEL, MAX_ID

# As a note's id: a client may name what it creates.
ClusterId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{8,36}$")]
NoteRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{8,36}$")]
ClusterKind = Literal["commonality", "difference", "theme"]
# No NUL: PostgreSQL cannot store it (as app.protocol.client's NO_NUL).
ClusterLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=MAX_CLUSTER_LABEL,
                                                pattern=r"^[^\x00]*$")]


class ClusterData(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClusterCreate(ClusterData):
    id: ClusterId | None = None
    label: ClusterLabel
    kind: ClusterKind = "theme"


class ClusterUpdate(ClusterData):
    id: ClusterId
    label: ClusterLabel | None = None
    kind: ClusterKind | None = None
    # 1 is the first cluster; beyond the last is the last.
    position: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None


class ClusterRef(ClusterData):
    id: ClusterId


class ClusterShow(ClusterData):
    view: Literal["boards", "clusters", "comparison"]


class ClusterMember(ClusterData):
    id: ClusterId
    note_id: NoteRef
