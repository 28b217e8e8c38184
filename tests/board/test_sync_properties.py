"""A Hypothesis state machine that drives the sync protocol of a real server over real sockets.

Three participants of one group, each with a socket of its own, create, edit, move, delete
and reorder notes on their group's board in random interleavings. Their sockets drop while
ops are unacknowledged (abruptly, or with a close handshake), they reconnect with ``since``
and resend every unacknowledged op with its op_id as the browser does, they ask for
resyncs, they resend ops that were acknowledged already, and the server is stopped and a
new one started on the same database. The first test starts in the group phase (notes
shared); the second starts in the individual phase, where notes are private to their
authors, and moves to the group phase, which reveals them, at some step.

Each participant keeps the board as the protocol tells a client to: a snapshot replaces it,
events apply in seq order, and an event whose seq it has already applied is skipped. The
test checks, as frames arrive:

- per room, the seqs a socket receives follow on from the last one applied without a gap
  (``hidden`` events included); a seq seen again (only after the socket asked for a
  resync) carries the same event; every socket that receives seq N in full receives the
  same event, also after a restart; nobody receives another's private note;
- one create op makes one note (each note's ``answer`` is the op_id of its create), an ack
  names the seq of the event that carries its op_id, and an op resent after its ack is
  acknowledged again with the same seq;

and at checkpoints where everyone has reconnected and every op is answered:

- every participant's board equals a fresh connection's snapshot (the notes it may see,
  with their text, position and step);
- that snapshot equals the acknowledged ops (and the reveal) replayed in seq order: an op
  applies once, and an op refused with an error was not applied;
- the room's event log holds each acknowledged op once, at its acknowledged seq, and each
  ``hidden`` event a participant got stands for another's private note.

After each restart the new server's snapshot still holds every acknowledged create that
no acknowledged delete removed, with the text of its last acknowledged update (an op still
unacknowledged at the restart may or may not have been applied).

Each test also fails if its runs never reached a path it is about (see ``reached``).

conftest runs each test here once per ASGI server kind: the full budget of examples runs
on uvicorn's default one, and the first few of the same examples on each of the others.

Hypothesis runs each example in a fresh database of its own, so the tests take no pytest
fixtures: a SQLite file, or, when FLIPCHART_TEST_DATABASE_URL names a PostgreSQL server,
a new database there (as conftest's fixtures do), dropped after the example.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import websockets
from conftest import (
    Client,
    RunningServer,
    create_workshop,
    join,
    new_postgres_database,
    running_server,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

PEOPLE = ("Ann", "Bob", "Cy")
STEPS = "procedure"  # a steps section: its notes are numbered and can be reordered
# activity-2: the individual phase opens STEPS alone (notes private to their authors);
# the group phase that follows opens all three (notes shared).
SECTIONS = (STEPS, "commonalities", "challenges")
NOTE_EVENTS = frozenset({"note.create", "note.update", "note.move", "note.delete",
                         "note.reorder"})
# A note another participant deleted meanwhile is the one refusal a participant may get.
EXPECTED_ERRORS = frozenset({"not_found"})
# The ping id checkpoints use, so that a pong is matched to its own ping.
PING_ID = 515151

# The paths a test is about: each test fails if its runs never reached one of them, so that
# it cannot pass by testing nothing (a drop that never finds an op unanswered, say).
DROPPED_WAITING = "a socket dropped with ops unanswered"
RESENT = "an op resent after a reconnect was acked"
DEDUPED = "an op applied before its socket dropped was acked at its first seq when resent"
REPEATED = "an op sent again after its ack was acked at its first seq"
REPLAYED_AGAIN = "a resync sent events the socket had applied already"
SNAPSHOT_AGAIN = "a socket that had the room got a snapshot of it"
RESTARTED = "the server restarted"
HIDDEN = "a participant got another's private note as a hidden event"
REVEALED = "a participant got the reveal of the private notes"
reached: collections.Counter[str] = collections.Counter()

people = st.integers(0, len(PEOPLE) - 1)
# NUL is left out: PostgreSQL cannot store it in a text column, so on PostgreSQL such a note
# is refused as an unexpected server failure while SQLite keeps it; that is input
# validation, not sync.
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=12)
coords = st.floats(0, 1600, allow_nan=False, allow_infinity=False)
picks = st.integers(0, 1000)


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A database for one example: a SQLite file, or a new PostgreSQL database when
    FLIPCHART_TEST_DATABASE_URL names a server."""
    server = os.environ.get("FLIPCHART_TEST_DATABASE_URL")
    if not server:
        with tempfile.TemporaryDirectory(prefix="flipchart-sync-") as folder:
            yield f"sqlite:///{os.path.join(folder, 'flipchart.db')}"
        return
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    try:
        with new_postgres_database(admin) as url:
            yield url
    finally:
        admin.dispose()


