"""What brings a client up to date on a room: the events it missed, or a snapshot.

A client says the last seq it saw; the log replays what came after, or, when that is
more than the replay limit (or the client saw nothing), a snapshot of the room is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from app import eventlog
from app.board import cluster_store
from app.board import store as board_store
from app.board.vote_service import board_votes
from app.db import Database
from app.phases.service import PhaseService
from app.principal import Principal
from app.protocol import anonymity
from app.protocol.events import OutgoingEvent
from app.protocol.server import SnapshotFrame
from app.workshops import store


class CatchUp:
    def __init__(self, db: Database, phases: PhaseService, clock: Callable[[], float],
                 replay_limit: int) -> None:
        self._db = db
        self._phases = phases
        self._clock = clock
        self._replay_limit = replay_limit

    async def catch_up(self, who: Principal, room: str,
                       since: int | None) -> tuple[list[str], int]:
        """Frames that bring ``who`` from ``since`` (None: nothing) to the room's seq, and
        that seq."""
        now = self._clock()
        return await self._db.read(lambda conn: self._catch_up(conn, who, room, since, now))

    def _catch_up(self, conn: Connection, who: Principal, room: str, since: int | None,
                  now: float) -> tuple[list[str], int]:
        current = eventlog.room_seq(conn, room)
        if since is not None and since <= current:
            missed = eventlog.events_after(conn, room, since, self._replay_limit + 1)
            if len(missed) <= self._replay_limit:
                texts = [OutgoingEvent(ev).text_for(who, now) for ev in missed]
                return texts, missed[-1].seq if missed else since
        return [self._snapshot(conn, who, room, current, now).text()], current

    def _snapshot(self, conn: Connection, who: Principal, room: str, seq: int,
                  now: float) -> SnapshotFrame:
        # seq is read before the state, so the state is at least as new as seq says;
        # events after seq carry whole notes, so applying one twice is harmless.
        if room.startswith("workshop:"):
            workshop = store.get_workshop(conn, who.workshop_id)
            assert workshop is not None
            return SnapshotFrame(room=room, seq=seq, server_now=now,
                                 phase=self._phases.view(workshop),
                                 roster=anonymity.redact_roster(
                                     store.roster(conn, who.workshop_id), who),
                                 spotlight=workshop["spotlight"],
                                 clusters=cluster_store.workshop_clusters(conn, who.workshop_id),
                                 cluster_view=workshop["cluster_view"])
        notes = [n for n in board_store.room_notes(conn, room)
                 if not n["private"] or who.may_see(n["author"])]
        return SnapshotFrame(room=room, seq=seq, server_now=now,
                             notes=anonymity.redact(notes, who),
                             fields=anonymity.redact(board_store.room_fields(conn, room), who),
                             votes=board_votes(conn, who, room))
