"""Scenario ``conference``: many workshops at once, on one process and then on two.

60 workshops × 30 participants (5 groups of 6), template ``activity-2`` with every timed
phase set to 1 minute (``minutes`` in ``POST /api/workshops``) and ``auto_advance``; every
participant joins over REST and connects its board socket; then all 60 are started in the
same second (``POST /api/workshops/{code}/phase`` ``{"action": "start"}``) and the
server's scheduler runs them through their deadlines.

Each participant makes one durable op every 5 s (a random offset each), chosen by what
the phase it was last told about makes writable: a step note in ``procedure`` and then
moves of it (individual work: private, so the others receive ``hidden`` events; group
work: the same note, shared since the reveal), a ``pick.set`` of ``topics`` (toolkit), a
``next_steps`` note and moves of it (action). One in ten also drags its note at 10 Hz
(the server drops drags of private notes: during individual work they reach no one).

Measured, from the run's start of the phases to 10 s after the last deadline:

- op → delivery: from the op's send to each *other* member of its room receiving the
  event (matched by room and seq, which the ack names, so hidden events count too);
- op → ack, and errors by code (``locked`` is an op sent as its phase closed);
- phase skew: for each deadline the scheduler fires, from the deadline (the ``ends_at``
  of the phase it ends) to each client's receipt of the ``phase`` event; per deadline the
  last client's, then p50 / p99 / max over the deadlines;
- drags: send → receipt at the other members;
- server CPU (mean over the run, highest 1-s sample) and RSS (highest), per process.

Then the same on two processes with PostgreSQL and Redis (clients alternate between the
two, so every group spans both) when ``FLIPCHART_BENCH_DATABASE_URL`` and
``FLIPCHART_BENCH_REDIS_URL`` are set; skipped with a note otherwise.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import re
import time
import uuid
from pathlib import Path
from typing import Any

from common import fmt, run_for_result

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PHASE_MINUTES = {"individual": 1, "groups-procedures": 1, "toolkit": 1, "groups-action": 1}
GOALS = {"op_delivery_p99_ms_one": 100.0, "op_delivery_p99_ms_two": 150.0,
         "phase_skew_p99_s": 1.0}


# --- orchestration (run by bench/run.py) -------------------------------------------------

def launch_load(cfg: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Runs ``bench/load.py`` on ``cfg`` as its own process; returns its RESULT."""
    return run_for_result(BENCH / "load.py", cfg, timeout + 60, "load generator")


def server_problems(log: str) -> dict[str, Any]:
    lines = log.splitlines()
    problems = [i for i, ln in enumerate(lines) if "Traceback" in ln or "ERROR" in ln
                or " failed" in ln]
    # the first problem with what follows it, and the last lines
    first = "\n".join(lines[problems[0]:problems[0] + 30]) if problems else ""
    return {"server_log_errors": len(problems),
            "server_log_tail": first[-2000:] + "\n…\n" + log[-1000:]} if problems else {}


def run(cfg: dict[str, Any], tmp: Path, server_cls: Any, sqlite_url: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"config": cfg}
    timeout = 240 + cfg["workshops"] * 2 + cfg["deadlines"] * 60
    print(f"conference on one process (SQLite): {cfg['workshops']} workshops × "
          f"{cfg['groups'] * cfg['per_group']} participants, {cfg['deadlines']} deadline(s)",
          flush=True)
    out["one_process"] = run_on(cfg, [server_cls("flipchart", sqlite_url(tmp, "conference"))],
                                timeout)
    pg = os.environ.get("FLIPCHART_BENCH_DATABASE_URL")
    redis = os.environ.get("FLIPCHART_BENCH_REDIS_URL")
    if not (pg and redis):
        missing = " and ".join(n for n, v in (("FLIPCHART_BENCH_DATABASE_URL", pg),
                                              ("FLIPCHART_BENCH_REDIS_URL", redis)) if not v)
        out["two_processes"] = {"skipped": f"{missing} not set"}
        print(f"conference on two processes: skipped ({missing} not set)", flush=True)
        return out
    print("conference on two processes (PostgreSQL, Redis)", flush=True)
    servers = []
    try:
        # One after the other: each migrates the database as it starts.
        for _ in range(2):
            servers.append(server_cls("flipchart", pg, env={"FLIPCHART_REDIS_URL": redis}))
    except Exception as exc:
        for s in servers:
            s.stop()
        out["two_processes"] = {"error": repr(exc)}
        return out
    out["two_processes"] = run_on(cfg, servers, timeout)
    return out