@dataclass
class SentOp:
    op_id: str
    kind: str
    data: dict[str, Any]
    # Set when the op is deliberately sent again after its ack: the seq it must get again.
    expect_seq: int | None = None
    # When it was last resent after a reconnect: the highest seq of the room known then.
    resent_after: int | None = None


@dataclass
class Peer:
    """One participant: its socket (None while offline) and its client-side state."""

    name: str
    token: str
    id: str = ""  # its principal id, from the welcome
    client: Client | None = None
    # How many of client.frames have been applied.
    read: int = 0
    # Room -> the last seq applied (snapshot seqs included).
    last: dict[str, int] = field(default_factory=dict)
    # The group board as this participant has it: note id -> note.
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Ops sent or queued and not answered yet, in the order they were made.
    pending: dict[str, SentOp] = field(default_factory=dict)
    # The ops of this participant that were acknowledged, oldest first.
    acked: list[str] = field(default_factory=list)
    # Room -> the lowest ``since`` this socket asked a resync from: the events after it
    # may come again.
    resync_floor: dict[str, int] = field(default_factory=dict)

    def may_see(self, note: dict[str, Any]) -> bool:
        return not note["private"] or note["author"] == self.id


def note_state(note: dict[str, Any]) -> tuple[Any, ...]:
    return (note["section"], note["text"], float(note["x"]), float(note["y"]), note["step"])


