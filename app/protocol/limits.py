"""Every limit a message is checked against, defined once; clients learn them from the API."""

from __future__ import annotations

from typing import Any, Literal, get_args

# The board's logical coordinate space: a note's top-left corner lies inside it. Big
# enough for every note a board may hold, laid out side by side (the page sizes its
# canvas to the notes, not to these bounds).
BOARD_WIDTH = 6000
BOARD_HEIGHT = 6000
MAX_TEXT = 500
MAX_ACTORS = 10
MAX_ACTOR = 40
MAX_FIELD_TEXT = 2000
MAX_PICKS = 20
MAX_NAME = 40
MAX_TITLE = 120
MAX_STEP = 1000
MAX_PHASE_MINUTES = 120
MAX_EXTEND_SECONDS = 3600
# Every id, seq and version a client sends: what an INTEGER column holds in SQLite and
# PostgreSQL alike, so a bigger one is refused by validation, never by the database.
MAX_ID = 2**31 - 1
# The most groups a request may name; the max_groups setting is the real limit.
MAX_GROUP_COUNT = 1000
# The plenary's clusters: a label's length, clusters per workshop, notes per cluster.
MAX_CLUSTER_LABEL = 120
MAX_CLUSTERS = 40
MAX_CLUSTER_NOTES = 60
# Dots one participant may have in one vote.
MAX_VOTES = 20
COLOURS = ("yellow", "pink", "blue", "green", "orange", "purple")

PhaseAction = Literal["start", "pause", "resume", "extend", "next", "previous"]
PHASE_ACTIONS: tuple[PhaseAction, ...] = get_args(PhaseAction)


def as_dict() -> dict[str, Any]:
    """The limits as the browser reads them (GET /api/limits)."""
    return {"board_width": BOARD_WIDTH, "board_height": BOARD_HEIGHT, "max_text": MAX_TEXT,
            "max_actors": MAX_ACTORS, "max_actor": MAX_ACTOR,
            "max_field_text": MAX_FIELD_TEXT, "max_name": MAX_NAME, "max_title": MAX_TITLE,
            "max_phase_minutes": MAX_PHASE_MINUTES,
            "max_extend_seconds": MAX_EXTEND_SECONDS, "colours": list(COLOURS),
            "phase_actions": list(PHASE_ACTIONS), "max_votes": MAX_VOTES}