def run_on(cfg: dict[str, Any], servers: list[Any], timeout: float) -> dict[str, Any]:
    load_cfg = {**cfg, "scenario": "conference", "timeout": timeout,
                "base_urls": [s.base_url for s in servers],
                "ws_bases": [s.ws_base for s in servers],
                "server_pids": [s.proc.pid for s in servers]}
    try:
        result = launch_load(load_cfg, timeout)
    except Exception as exc:
        result = {"error": repr(exc)}
    finally:
        for s in servers:
            s.stop()
    for s in servers:
        s.log.seek(0)   # the whole log: Server.stop() returns its tail only
        problems = server_problems(s.log.read().decode(errors="replace"))
        if problems:
            result["server_log_errors"] = result.get("server_log_errors", 0) \
                + problems["server_log_errors"]
            result["server_log_tail"] = problems["server_log_tail"]
    return result


# --- the load generator's side (python bench/load.py, scenario "conference") -------------

EVENT_HEAD = re.compile(rb'^\{"type": ?"event", ?"room": ?"([a-z]+):(\d+)", ?"seq": ?(\d+)')
FRAME_TYPE = re.compile(rb'^\{"type": ?"(\w+)"')


class Recorder:
    """Everything the clients of this process saw, for the figures at the end."""

    def __init__(self) -> None:
        self.recording = False
        self.sent: dict[str, tuple[float, int, str]] = {}      # op_id -> (t, client, room)
        self.by_seq: dict[tuple[str, int], tuple[float, int]] = {}  # (room, seq) -> (t, client)
        self.recv: list[tuple[str, int, float, int]] = []      # (room, seq, t, client)
        self.ack_lat: list[float] = []
        self.errors: dict[str, int] = {}
        self.phase_seen: list[tuple[float, int, dict[str, Any], str, str, int]] = []
        self.drag_sent: dict[tuple[str, float, float], tuple[float, int]] = {}
        self.drag_lat: list[float] = []
        self.drags_sent = 0
        self.ops_sent = 0
        self.ops_skipped = 0


def make_client_class(load: Any) -> Any:
    from picows import WSMsgType

    class Participant(load.Conn):  # type: ignore[misc, name-defined]
        """One participant's board socket (load.py's Conn for the connection and hello)."""

        def __init__(self, idx: int, rec: Recorder, room: str) -> None:
            super().__init__(idx, load.Shared(), room)
            self.rec = rec
            self.phase: dict[str, Any] = {}
            self.notes: dict[str, str] = {}     # section -> the id of this client's note

        def on_ws_frame(self, transport: Any, frame: Any) -> None:
            t = time.perf_counter()
            if frame.msg_type == WSMsgType.CLOSE:
                transport.send_close(frame.get_close_code())
                transport.disconnect()
                return
            if frame.msg_type != WSMsgType.TEXT or not self.reading:
                super().on_ws_frame(transport, frame)
                return
            raw = frame.get_payload_as_bytes()
            rec = self.rec
            head = EVENT_HEAD.match(raw)
            if head is not None:
                kind, rid, seq = head.group(1), int(head.group(2)), int(head.group(3))
                if kind == b"group":
                    if rec.recording:
                        rec.recv.append((f"group:{rid}", seq, t, self.idx))
                    return
                f = json.loads(raw)
                if f.get("kind") in ("phase", "phase.warning"):
                    self.phase = f["data"]
                    rec.phase_seen.append((time.time(), rid, f["data"], f.get("kind", ""),
                                           f.get("by", ""), self.idx))
                return
            typ = FRAME_TYPE.match(raw)
            name = typ.group(1) if typ else b""
            if name == b"drag":
                f = json.loads(raw)
                hit = rec.drag_sent.get((f["id"], f["x"], f["y"]))
                if hit is not None and hit[1] != self.idx and rec.recording:
                    rec.drag_lat.append(t - hit[0])
            elif name in (b"ack", b"error"):
                f = json.loads(raw)
                sent = rec.sent.get(f.get("op_id") or "")
                if name == b"error":
                    code = f.get("code", "?")
                    rec.errors[code] = rec.errors.get(code, 0) + 1
                elif sent is not None:
                    rec.by_seq[(f["room"], int(f["seq"]))] = (sent[0], sent[1])
                    if rec.recording:
                        rec.ack_lat.append(t - sent[0])
            elif name == b"snapshot":
                f = json.loads(raw)
                if f.get("phase"):
                    self.phase = f["phase"]

        def apply_snapshot(self, frames: list[dict[str, Any]]) -> None:
            for f in frames:
                if f.get("type") == "snapshot" and f.get("phase"):
                    self.phase = f["phase"]

        def op(self, kind: str, data: dict[str, Any]) -> None:  # type: ignore[override]
            op_id = uuid.uuid4().hex
            self.rec.sent[op_id] = (time.perf_counter(), self.idx, self.room)
            self.rec.ops_sent += 1
            self.send({"type": "op", "op_id": op_id, "room": self.room, "kind": kind,
                       "data": data})

        def act(self, topics: list[str]) -> None:
            """One durable op, as the phase this client was last told about allows."""
            ph = self.phase
            if ph.get("status") != "running":
                self.rec.ops_skipped += 1
                return
            key = ph.get("key")
            xy = {"x": round(random.uniform(0, 1500), 1), "y": round(random.uniform(0, 900), 1)}
            if key in ("individual", "groups-procedures"):
                section = "procedure"
            elif key == "groups-action":
                section = "next_steps"
            elif key == "toolkit":
                self.op("pick.set", {"key": "topics", "value": [random.choice(topics)]})
                return
            else:
                self.rec.ops_skipped += 1
                return
            nid = self.notes.get(section)
            if nid is None:
                nid = self.notes[section] = str(uuid.uuid4())
                self.op("note.create", {"id": nid, "section": section,
                                        "text": f"step from {self.idx}", **xy})
            else:
                self.op("note.move", {"id": nid, **xy})

        def drag_note(self) -> str | None:
            key = self.phase.get("key")
            return self.notes.get("next_steps" if key == "groups-action" else "procedure")

    return Participant