def notes_in(kind: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The whole notes an event carries."""
    if kind in NOTE_EVENTS:
        return [{k: v for k, v in data.items() if k not in ("renumbered", "deleted")}]
    if kind == "notes.reveal":
        return list(data["notes"])
    return []


class SyncMachine(RuleBasedStateMachine):
    """The group phase from the start: every note is shared."""

    def __init__(self) -> None:
        super().__init__()
        # One event loop per example: the servers run in it as tasks, and each rule runs
        # its part in it, so the server works whenever a rule awaits.
        self.loop = asyncio.new_event_loop()
        self.database = contextlib.ExitStack()
        self.database_url = self.database.enter_context(fresh_database())
        self.server: RunningServer | None = None
        self.server_context: contextlib.AbstractAsyncContextManager[RunningServer] | None = None
        self.replay_limit = 1000
        self.peers: list[Peer] = []
        self.code = ""
        self.facilitator_token = ""
        self.room = ""
        self.workshop_room = ""
        # Whether the workshop is in its individual phase (notes private to their authors),
        # and whether this run started in it.
        self.individual = False
        self.began_individual = False
        # Every op any participant made, by op_id.
        self.ops: dict[str, SentOp] = {}
        # op_id -> seq, from acks; op_id -> error code, from errors.
        self.acks: dict[str, int] = {}
        self.errors: dict[str, str] = {}
        # (room, seq) -> the event as every socket that may see it must receive it.
        self.log: dict[tuple[str, int], tuple[Any, ...]] = {}
        # (participant id, seq) of each ``hidden`` event a participant got in the group room.
        self.hidden: set[tuple[str, int]] = set()
        # op_id -> the seq of the event that carries it, from events.
        self.applied_at: dict[str, int] = {}
        # note id -> the op_id of the create that made it, and back; and its lane.
        self.create_of: dict[str, str] = {}
        self.note_of: dict[str, str] = {}
        self.lane_of: dict[str, str] = {}
        self.restarts = 0
        self.steps_since_checkpoint = 0
        self.broken = False

    # --- plumbing ------------------------------------------------------------------------

    def run(self, coro: Any) -> Any:
        try:
            return self.loop.run_until_complete(coro)
        except BaseException:
            self.broken = True
            raise

    async def start_server(self) -> None:
        self.server_context = running_server(self.database_url, replay_limit=self.replay_limit)
        self.server = await self.server_context.__aenter__()

    async def stop_server(self) -> None:
        context, self.server_context, self.server = self.server_context, None, None
        if context is not None:
            await context.__aexit__(None, None, None)

    def teardown(self) -> None:
        try:
            if not self.broken and self.server is not None:
                self.run(self.converge())
        finally:
            try:
                self.loop.run_until_complete(self.close_everything())
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            finally:
                self.loop.close()
                self.database.close()

    async def close_everything(self) -> None:
        for peer in self.peers:
            if peer.client is not None:
                with contextlib.suppress(Exception):
                    await peer.client.close()
                peer.client = None
        await self.stop_server()

    async def phase(self, action: str) -> dict[str, Any]:
        assert self.server is not None
        async with self.server.http() as http:
            response = await http.post(f"/api/workshops/{self.code}/phase",
                                       json={"action": action},
                                       headers={"Authorization": f"Bearer "
                                                                 f"{self.facilitator_token}"})
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view

    # --- applying what a participant receives ------------------------------------------

    def absorb(self, peer: Peer) -> None:
        client = peer.client
        if client is None:
            return
        while peer.read < len(client.frames):
            frame = client.frames[peer.read]
            peer.read += 1
            self.apply(peer, frame)

    def apply(self, peer: Peer, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "snapshot":
            self.apply_snapshot(peer, frame)
        elif kind == "event":
            self.apply_event(peer, frame)
        elif kind == "ack":
            self.apply_ack(peer, frame)
        elif kind == "error":
            self.apply_error(peer, frame)

    def apply_snapshot(self, peer: Peer, frame: dict[str, Any]) -> None:
        room, seq = frame["room"], frame["seq"]
        before = peer.last.get(room)
        assert before is None or seq >= before, (
            f"{peer.name} got a snapshot of {room} at seq {seq}, behind the seq {before} it "
            "had already applied: the server lost events")
        if before is not None:
            reached[SNAPSHOT_AGAIN] += 1
        peer.last[room] = seq
        if room == self.room:
            for note in frame["notes"]:
                assert peer.may_see(note), f"{peer.name} got another's private note: {note}"
                self.learn(note)
            peer.notes = {note["id"]: note for note in frame["notes"]}

    def apply_event(self, peer: Peer, frame: dict[str, Any]) -> None:
        room, seq, kind = frame["room"], frame["seq"], frame["kind"]
        if kind == "hidden":
            assert room == self.room and frame["data"] == {} and frame["op_id"] is None, frame
            self.hidden.add((peer.id, seq))
            reached[HIDDEN] += 1
        else:
            event = (kind, frame["op_id"], frame["by"], frame["data"])
            known = self.log.setdefault((room, seq), event)
            assert known == event, f"two different events at {room} seq {seq}: {known} / {event}"
            for note in notes_in(kind, frame["data"]):
                assert peer.may_see(note), f"{peer.name} got another's private note: {frame}"
        before = peer.last.get(room)
        assert before is not None, f"{peer.name} got an event of {room} before its first state"
        if seq <= before:
            floor = peer.resync_floor.get(room)
            assert floor is not None and seq > floor, (
                f"{peer.name} got {room} seq {seq} again (it had applied up to {before}) "
                f"without asking for it (its lowest resync since: {floor})")
            reached[REPLAYED_AGAIN] += 1
            return
        assert seq == before + 1, (
            f"{peer.name} jumped from {room} seq {before} to {seq}: a gap in the stream")
        peer.last[room] = seq
        if room != self.room or kind == "hidden":
            return
        if frame["op_id"] is not None:
            self.record_applied(frame["op_id"], seq)
        if kind == "notes.reveal":
            reached[REVEALED] += 1
        self.apply_note_event(peer, kind, frame["data"])

    def record_applied(self, op_id: str, seq: int) -> None:
        first = self.applied_at.setdefault(op_id, seq)
        assert first == seq, f"op {op_id} was applied twice: events at seq {first} and {seq}"
        assert op_id not in self.errors, (
            f"op {op_id} was refused with {self.errors.get(op_id)!r} yet applied at seq {seq}")
        acked = self.acks.get(op_id)
        assert acked in (None, seq), f"op {op_id} was acked at seq {acked}, applied at {seq}"

    def apply_note_event(self, peer: Peer, kind: str, data: dict[str, Any]) -> None:
        for note in notes_in(kind, data):
            self.learn(note)
            if kind == "note.delete":
                peer.notes.pop(note["id"], None)
            else:
                peer.notes[note["id"]] = note
        for note_id, step in data.get("renumbered", {}).items():
            if note_id in peer.notes:
                peer.notes[note_id] = {**peer.notes[note_id], "step": step}

    def learn(self, note: dict[str, Any]) -> None:
        """Tie a note to the create op that made it (its ``answer``): one note per create."""
        create = note["answer"]
        assert create in self.ops and self.ops[create].kind == "note.create", (
            f"note {note['id']} was made by no create op of this test: {note}")
        made = self.note_of.setdefault(create, note["id"])
        assert made == note["id"], (
            f"create op {create} was applied twice: it made notes {made} and {note['id']}")
        self.create_of.setdefault(note["id"], create)
        lane = self.lane_of.setdefault(create, note["lane"])
        assert lane == note["lane"], f"note {note['id']} moved from lane {lane!r}: {note}"

    def apply_ack(self, peer: Peer, frame: dict[str, Any]) -> None:
        op_id, seq = frame["op_id"], frame["seq"]
        op = peer.pending.pop(op_id, None)
        assert op is not None, f"{peer.name} got an ack for {op_id}, which it is not waiting for"
        assert frame["room"] == self.room, frame
        if op.resent_after is not None:
            reached[RESENT] += 1
            if seq <= op.resent_after:
                reached[DEDUPED] += 1
        if op.expect_seq is not None:
            reached[REPEATED] += 1
            assert seq == op.expect_seq, (
                f"{op.kind} {op_id} was acked at seq {op.expect_seq}; sent again, it was "
                f"acked at seq {seq}")
        first = self.acks.setdefault(op_id, seq)
        assert first == seq, f"op {op_id} was acked at seq {first} and later at seq {seq}"
        applied = self.applied_at.get(op_id)
        assert applied in (None, seq), f"op {op_id} was acked at seq {seq}, applied at {applied}"
        logged = self.log.get((self.room, seq))
        assert logged is None or logged[1] == op_id, (
            f"op {op_id} was acked at seq {seq}, whose event is op {logged[1]}'s")
        if op_id not in peer.acked:
            peer.acked.append(op_id)

    def apply_error(self, peer: Peer, frame: dict[str, Any]) -> None:
        op_id = frame.get("op_id")
        op = peer.pending.pop(op_id, None) if op_id is not None else None
        assert op is not None, f"{peer.name} got an error for no op it is waiting for: {frame}"
        assert op.expect_seq is None, (
            f"{op.kind} {op_id}, acked at seq {op.expect_seq}, was refused when sent again: "
            f"{frame}")
        assert frame["code"] in EXPECTED_ERRORS, f"{op.kind} {op.data} was refused: {frame}"
        assert op_id not in self.acks and op_id not in self.applied_at, (
            f"op {op_id} was applied, yet a resend of it was refused: {frame}")
        self.errors[op_id] = frame["code"]

    # --- what a participant does -------------------------------------------------------

    async def connect(self, peer: Peer) -> None:
        """Open a socket with ``since`` and resend every unanswered op, oldest first."""
        assert self.server is not None
        since = dict(peer.last) or None
        peer.client = await Client.connect(self.server, self.code, peer.token, since=since)
        peer.id = peer.client.welcome["you"]["id"]
        peer.read = 0
        peer.resync_floor = {}
        known = max((seq for room, seq in self.log if room == self.room), default=0)
        for op in peer.pending.values():
            op.resent_after = known
            await peer.client.op(self.room, op.kind, op.data, op_id=op.op_id)

    async def issue(self, peer: Peer, kind: str, data: dict[str, Any],
                    op_id: str | None = None) -> None:
        op = SentOp(op_id or uuid.uuid4().hex, kind, data)
        self.ops.setdefault(op.op_id, op)
        peer.pending[op.op_id] = op
        if peer.client is not None:
            await peer.client.op(self.room, kind, data, op_id=op.op_id)

    async def create_note(self, peer: Peer, section: str, text: str, x: float, y: float,
                          own_id: bool) -> None:
        op_id = uuid.uuid4().hex
        # No id: a create applied twice would make a second note with a fresh id. With an
        # id: a second application would be refused as a conflict. answer names the op.
        data: dict[str, Any] = {"section": section, "text": text, "answer": op_id,
                                "x": x, "y": y}
        if own_id:
            data["id"] = str(uuid.uuid4())
            self.create_of[data["id"]] = op_id
            self.note_of[op_id] = data["id"]
        await self.issue(peer, "note.create", data, op_id)

    def targets(self, peer: Peer, steps_only: bool = False) -> list[str]:
        """The notes this participant may name: those on its board, and its own notes
        that are still being created under an id it chose."""
        found = {note_id for note_id, note in peer.notes.items()
                 if not steps_only or note["section"] == STEPS}
        for op in peer.pending.values():
            if op.kind == "note.create" and "id" in op.data \
                    and (not steps_only or op.data["section"] == STEPS):
                found.add(op.data["id"])
        return sorted(found)

    async def sync(self, peer: Peer) -> None:
        """A ping round trip: everything the server sent this socket before it is applied."""
        assert peer.client is not None
        await peer.client.send({"type": "ping", "id": PING_ID})
        await peer.client.until(lambda f: f["type"] == "pong" and f.get("id") == PING_ID,
                                timeout=10)
        self.absorb(peer)

    async def fresh_view(self, since: dict[str, int] | None = None) -> list[dict[str, Any]]:
        """What a new facilitator socket (which sees private notes too) gets for the room."""
        assert self.server is not None
        viewer = await Client.connect(self.server, self.code, self.facilitator_token,
                                      since=since)
        try:
            await viewer.synced()
        finally:
            await viewer.close()
        return [f for f in viewer.frames if f.get("room") == self.room
                and f["type"] in ("snapshot", "event")]

    async def fresh_snapshot(self) -> dict[str, Any]:
        frames = await self.fresh_view()
        assert [f["type"] for f in frames] == ["snapshot"], frames
        return frames[0]

    # --- the expected board: the acknowledged ops in seq order ---------------------------

    def expected_board(self, settled: bool) -> dict[str, tuple[Any, ...]]:
        """Create op_id -> note state, from every acknowledged op and reveal in seq order.

        ``settled``: every op has been answered and the log audited, so the acks are the
        whole history. Before that, an acked op may name a note whose create is still
        unanswered; it is skipped.
        """
        acked = sorted(self.acks.items(), key=lambda item: item[1])
        seqs = [seq for _, seq in acked]
        assert len(set(seqs)) == len(seqs), f"two ops were acked with one seq: {acked}"
        reveals = [(seq, event[3]) for (room, seq), event in self.log.items()
                   if room == self.room and event[0] == "notes.reveal"]
        history: list[tuple[int, str, Any]] = [(seq, "op", op_id) for op_id, seq in acked]
        history += [(seq, "reveal", data) for seq, data in reveals]
        notes: dict[str, dict[str, Any]] = {}
        lanes: dict[tuple[str, str | None], list[str]] = {}  # (section, lane) -> step order
        for seq, what, item in sorted(history, key=lambda entry: entry[0]):
            if what == "reveal":
                for shown in item["notes"]:
                    create = self.create_of.get(shown["id"], "")
                    if create in notes:
                        notes[create].update(x=float(shown["x"]), y=float(shown["y"]))
                    else:
                        assert not settled, f"the reveal at seq {seq} shows an unknown note"
                continue
            op = self.ops[item]
            if op.kind == "note.create":
                data = op.data
                # A note nobody saw (deleted at once, and replaced by snapshots) is in the
                # shared lane unless the run began with private notes.
                lane = self.lane_of.get(item, None if self.began_individual else "")
                assert lane is not None or not settled, f"create {item}'s note was never seen"
                notes[item] = {"section": data["section"], "text": data["text"],
                               "x": float(data["x"]), "y": float(data["y"]), "lane": lane}
                if data["section"] == STEPS:
                    lanes.setdefault((STEPS, lane), []).append(item)
                continue
            create = self.create_of.get(op.data["id"])
            if create is None or create not in notes:
                assert not settled, (
                    f"{op.kind} {item} was acked at seq {seq}, but by the acknowledged "
                    f"history its note {op.data['id']} did not exist then")
                continue
            note = notes[create]
            lane_notes = lanes.get((note["section"], note["lane"]), [])
            if op.kind == "note.update":
                note["text"] = op.data["text"]
            elif op.kind == "note.move":
                note.update(x=float(op.data["x"]), y=float(op.data["y"]))
            elif op.kind == "note.delete":
                del notes[create]
                if create in lane_notes:
                    lane_notes.remove(create)
            elif op.kind == "note.reorder":
                lane_notes.remove(create)
                lane_notes.insert(min(op.data["step"], len(lane_notes) + 1) - 1, create)
        steps = {create: n for lane in lanes.values()
                 for n, create in enumerate(lane, start=1)}
        return {create: (n["section"], n["text"], n["x"], n["y"], steps.get(create))
                for create, n in notes.items()}

    @staticmethod
    def by_create(snapshot: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
        found: dict[str, tuple[Any, ...]] = {}
        for note in snapshot["notes"]:
            assert note["answer"] not in found, (
                f"create op {note['answer']} made two notes: {snapshot['notes']}")
            found[note["answer"]] = note_state(note)
        return found

    async def audit_log(self) -> None:
        """Replay the group room from seq 0: each op once, at the seq it was acked with."""
        frames = await self.fresh_view(since={self.room: 0})
        if frames and frames[0]["type"] == "snapshot":
            # Only a log longer than a replay is sent as a snapshot.
            assert frames[0]["seq"] > self.replay_limit, frames
            return
        assert all(f["type"] == "event" for f in frames), frames
        assert [f["seq"] for f in frames] == list(range(1, len(frames) + 1)), frames
        seen: set[str] = set()
        for frame in frames:
            event = (frame["kind"], frame["op_id"], frame["by"], frame["data"])
            known = self.log.setdefault((self.room, frame["seq"]), event)
            assert known == event, f"the log's seq {frame['seq']} changed: {known} / {event}"
            for note in notes_in(frame["kind"], frame["data"]):
                self.learn(note)
            op_id = frame["op_id"]
            if op_id is None:
                continue
            assert op_id not in seen, f"op {op_id} is in the log twice: {frames}"
            seen.add(op_id)
            self.record_applied(op_id, frame["seq"])
        missing = {op_id for op_id, seq in self.acks.items() if op_id not in seen}
        assert not missing, f"acked ops missing from the log: {missing}"
        for who, seq in self.hidden:
            kind, _, _, data = self.log[(self.room, seq)]
            assert kind in NOTE_EVENTS and data["private"] and data["author"] != who, (
                f"{who} got seq {seq} as hidden, but it is {kind} {data}")

    # --- set-up --------------------------------------------------------------------------

    # A replay limit of 3 sends snapshots instead of most replays.
    @initialize(replay_limit=st.sampled_from([1000, 3]),
                seeds=st.lists(st.sampled_from(SECTIONS), min_size=1, max_size=4))
    def set_up(self, replay_limit: int, seeds: list[str]) -> None:
        self.replay_limit = replay_limit
        self.run(self._set_up(seeds))

    async def _set_up(self, seeds: list[str]) -> None:
        await self.start_server()
        assert self.server is not None
        async with self.server.http() as http:
            workshop = await create_workshop(http, template="activity-2", groups=2)
            first = await join(http, workshop.code, PEOPLE[0])
            members = [first] + [await join(http, workshop.code, name, first["group_id"])
                                 for name in PEOPLE[1:]]
        self.code = workshop.code
        self.facilitator_token = workshop.token
        self.room = f"group:{first['group_id']}"
        self.workshop_room = f"workshop:{workshop.id}"
        view = await self.phase("start")
        assert view["mode"] == "individual" and view["writable"] == [STEPS], view
        if not self.individual:
            view = await self.phase("next")
            assert view["mode"] == "group" and set(SECTIONS) <= set(view["writable"]), view
        for name, member in zip(PEOPLE, members, strict=True):
            peer = Peer(name, member["token"])
            self.peers.append(peer)
            await self.connect(peer)
            await self.sync(peer)
        # A few notes to work on from the first step (each author's own, if private).
        for n, section in enumerate(seeds):
            await self.create_note(self.peers[n % len(self.peers)],
                                   STEPS if self.individual else section, f"seed {n}",
                                   10.0 * n, 20.0 * n, own_id=False)
        for peer in self.peers:
            await self.sync(peer)

    # --- rules: board ops ----------------------------------------------------------------

    @rule(who=people, section=st.sampled_from(SECTIONS), own_id=st.booleans(), text=texts,
          x=coords, y=coords)
    def create(self, who: int, section: str, own_id: bool, text: str, x: float,
               y: float) -> None:
        section = STEPS if self.individual else section
        self.run(self.create_note(self.peers[who], section, text, x, y, own_id))

    @rule(who=people, pick=picks, text=texts)
    def update_text(self, who: int, pick: int, text: str) -> None:
        peer = self.peers[who]
        targets = self.targets(peer)
        if targets:
            self.run(self.issue(peer, "note.update",
                                {"id": targets[pick % len(targets)], "text": text}))

    @rule(who=people, pick=picks, x=coords, y=coords)
    def move(self, who: int, pick: int, x: float, y: float) -> None:
        peer = self.peers[who]
        targets = self.targets(peer)
        if targets:
            self.run(self.issue(peer, "note.move",
                                {"id": targets[pick % len(targets)], "x": x, "y": y}))

    @rule(who=people, pick=picks)
    def delete(self, who: int, pick: int) -> None:
        peer = self.peers[who]
        targets = self.targets(peer)
        if targets:
            self.run(self.issue(peer, "note.delete", {"id": targets[pick % len(targets)]}))

    @rule(who=people, pick=picks, step=st.integers(1, 6))
    def reorder(self, who: int, pick: int, step: int) -> None:
        peer = self.peers[who]
        targets = self.targets(peer, steps_only=True)
        if targets:
            self.run(self.issue(peer, "note.reorder",
                                {"id": targets[pick % len(targets)], "step": step}))

    @rule(who=people, pick=picks)
    def resend_acked_op(self, who: int, pick: int) -> None:
        """Send an acknowledged op again with its op_id: it must be acked at its old seq."""
        peer = self.peers[who]
        candidates = [op_id for op_id in peer.acked if op_id not in peer.pending]
        if candidates:
            op = self.ops[candidates[pick % len(candidates)]]
            again = SentOp(op.op_id, op.kind, op.data, expect_seq=self.acks[op.op_id])
            peer.pending[op.op_id] = again
            if peer.client is not None:
                self.run(peer.client.op(self.room, op.kind, op.data, op_id=op.op_id))

    # --- rules: the network --------------------------------------------------------------

    @rule(who=people)
    def deliver(self, who: int) -> None:
        """The participant reads everything the server has sent it so far."""
        peer = self.peers[who]
        if peer.client is not None:
            self.run(self.sync(peer))

    @rule()
    def let_the_server_run(self) -> None:
        self.run(asyncio.sleep(0.005))

    @precondition(lambda self: any(p.client is not None for p in self.peers))
    @rule(pick=people, abrupt=st.booleans())
    def drop(self, pick: int, abrupt: bool) -> None:
        """A socket goes away, one with unanswered ops if there is one; the frames it has
        not read yet are lost."""
        online = [p for p in self.peers if p.client is not None]
        waiting = [p for p in online if p.pending]
        peer = (waiting or online)[pick % len(waiting or online)]
        client = peer.client
        assert client is not None
        self.absorb(peer)
        if peer.pending:
            reached[DROPPED_WAITING] += 1
        peer.client = None
        if abrupt:
            client.ws.transport.abort()  # no close frame: a lost connection
            self.run(client.ws.wait_closed())
        else:
            self.run(client.close())

    @precondition(lambda self: any(p.client is None for p in self.peers))
    @rule(who=people)
    def reconnect(self, who: int) -> None:
        peer = self.peers[who]
        if peer.client is None:
            self.run(self.connect(peer))

    @rule(who=people, workshop_room=st.booleans(), back=st.integers(0, 20))
    def resync(self, who: int, workshop_room: bool, back: int) -> None:
        """An explicit resync from some seq at or before the last one applied."""
        peer = self.peers[who]
        if peer.client is None:
            return
        self.absorb(peer)
        room = self.workshop_room if workshop_room else self.room
        since = max(0, peer.last[room] - back)
        peer.resync_floor[room] = min(since, peer.resync_floor.get(room, since))
        self.run(peer.client.send({"type": "resync", "room": room, "since": since}))

    @precondition(lambda self: self.restarts < 2)
    @rule()
    def restart(self) -> None:
        """Stop the server and start a new one on the same database."""
        self.restarts += 1
        reached[RESTARTED] += 1
        self.run(self._restart())

    async def _restart(self) -> None:
        await self.stop_server()
        # The shutdown closed every socket: each participant applies what reached it.
        for peer in self.peers:
            client = peer.client
            if client is None:
                continue
            with contextlib.suppress(websockets.ConnectionClosed):
                while True:
                    await client.recv(timeout=10)
            self.absorb(peer)
            await client.close()
            peer.client = None
        await self.start_server()
        await self.check_survivors(await self.fresh_snapshot())
        await self.audit_log()

    async def check_survivors(self, snapshot: dict[str, Any]) -> None:
        """Every acked create not deleted by an acked op is there, with its last acked text,
        unless an op still unanswered (which may or may not have been applied) changed it."""
        expected = self.expected_board(settled=False)
        actual = self.by_create(snapshot)
        unanswered = [op for peer in self.peers for op in peer.pending.values()
                      if op.expect_seq is None]
        top = max(self.acks.values(), default=0)
        assert snapshot["seq"] >= top, (
            f"after the restart the room is at seq {snapshot['seq']}, but seq {top} was acked")
        for create, state in expected.items():
            touching = [op for op in unanswered if op.kind != "note.create"
                        and self.create_of.get(op.data["id"]) == create]
            if create not in actual:
                assert any(op.kind == "note.delete" for op in touching), (
                    f"the acked note of create {create} {state} did not survive the restart")
                continue
            texts = {state[1]} | {op.data["text"] for op in touching if op.kind == "note.update"}
            assert actual[create][1] in texts, (
                f"after the restart the note of create {create} reads {actual[create][1]!r}, "
                f"not its last acked text {state[1]!r}")
        pending_creates = {op.op_id for op in unanswered if op.kind == "note.create"}
        extra = set(actual) - set(expected) - pending_creates
        assert not extra, f"notes no acked or pending create made: {extra}"

    # --- checkpoints ---------------------------------------------------------------------

    @precondition(lambda self: self.steps_since_checkpoint >= 4)
    @rule()
    def checkpoint(self) -> None:
        """Everyone reconnects and catches up; then every board must be the server's."""
        self.run(self.converge())

    async def converge(self) -> None:
        for peer in self.peers:
            if peer.client is None:
                await self.connect(peer)
        # A ping after the resends: their answers come before its pong.
        for peer in self.peers:
            await self.sync(peer)
            assert not peer.pending, f"{peer.name} has unanswered ops: {peer.pending}"
        # Every op is answered now, so every event is on its way: catch up on them all.
        for peer in self.peers:
            await self.sync(peer)
        snapshot = await self.fresh_snapshot()
        for peer in self.peers:
            assert peer.last[self.room] == snapshot["seq"], (
                f"{peer.name} is at seq {peer.last[self.room]}, the room at {snapshot['seq']}")
            visible = {note["id"]: note_state(note) for note in snapshot["notes"]
                       if peer.may_see(note)}
            mine = {note_id: note_state(note) for note_id, note in peer.notes.items()}
            assert mine == visible, f"{peer.name}'s board differs from the server's"
        if not self.individual:
            assert not [n for n in snapshot["notes"] if n["private"]], snapshot["notes"]
        await self.audit_log()
        assert self.by_create(snapshot) == self.expected_board(settled=True), (
            "the board is not the acknowledged ops applied once each, in seq order")
        self.steps_since_checkpoint = 0

    @invariant()
    def streams_applied_so_far_are_consistent(self) -> None:
        # Frames already read (by acks, pongs or a drain) are applied and checked in order.
        self.steps_since_checkpoint += 1
        for peer in self.peers:
            self.absorb(peer)


class PrivateNotesSyncMachine(SyncMachine):
    """The individual phase first: each author's notes are private until the facilitator
    starts the group phase, at some step, with ops in flight."""

    # The whole log is replayed at each checkpoint: the lanes private notes were made in,
    # and where the reveal put them, come from it.
    @initialize(seeds=st.lists(st.just(STEPS), min_size=1, max_size=4))
    def set_up(self, seeds: list[str]) -> None:
        self.individual = self.began_individual = True
        self.run(self._set_up(seeds))

    @precondition(lambda self: self.individual)
    @rule()
    def start_group_phase(self) -> None:
        view = self.run(self.phase("next"))
        assert view["mode"] == "group", view
        self.individual = False


# Reproducible in CI (derandomize, no example database) and bounded in time: each example
# starts a server, and one or two more for its restarts.
def run_machine(machine: type[RuleBasedStateMachine], server_kind: str, examples: int,
                paths: tuple[str, ...]) -> None:
    full = server_kind == "uvicorn"
    reached.clear()
    run_state_machine_as_test(machine, settings=settings(
        max_examples=examples if full else max(2, examples // 4), stateful_step_count=40,
        deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow], print_blob=False))
    missing = [path for path in paths if not reached[path]]
    assert not full or not missing, f"no run reached: {missing} (reached: {dict(reached)})"


def test_every_client_converges_and_each_acked_op_applies_once_through_drops_and_restarts(
    server_kind: str,
) -> None:
    run_machine(SyncMachine, server_kind, 14, (DROPPED_WAITING, RESENT, DEDUPED, REPEATED,
                                               REPLAYED_AGAIN, SNAPSHOT_AGAIN, RESTARTED))


def test_private_notes_reach_only_their_author_and_the_reveal_converges_through_drops(
    server_kind: str,
) -> None:
    run_machine(PrivateNotesSyncMachine, server_kind, 8,
                (HIDDEN, REVEALED, DROPPED_WAITING, RESENT))
