"""Locked joining: the one refusal a join gets while the facilitator has locked it."""

from __future__ import annotations

from app.errors import OpError

LOCKED_MESSAGE = ("The facilitator has locked joining for this workshop. Ask them to "
                  "unlock it if you should be in.")


class JoinLocked(OpError):
    """Joining is locked: answered over HTTP with 423, not the usual 409 of ``locked``."""

    def __init__(self) -> None:
        super().__init__("locked", LOCKED_MESSAGE)
