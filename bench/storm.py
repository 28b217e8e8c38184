"""Scenario ``storm``: the server restarts under 1,000 connected clients.

1,000 participants in 100 group rooms (10 workshops of 10 groups, the group phase open)
each hold a note and move it every few seconds. Each client behaves as the board page's
``SyncClient`` (``web/js/sync.js``): it keeps every op until an ``ack`` or ``error`` names
its ``op_id``; when its socket closes it reconnects after the same backoff (attempt n
waits between half and all of min(15 s, 0.5 s × 2^min(n, 5)), the attempt count reset by
a welcome), says ``hello`` with ``since`` (the last contiguous seq of each room) and
resends every unacknowledged op, in order, with the same ``op_id``. It goes on making
ops while disconnected, as a person dragging notes would.

The storm: every client sends two moves at once, and the server is sent SIGTERM right
after, with those ops in flight; once it has exited, it is started again on the same
port and database. Measured:

- per client, from the SIGTERM to *resynced*: welcomed again, every op it had made until
  then acknowledged, and its room's events received without a gap up to the last of
  those acks (p50 / p99 / max), and the same from the moment the new server answered;
- handshakes per second while they reconnect (welcomes ÷ first to last welcome), and
  connection attempts refused while it was down;
- lost and duplicated ops, from the database after the run: an op the client made that
  is not in the event log is lost (one refused with an ``error`` is counted apart, by
  code: the page drops those), an ``op_id`` with two events in its room is duplicated;
  and clients whose room seq ended behind the log's.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from common import fmt

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OP_EVERY_S = 4.0      # each client's steady rate: 250 ops/s over 1,000 clients
BURST = 2             # ops each client sends just before the SIGTERM
STOP_TIMEOUT_S = 30   # then SIGKILL


# --- orchestration (run by bench/run.py) -------------------------------------------------

def run(cfg: dict[str, Any], tmp: Path, server_cls: Any, sqlite_url: Any) -> dict[str, Any]:
    clients, per_room = cfg["clients"], cfg["per_room"]
    print(f"reconnect storm: {clients} clients in {clients // per_room} rooms, SIGTERM and "
          f"restart", flush=True)
    db_url = sqlite_url(tmp, "storm")
    db_file = db_url.removeprefix("sqlite:///")
    server = server_cls("flipchart", db_url)
    load_cfg = {"scenario": "storm", "base_url": server.base_url, "ws_base": server.ws_base,
                "clients": clients, "per_room": per_room, "timeout": 240}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(load_cfg, f)
        path = f.name
    errors = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen([sys.executable, str(BENCH / "load.py"), path], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=errors, text=True, bufsize=1)
    restart: dict[str, Any] = {}
    logs = []
    result: dict[str, Any] = {}
    try:
        assert proc.stdout is not None and proc.stdin is not None
        deadline = time.monotonic() + 240
        for line in proc.stdout:
            if time.monotonic() > deadline:
                break
            if line.startswith("STORM_KILL"):
                restart["t_kill"] = time.time()
                server.proc.send_signal(signal.SIGTERM)
                try:
                    server.proc.wait(STOP_TIMEOUT_S)
                    restart["killed_hard"] = False
                except subprocess.TimeoutExpired:
                    server.proc.kill()
                    server.proc.wait(5)
                    restart["killed_hard"] = True
                restart["t_exit"] = time.time()
                restart["exit_code"] = server.proc.returncode
                logs.append(server.stop())
                server = server_cls("flipchart", db_url, port=server.port)
                restart["t_spawn"] = server.spawned_at
                restart["t_ready"] = server.ready_at
                proc.stdin.write("STORM_UP " + json.dumps(restart) + "\n")
                proc.stdin.flush()
            elif line.startswith("RESULT "):
                result = json.loads(line[7:])
                break
        proc.wait(30)
    except Exception as exc:
        result = {"error": repr(exc)}
    finally:
        if proc.poll() is None:
            proc.kill()
        errors.seek(0)
        err = errors.read()
        sys.stderr.write(err[-3000:])
        os.unlink(path)
        logs.append(server.stop())
    if not result:
        return {"error": "the load generator gave no result", "stderr": err[-2000:]}
    if "made" in result:
        result.update(audit(db_file, result.pop("made"), result.pop("refused_ids"),
                            result.pop("last_seq"), result.pop("resent_ids"),
                            restart.get("t_exit")))
    result["restart"] = {
        "stop_s": round(restart["t_exit"] - restart["t_kill"], 2),
        "start_s": round(restart["t_ready"] - restart["t_spawn"], 2),
        "down_s": round(restart["t_ready"] - restart["t_kill"], 2),
        "killed_hard": restart["killed_hard"], "exit_code": restart["exit_code"],
    } if restart.get("t_ready") else restart
    problems = [ln for log in logs for ln in log.splitlines() if "Traceback" in ln or "ERROR" in ln]
    if problems:
        result["server_log_errors"] = len(problems)
        result["server_log_tail"] = "\n".join(logs)[-1500:]
    return result


def audit(db_file: str, made: dict[str, str], refused: list[str],
          last_seq: dict[str, list[int]], resent: list[str],
          t_exit: float | None) -> dict[str, Any]:
    """Every op the clients made against the event log: lost, duplicated, clients behind;
    and how many resent ops the old process had already applied (the dedupe's work)."""
    with sqlite3.connect(db_file) as db:
        counts: dict[tuple[str, str], int] = {}
        first_at: dict[str, float] = {}
        for room, op_id, n, at in db.execute(
                "SELECT room, op_id, COUNT(*), MIN(at) FROM event WHERE op_id IS NOT NULL "
                "GROUP BY room, op_id"):
            counts[(room, op_id)] = n
            first_at[op_id] = at
        heads = dict(db.execute("SELECT room, MAX(seq) FROM event GROUP BY room"))
    refused_set = set(refused)
    lost = [o for o, room in made.items() if (room, o) not in counts and o not in refused_set]
    dup = [o for o, room in made.items() if counts.get((room, o), 0) > 1]
    behind = sum(1 for room, seqs in last_seq.items() for s in seqs if s < heads.get(room, 0))
    return {"ops_made": len(made), "ops_in_log": sum(1 for o, r in made.items() if (r, o) in counts),
            "lost": len(lost), "duplicated": len(dup), "refused": len(refused),
            "lost_examples": lost[:5], "duplicated_examples": dup[:5],
            "resent_already_applied": sum(1 for o in resent
                                          if t_exit and first_at.get(o, t_exit) < t_exit),
            "clients_behind_the_log": behind}


# --- the load generator's side (python bench/load.py, scenario "storm") ------------------

class Client:
    """One participant, as web/js/sync.js behaves: ops kept until acked, backoff, resend."""

    def __init__(self, idx: int, ws_url: str, token: str, room: str, st: State) -> None:
        self.idx, self.url, self.token, self.room, self.st = idx, ws_url, token, room, st
        self.transport: Any = None
        self.welcomed = False
        self.attempt = 0
        self.pending: dict[str, dict[str, Any]] = {}   # op_id -> frame, in order
        self.seq: dict[str, int] = {}                   # room -> last contiguous seq
        self.ahead: dict[str, set[int]] = {}
        self.note: str | None = None
        self.acked: dict[str, int] = {}
        self.created: asyncio.Future[None] | None = None
        self.lost_at: float | None = None
        self.welcome_at: float | None = None
        self.resynced_at: float | None = None
        self.must_ack: set[str] = set()
        self.must_seq = 0
        self.closed_for_good = False
        self.reconnect_task: asyncio.Task[None] | None = None

    # frames
    def on_text(self, raw: bytes) -> None:
        f = json.loads(raw)
        typ = f.get("type")
        if typ == "welcome":
            self.welcomed = True
            self.attempt = 0
            self.welcome_at = time.time()
            self.st.welcomes.append(self.welcome_at)
            if self.lost_at is not None:
                # Resynced once every op made until now is acked, and the room is caught
                # up to the last of those acks.
                self.must_ack = set(self.pending)
                self.must_seq = 0
                self.st.resent.update(self.pending)
            for frame in self.pending.values():
                self.send(frame)
            self.check_resynced()
        elif typ == "snapshot":
            room = f["room"]
            self.seq[room] = max(self.seq.get(room, 0), int(f["seq"]))
            self.ahead.setdefault(room, set())
            self.advance(room)
        elif typ == "event":
            room, seq = f["room"], int(f["seq"])
            last = self.seq.get(room, 0)
            if seq == last + 1:
                self.seq[room] = seq
                self.advance(room)
            elif seq > last + 1:
                self.ahead.setdefault(room, set()).add(seq)
            self.check_resynced()
        elif typ in ("ack", "error"):
            op_id = f.get("op_id")
            if op_id is None or op_id not in self.pending:
                if typ == "ack" and op_id in self.acked and self.acked[op_id] != f["seq"]:
                    self.st.ack_seq_changed += 1
                return
            del self.pending[op_id]
            if typ == "ack":
                if op_id in self.acked and self.acked[op_id] != f["seq"]:
                    self.st.ack_seq_changed += 1
                self.acked[op_id] = int(f["seq"])
                if op_id in self.must_ack:
                    self.must_seq = max(self.must_seq, int(f["seq"]))
            else:
                self.st.refused[op_id] = f.get("code", "?")
            self.must_ack.discard(op_id)
            if self.created is not None and not self.created.done():
                self.created.set_result(None)
            self.check_resynced()

    def advance(self, room: str) -> None:
        ahead = self.ahead.get(room)
        while ahead and self.seq[room] + 1 in ahead:
            ahead.discard(self.seq[room] + 1)
            self.seq[room] += 1

    def check_resynced(self) -> None:
        if self.lost_at is None or self.resynced_at is not None or not self.welcomed:
            return
        if not self.must_ack and self.seq.get(self.room, 0) >= self.must_seq:
            self.resynced_at = time.time()
            self.st.resynced += 1

    # the socket
    def send(self, frame: dict[str, Any]) -> None:
        if (self.transport is not None and self.welcomed) or frame.get("type") == "hello":
            try:
                self.transport.send(self.st.text, json.dumps(frame).encode())
            except Exception:
                pass

    def op(self, kind: str, data: dict[str, Any]) -> str:
        op_id = uuid.uuid4().hex
        frame = {"type": "op", "op_id": op_id, "room": self.room, "kind": kind, "data": data}
        self.pending[op_id] = frame
        self.st.made[op_id] = self.room
        self.send(frame)
        return op_id

    def move(self) -> None:
        if self.note is not None:
            self.op("note.move", {"id": self.note, "x": round(random.uniform(0, 1500), 1),
                                  "y": round(random.uniform(0, 900), 1)})

    async def connect(self) -> None:
        from picows import ws_connect
        self.welcomed = False
        try:
            transport, _ = await ws_connect(lambda: Listener(self), self.url,
                                            websocket_handshake_timeout=10)
        except Exception:
            self.st.refused_connects += 1
            self.lost()
            return
        self.transport = transport
        since = {r: s for r, s in self.seq.items()}
        self.send({"type": "hello", "token": self.token, "since": since})

    def lost(self) -> None:
        self.transport = None
        self.welcomed = False
        if self.lost_at is None and self.st.storm_started:
            self.lost_at = time.time()
        if self.closed_for_good:
            return
        # web/js/sync.js _scheduleReconnect
        self.attempt += 1
        base = min(15000, 500 * 2 ** min(self.attempt, 5))
        delay = (base / 2 + random.random() * base / 2) / 1000
        self.reconnect_task = asyncio.get_running_loop().create_task(self._later(delay))

    async def _later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        if not self.closed_for_good:
            await self.connect()


class State:
    def __init__(self) -> None:
        from picows import WSMsgType
        self.text = WSMsgType.TEXT
        self.made: dict[str, str] = {}
        self.refused: dict[str, str] = {}
        self.welcomes: list[float] = []
        self.refused_connects = 0
        self.resent: set[str] = set()
        self.ack_seq_changed = 0
        self.resynced = 0
        self.storm_started = False


def _listener_base() -> Any:
    from picows import WSListener
    return WSListener


class Listener(_listener_base()):  # type: ignore[misc]
    def __init__(self, client: Client) -> None:
        self.client = client
        self.transport: Any = None

    def on_ws_connected(self, transport: Any) -> None:
        self.transport = transport

    def on_ws_disconnected(self, transport: Any) -> None:
        if self.client.transport is transport:
            self.client.lost()

    def on_ws_frame(self, transport: Any, frame: Any) -> None:
        from picows import WSMsgType
        if frame.msg_type == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()
            return
        if frame.msg_type == WSMsgType.TEXT and self.client.transport is transport:
            self.client.on_text(frame.get_payload_as_bytes())


async def load(cfg: dict[str, Any]) -> dict[str, Any]:
    import httpx
    import load as ld

    st = State()
    per_room = cfg["per_room"]
    rooms = max(1, cfg["clients"] // per_room)
    async with httpx.AsyncClient(base_url=cfg["base_url"], timeout=60) as http:
        groups = await ld.make_groups(http, rooms, per_room, 10, True)
    clients = [Client(i, f"{cfg['ws_base']}/ws/workshops/{g['code']}", tok, g["room"], st)
               for i, (g, tok) in enumerate((g, t) for g in groups for t in g["tokens"])]

    async def first(c: Client) -> None:
        c.created = asyncio.get_running_loop().create_future()
        await c.connect()
        for _ in range(200):
            if c.welcomed:
                break
            await asyncio.sleep(0.05)
        c.note = str(uuid.uuid4())
        c.op("note.create", {"id": c.note, "section": "challenges", "text": "storm"})
        await asyncio.wait_for(c.created, 30)

    t0 = time.perf_counter()
    await ld.gather_bounded([first(c) for c in clients], 50)
    connect_s = time.perf_counter() - t0
    stop = asyncio.Event()

    async def mover(c: Client) -> None:
        await asyncio.sleep(random.random() * OP_EVERY_S)
        while not stop.is_set():
            c.move()
            await asyncio.sleep(OP_EVERY_S)

    movers = [asyncio.ensure_future(mover(c)) for c in clients]
    await asyncio.sleep(6.0)

    # The storm: ops in flight, then SIGTERM (by bench/run.py, on this line).
    st.storm_started = True
    for c in clients:
        for _ in range(BURST):
            c.move()
    in_flight = sum(len(c.pending) for c in clients)
    print("STORM_KILL", flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    restart = json.loads(line.split(" ", 1)[1]) if line.startswith("STORM_UP") else {}
    t_kill, t_ready = restart.get("t_kill"), restart.get("t_ready")
    end = time.perf_counter() + 90
    while time.perf_counter() < end and st.resynced < len(clients):
        await asyncio.sleep(0.1)
    await asyncio.sleep(3.0)
    stop.set()
    await asyncio.gather(*movers, return_exceptions=True)
    end = time.perf_counter() + 30
    while time.perf_counter() < end and any(c.pending for c in clients):
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.0)   # the last events reach everyone
    for c in clients:
        c.closed_for_good = True
        if c.transport is not None:
            try:
                c.transport.disconnect()
            except Exception:
                pass

    def pct(xs: list[float]) -> dict[str, Any]:
        out = ld.percentiles(xs)
        return {k.replace("_ms", "_s"): (round(v / 1000, 3) if isinstance(v, float) else v)
                for k, v in out.items()}

    from_kill = [c.resynced_at - t_kill for c in clients if c.resynced_at and t_kill]
    from_ready = [c.resynced_at - t_ready for c in clients if c.resynced_at and t_ready]
    from_lost = [c.resynced_at - c.lost_at for c in clients if c.resynced_at and c.lost_at]
    after = [w for w in st.welcomes if t_kill and w > t_kill]
    span = (max(after) - min(after)) if len(after) > 1 else None
    last_seq: dict[str, list[int]] = {}
    for c in clients:
        last_seq.setdefault(c.room, []).append(c.seq.get(c.room, 0))
    refused_codes: dict[str, int] = {}
    for code in st.refused.values():
        refused_codes[code] = refused_codes.get(code, 0) + 1
    return {
        "clients": len(clients), "rooms": rooms, "connect_s": round(connect_s, 1),
        "op_every_s": OP_EVERY_S, "burst": BURST, "unacked_at_sigterm": in_flight,
        "resynced": st.resynced, "not_resynced": len(clients) - st.resynced,
        "resync_from_sigterm": pct(from_kill), "resync_from_ready": pct(from_ready),
        "resync_from_own_close": pct(from_lost),
        "reconnected": len(after),
        "handshakes_per_s": round(len(after) / span, 1) if span else None,
        "refused_connects": st.refused_connects,
        "ack_seq_changed": st.ack_seq_changed, "refused_codes": refused_codes,
        "still_pending": sum(len(c.pending) for c in clients),
        "resent_after_restart": len(st.resent),
        "made": st.made, "refused_ids": list(st.refused), "last_seq": last_seq,
        "resent_ids": sorted(st.resent),
    }


# --- report ---------------------------------------------------------------------------------

def markdown(r: dict[str, Any]) -> list[str]:
    head = "## Reconnect storm"
    if "resync_from_sigterm" not in r:
        return [head, "", f"No result: {r.get('error', '?')}"]
    rs = r.get("restart", {})

    def p(d: dict[str, Any]) -> str:
        return f"{fmt(d['p50_s'])} / {fmt(d['p99_s'])} / {fmt(d['max_s'])} s"

    lines = [f"{head}: {r['clients']} clients in {r['rooms']} rooms, SIGTERM and restart", "",
             "| measure | value | goal |", "|---|---|---|",
             f"| ops unacknowledged at the SIGTERM | {r['unacked_at_sigterm']} | |",
             f"| server: stop (SIGTERM → exit); start (spawn → answering); down in all "
             f"| {fmt(rs.get('stop_s'), ' s')}; {fmt(rs.get('start_s'), ' s')}; "
             f"{fmt(rs.get('down_s'), ' s')}{' (killed: SIGTERM did not end it)' if rs.get('killed_hard') else ''} | |",
             f"| every client resynced, from the SIGTERM: p50 / p99 / max "
             f"| {p(r['resync_from_sigterm'])} ({r['resynced']} of {r['clients']}) | p99 < 5 s |",
             f"| the same, from the new server answering | {p(r['resync_from_ready'])} | |",
             f"| handshakes/s while reconnecting; connection attempts refused "
             f"| {fmt(r['handshakes_per_s'])}; {r['refused_connects']} | |",
             f"| ops resent after the restart; of them, applied before the stop (acked "
             f"again from the log) | {r.get('resent_after_restart')}; "
             f"{r.get('resent_already_applied')} | |",
             f"| ops lost / duplicated (of {r.get('ops_made')} made, from the event log) "
             f"| **{r.get('lost')} / {r.get('duplicated')}** | 0 / 0 |",
             f"| ops refused with an error (by code); clients behind the log at the end "
             f"| {r.get('refused')} ({r.get('refused_codes') or 'none'}); "
             f"{r.get('clients_behind_the_log')} | 0 |"]
    if r.get("server_log_errors"):
        lines.append(f"\nThe server logged {r['server_log_errors']} error line(s) (see the JSON).")
    return lines
