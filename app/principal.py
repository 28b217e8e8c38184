"""Who is acting: a participant, the facilitator, or the read-only screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["facilitator", "participant", "screen"]
FACILITATOR_ID = "facilitator"
# An event's ``private_to`` for what only this principal may see, the facilitator
# included: ``only:<principal id>``.
ONLY = "only:"


def workshop_room(workshop_id: int) -> str:
    return f"workshop:{workshop_id}"


def group_room(group_id: int) -> str:
    return f"group:{group_id}"


@dataclass(frozen=True)
class Principal:
    id: str
    role: Role
    name: str
    workshop_id: int
    group_id: int | None = None
    # The workshop is anonymous: what others see of people is redacted for this viewer
    # (app.protocol.anonymity).
    anonymous: bool = False
    # The workshop's secret for unlinkable author pseudonyms; never sent.
    pseudonym_key: str = field(default="", repr=False)

    @property
    def member_id(self) -> int | None:
        """The participant's row id; None for the facilitator and the screen."""
        return int(self.id.removeprefix("p")) if self.role == "participant" else None

    @property
    def screen_id(self) -> int | None:
        """A paired screen's row id; None for anyone else (the facilitator's own screen too)."""
        number = self.id.removeprefix("s")
        return int(number) if self.role == "screen" and self.id.startswith("s") \
            and number.isascii() and number.isdigit() else None

    @property
    def co_facilitator(self) -> int | None:
        """A co-facilitator's key row id (principal ``f<id>``, or its group view
        ``f<id>/view:<group>``); None for anyone else."""
        actor = self.id.split("/", 1)[0]
        number = actor.removeprefix("f")
        return int(number) if actor.startswith("f") and number.isascii() \
            and number.isdigit() else None

    @property
    def sees_private(self) -> bool:
        return self.role == "facilitator"

    def may_see(self, private_to: str | None) -> bool:
        if private_to is not None and private_to.startswith(ONLY):
            # Secret even from the facilitator (a vote before the count): its owner only.
            return private_to == ONLY + self.id
        return private_to is None or self.sees_private or private_to == self.id

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "role": self.role, "name": self.name,
                "workshop_id": self.workshop_id, "group_id": self.group_id}


def participant_id(row_id: int) -> str:
    return f"p{row_id}"


def co_facilitator_id(row_id: int) -> str:
    """A co-facilitator's principal id (the workshop's creator is ``facilitator``)."""
    return f"f{row_id}"


def view_principal_id(actor: str, group_id: int) -> str:
    """A facilitator's read-only look at one group: a principal of its own (its own socket
    limit, never another's private notes), named after who looks."""
    return f"{actor}/view:{group_id}"


def screen_principal_id(row_id: int) -> str:
    """A paired screen's principal id (the facilitator's own screen is ``screen-<workshop>``)."""
    return f"s{row_id}"