async def load(cfg: dict[str, Any]) -> dict[str, Any]:
    import httpx
    import load as ld

    participant_cls = make_client_class(ld)
    rec = Recorder()
    n_ws, groups, per_group = cfg["workshops"], cfg["groups"], cfg["per_group"]
    bases, ws_bases, pids = cfg["base_urls"], cfg["ws_bases"], cfg["server_pids"]
    t_setup = time.perf_counter()
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=bases[0], timeout=60, limits=limits) as http:
        topics = ["flexible-education-and-training-systems"]
        try:
            tpl = (await http.get("/api/templates/activity-2")).json()
            for sec in tpl.get("sections", []):
                if sec.get("key") == "topics" and sec.get("options"):
                    topics = [o["value"] if isinstance(o, dict) else o for o in sec["options"]]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            pass

        async def create(i: int) -> dict[str, Any]:
            r = await http.post("/api/workshops", json={
                "template": "activity-2", "groups": groups, "title": f"conference {i}",
                "minutes": PHASE_MINUTES, "auto_advance": True})
            r.raise_for_status()
            body: dict[str, Any] = r.json()
            info = (await http.get(f"/api/workshops/{body['code']}")).json()
            body["groups"] = [g["id"] for g in info["groups"][:groups]]
            return body

        workshops = await ld.gather_bounded([create(i) for i in range(n_ws)], 8)

        async def join(code: str, gid: int, i: int) -> str:
            r = await http.post(f"/api/workshops/{code}/participants",
                                json={"name": f"p{gid}-{i}", "group_id": gid})
            r.raise_for_status()
            return str(r.json()["token"])

        specs = [(w, gid, i) for w in workshops for gid in w["groups"] for i in range(per_group)]
        tokens = await ld.gather_bounded([join(w["code"], gid, i) for w, gid, i in specs], 16)
    setup_s = time.perf_counter() - t_setup

    async def open_one(n: int) -> Any:
        w, gid, _ = specs[n]
        url = f"{ws_bases[n % len(ws_bases)]}/ws/workshops/{w['code']}"
        _, c = await ld.ws_connect(lambda: participant_cls(n, rec, f"group:{gid}"), url,
                                   websocket_handshake_timeout=30, max_frame_size=2**22)
        c.send({"type": "hello", "token": tokens[n], "since": {}})
        frames = []
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            f = await asyncio.wait_for(c.replies.get(), 30)
            frames.append(f)
            if f.get("type") == "error":
                raise RuntimeError(f"hello refused: {f}")
            # welcome, then the two rooms' snapshots (a new client has no `since`)
            if sum(1 for x in frames if x.get("type") == "snapshot") >= 2:
                break
        c.apply_snapshot(frames)
        c.start()
        return c

    t_conn = time.perf_counter()
    conns = await ld.gather_bounded([open_one(n) for n in range(len(specs))], 50)
    connect_s = time.perf_counter() - t_conn
    await asyncio.sleep(2.0)

    # All started in the same second.
    t0_wall = math.ceil(time.time()) + 1.0
    await asyncio.sleep(t0_wall - time.time())
    rec.recording = True
    cpu0 = {p: (ld.cpu_seconds(p), ld.cpu_seconds(p, p), ld.runqueue_wait_seconds(p, p))
            for p in pids}
    t0_perf = time.perf_counter() - (time.time() - t0_wall)
    busy0, total0 = ld.machine_cpu_seconds()
    own0, w0 = time.process_time(), time.perf_counter()
    stop = asyncio.Event()
    samples: dict[int, list[tuple[float, float]]] = {p: [] for p in pids}   # (cpu %, rss)

    async def sampler() -> None:
        last = {p: ld.cpu_seconds(p) for p in pids}
        t_last = time.perf_counter()
        while not stop.is_set() and len(samples[pids[0]]) < 3600:
            await asyncio.sleep(1.0)
            t = time.perf_counter()
            for p in pids:
                c = ld.cpu_seconds(p)
                samples[p].append((100 * (c - last[p]) / (t - t_last), ld.rss_mb(p)))
                last[p] = c
            t_last = t

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=n_ws)) as http:
        async def start(w: dict[str, Any], i: int) -> float:
            r = await http.post(f"{bases[i % len(bases)]}/api/workshops/{w['code']}/phase",
                                json={"action": "start"},
                                headers={"Authorization": f"Bearer {w['facilitator_token']}"})
            r.raise_for_status()
            return time.time()

        sampling = asyncio.ensure_future(sampler())
        started = await asyncio.gather(*(start(w, i) for i, w in enumerate(workshops)))
    start_spread = max(started) - t0_wall

    async def participant(c: Any) -> None:
        await asyncio.sleep(random.random() * cfg["op_every_s"])
        for _ in range(100_000):
            if stop.is_set() or c.closed:
                return
            c.act(topics)
            await asyncio.sleep(cfg["op_every_s"])

    async def dragger(c: Any) -> None:
        period = 1.0 / cfg["drag_hz"]
        nxt = time.perf_counter() + random.random() * period
        n = 0
        while not stop.is_set() and not c.closed and n < 1_000_000:
            delay = nxt - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            nxt += period
            nid = c.drag_note()
            if nid is None:
                continue
            n += 1
            x, y = float(n % 1500), float((n // 1500) % 900)
            rec.drag_sent[(nid, x, y)] = (time.perf_counter(), c.idx)
            rec.drags_sent += 1
            c.send({"type": "drag", "room": c.room, "id": nid, "x": x, "y": y})

    every = max(1, round(1 / cfg["drag_share"]))
    tasks = [asyncio.ensure_future(participant(c)) for c in conns]
    tasks += [asyncio.ensure_future(dragger(c)) for c in conns[::every]]

    # Run until every workshop has had its `deadlines` scheduler transitions and 10 s more.
    want = cfg["deadlines"]
    hard_end = time.perf_counter() + want * 60 + 90
    while time.perf_counter() < hard_end:
        await asyncio.sleep(1.0)
        fired: dict[int, set[int]] = {}
        for _, wid, data, kind, by, _ in rec.phase_seen:
            if kind == "phase" and by == "scheduler":
                fired.setdefault(wid, set()).add(data.get("version"))
        if len(fired) >= n_ws and all(len(v) >= want for v in fired.values()):
            await asyncio.sleep(10.0)
            break
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(3.0)   # in-flight deliveries
    window = time.perf_counter() - w0
    rec.recording = False
    sampling.cancel()
    busy1, total1 = ld.machine_cpu_seconds()
    own = time.process_time() - own0
    servers = []
    for p in pids:
        cpu, loop_cpu = ld.cpu_seconds(p) - cpu0[p][0], ld.cpu_seconds(p, p) - cpu0[p][1]
        wait = ld.runqueue_wait_seconds(p, p) - cpu0[p][2]
        s = samples[p]
        servers.append({"pid": p, "cpu_pct_mean": round(100 * cpu / window, 1),
                        "loop_thread_cpu_pct_mean": round(100 * loop_cpu / window, 1),
                        # ready to run but every core taken: the machine, not the server
                        "loop_thread_runq_wait_pct": round(100 * wait / window, 1),
                        "cpu_pct_1s": [round(x[0]) for x in s],
                        "cpu_pct_max_1s": round(max((x[0] for x in s), default=0), 1),
                        "rss_mb_max": round(max((x[1] for x in s), default=ld.rss_mb(p)), 1),
                        "rss_mb_end": round(ld.rss_mb(p), 1)})
    await ld.gather_bounded([c.close() for c in conns], 200)

    # op -> delivery, to the other members of the op's room
    lat = []
    buckets: dict[int, list[float]] = {}   # by 10 s of the op's send, from the start
    for room, seq, t, idx in rec.recv:
        hit = rec.by_seq.get((room, seq))
        if hit is not None and hit[1] != idx:
            lat.append(t - hit[0])
            buckets.setdefault(int((hit[0] - t0_perf) // 10), []).append(t - hit[0])
    timeline = [{"from_s": 10 * b, **{k: v for k, v in ld.percentiles(xs).items()
                                      if k in ("p50_ms", "p99_ms", "n")}}
                for b, xs in sorted(buckets.items())]
    expected = len(rec.by_seq) * (per_group - 1)
    skew = phase_skew(rec.phase_seen, cfg["groups"] * cfg["per_group"])
    return {
        "workshops": n_ws, "participants": len(conns), "processes": len(pids),
        "setup_s": round(setup_s, 1), "connect_s": round(connect_s, 1),
        "start_spread_s": round(start_spread, 3), "window_s": round(window, 1),
        "ops_sent": rec.ops_sent, "ops_acked": len(rec.by_seq), "ops_skipped": rec.ops_skipped,
        "errors": rec.errors,
        "op_delivery": {**ld.percentiles(lat), "expected": expected,
                        "delivered_fraction": round(len(lat) / expected, 4) if expected else None},
        "op_delivery_by_10s": timeline,
        "op_ack": ld.percentiles(rec.ack_lat),
        "drag": {**ld.percentiles(rec.drag_lat), "sent": rec.drags_sent},
        "phase_skew": skew,
        "servers": servers,
        "loadgen_cpu_pct": round(100 * own / window, 1),
        "machine_cpu_busy_pct": round(100 * (busy1 - busy0) / max(1e-9, total1 - total0), 1),
    }


def phase_skew(seen: list[tuple[float, int, dict[str, Any], str, str, int]],
               members: int) -> dict[str, Any]:
    """For each deadline the scheduler fired: from the deadline (the ends_at of the phase
    it ended) to each client's receipt of the phase event."""
    views: dict[int, dict[int, dict[str, Any]]] = {}
    for _, wid, data, _kind, _by, _ in seen:
        views.setdefault(wid, {})[data.get("version", -1)] = data
    per_transition: dict[tuple[int, int], list[float]] = {}
    for t, wid, data, kind, by, _ in seen:
        if kind != "phase" or by != "scheduler":
            continue
        version = data.get("version", -1)
        earlier = [v for ver, v in sorted(views[wid].items())
                   if ver < version and v.get("ends_at") is not None]
        if not earlier:
            continue
        deadline = earlier[-1]["ends_at"]
        per_transition.setdefault((wid, version), []).append(t - deadline)
    last = [max(v) for v in per_transition.values()]
    every = [x for v in per_transition.values() for x in v]

    def pct(xs: list[float]) -> dict[str, Any]:
        if not xs:
            return {"p50_s": None, "p99_s": None, "max_s": None, "n": 0}
        s = sorted(xs)

        def rank(p: float) -> float:
            return round(s[min(len(s) - 1, max(0, math.ceil(p * len(s)) - 1))], 3)

        return {"p50_s": rank(0.5), "p99_s": rank(0.99), "max_s": round(s[-1], 3), "n": len(s)}

    return {"last_client": pct(last), "every_client": pct(every),
            "transitions": len(per_transition),
            "transitions_not_seen_by_all": sum(1 for v in per_transition.values()
                                               if len(v) < members)}


# --- report ---------------------------------------------------------------------------------

def markdown(r: dict[str, Any]) -> list[str]:
    cfg = r.get("config", {})
    lines = [f"## Conference: {cfg.get('workshops')} workshops × "
             f"{cfg.get('groups', 0) * cfg.get('per_group', 0)} participants "
             f"({cfg.get('groups')} groups of {cfg.get('per_group')}), 1-minute phases, "
             f"{cfg.get('deadlines')} deadline(s), an op every {cfg.get('op_every_s')} s each, "
             f"1 in {round(1 / cfg.get('drag_share', 0.1))} dragging at {cfg.get('drag_hz')} Hz",
             "", "| measure | one process, SQLite | two processes, PostgreSQL + Redis | goal |",
             "|---|---|---|---|"]
    one, two = r.get("one_process", {}), r.get("two_processes", {})

    first = [True]

    def cell(x: dict[str, Any], f: Any) -> str:
        if "skipped" in x:
            said, first[0] = first[0], False
            return f"skipped: {x['skipped']}" if said else "–"
        if "error" in x and "op_delivery" not in x:
            return f"error: {x['error'][:80]}"
        try:
            return str(f(x))
        except (KeyError, TypeError):
            return "–"

    def ms(d: dict[str, Any]) -> str:
        return f"{fmt(d['p50_ms'])} / {fmt(d['p99_ms'])} / {fmt(d['max_ms'])} ms"

    def servers(x: dict[str, Any], key: str, unit: str) -> str:
        return " + ".join(fmt(s[key], unit) for s in x["servers"])

    rows = [
        ("op → delivery p50 / p99 / max", lambda x: ms(x["op_delivery"]),
         "p99 < 100 ms (one), < 150 ms (two)"),
        ("delivered (of ops acked × 5 others)",
         lambda x: fmt((x["op_delivery"]["delivered_fraction"] or 0) * 100, " %"), ""),
        ("op → ack p50 / p99 / max", lambda x: ms(x["op_ack"]), ""),
        ("phase skew, last client per deadline: p50 / p99 / max",
         lambda x: f"{fmt(x['phase_skew']['last_client']['p50_s'])} / "
                   f"{fmt(x['phase_skew']['last_client']['p99_s'])} / "
                   f"{fmt(x['phase_skew']['last_client']['max_s'])} s "
                   f"({x['phase_skew']['transitions']} deadlines)", "p99 < 1 s"),
        ("phase skew, every client: p99", lambda x: f"{fmt(x['phase_skew']['every_client']['p99_s'])} s", ""),
        ("drag p50 / p99 / max", lambda x: ms(x["drag"]), ""),
        ("server CPU, mean (highest 1 s), % of a core",
         lambda x: " + ".join(f"{fmt(s['cpu_pct_mean'])} ({fmt(s['cpu_pct_max_1s'])})"
                              for s in x["servers"]), ""),
        ("server event-loop thread: CPU; waiting for a core (% of the run)",
         lambda x: " + ".join(f"{fmt(s['loop_thread_cpu_pct_mean'], ' %')}; "
                              f"{fmt(s['loop_thread_runq_wait_pct'], ' %')}"
                              for s in x["servers"]), ""),
        ("server RSS, highest", lambda x: servers(x, "rss_mb_max", " MB"), ""),
        ("ops sent / acked; errors", lambda x: f"{x['ops_sent']} / {x['ops_acked']}; "
                                              f"{x['errors'] or 'none'}", ""),
        ("load generator CPU; machine busy", lambda x: f"{fmt(x['loadgen_cpu_pct'], ' %')}; "
                                                     f"{fmt(x['machine_cpu_busy_pct'], ' %')}", ""),
        ("setup; sockets connected in; start spread",
         lambda x: f"{fmt(x['setup_s'], ' s')}; {fmt(x['connect_s'], ' s')}; "
                   f"{fmt(x['start_spread_s'], ' s')}", ""),
    ]
    for label, f, goal in rows:
        lines.append(f"| {label} | {cell(one, f)} | {cell(two, f)} | {goal} |")
    for name, x in (("one process", one), ("two processes", two)):
        if x.get("server_log_errors"):
            lines.append(f"\n{name}: the server logged {x['server_log_errors']} error line(s) "
                         f"(see the JSON).")
    return lines
