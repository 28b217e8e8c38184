"""Load generator for the Flipchart benchmark (asyncio + picows), run as its own process.

    python bench/load.py CONFIG.json

CONFIG names a scenario (``fanout``, ``drag``, ``idle``, ``ack``) and its parameters (see
``bench/run.py``). The result is printed as one line ``RESULT {json}`` on stdout.
Every loop is bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import re
import sys
import time
import uuid
from typing import Any

import httpx
import uvloop
from picows import WSCloseCode, WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

CLK_TCK = os.sysconf("SC_CLK_TCK")
now = time.perf_counter
# The generator must not be what limits the latency: at a few thousand ops/s it reads
# tens of thousands of frames a second. Frames that only need matching by op_id are not
# parsed (both servers' event frames start with their type and carry one "op_id").
FRAME_TYPE = re.compile(rb'\{"type": ?"(\w+)"')
OP_ID = re.compile(rb'"op_id": ?"([^"]*)"')


# --- measuring ---------------------------------------------------------------------------

def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU seconds of a process, or of one of its threads, from /proc."""
    try:
        path = f"/proc/{pid}" if thread is None else f"/proc/{pid}/task/{thread}"
        with open(f"{path}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return 0.0


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, all cores together, from /proc/stat."""
    with open("/proc/stat") as f:
        # user nice system idle iowait irq softirq steal
        values = [int(v) for v in f.readline().split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK, sum(values) / CLK_TCK


def runqueue_wait_seconds(pid: int, thread: int) -> float:
    """Seconds a thread was ready to run but waited for a CPU, from /proc schedstat."""
    try:
        with open(f"/proc/{pid}/task/{thread}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentiles(samples: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds (nearest rank)."""
    if not samples:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None, "n": 0}
    s = sorted(samples)

    def rank(p: float) -> float:
        return round(s[min(len(s) - 1, max(0, int(round(p * len(s) + 0.5)) - 1))] * 1000, 2)

    return {"p50_ms": rank(0.50), "p95_ms": rank(0.95), "p99_ms": rank(0.99),
            "max_ms": round(s[-1] * 1000, 2), "n": len(s)}


# --- Flipchart setup over REST -----------------------------------------------------------

async def make_groups(http: httpx.AsyncClient, rooms: int, per_room: int,
                      groups_per_workshop: int, start_group_phase: bool) -> list[dict[str, Any]]:
    """Create workshops (≤ groups_per_workshop groups each) and per_room participants per
    group. Returns one dict per group: code, room name, participant tokens."""
    out: list[dict[str, Any]] = []
    sem = asyncio.Semaphore(8)
    left = rooms
    workshops = []
    while left > 0 and len(workshops) < 1000:
        n = min(groups_per_workshop, left, 20)
        r = await http.post("/api/workshops", json={"template": "activity-2", "groups": n,
                                                    "title": "bench"})
        r.raise_for_status()
        workshops.append((r.json(), n))
        left -= n
    for body, n in workshops:
        code, ftok = body["code"], body["facilitator_token"]
        info = (await http.get(f"/api/workshops/{code}")).json()
        groups = info["groups"][:n]

        async def join(gid: int, i: int, code: str = code) -> str:
            async with sem:
                r = await http.post(f"/api/workshops/{code}/participants",
                                    json={"name": f"b{gid}-{i}", "group_id": gid})
                r.raise_for_status()
                return str(r.json()["token"])

        for g in groups:
            tokens = await asyncio.gather(*(join(g["id"], i) for i in range(per_room)))
            out.append({"code": code, "room": f"group:{g['id']}", "tokens": list(tokens),
                        "workshop_id": body["id"]})
        if start_group_phase:
            auth = {"Authorization": f"Bearer {ftok}"}
            for action in ("start", "next"):
                r = await http.post(f"/api/workshops/{code}/phase", json={"action": action},
                                    headers=auth)
                r.raise_for_status()
    return out


# --- clients -----------------------------------------------------------------------------

class Shared:
    """Bookkeeping shared by every client in this process."""

    def __init__(self) -> None:
        self.sent: dict[Any, tuple[float, int]] = {}   # key -> (send time, sender index)
        self.lat: list[float] = []
        self.ack_lat: list[float] = []
        self.received = 0
        self.errors: dict[str, int] = {}
        self.recording = False


class Conn(WSListener):
    """One member's socket. picows parses frames in C and calls ``on_ws_frame`` from the
    socket's read callback: no reader task, no queue, no per-frame Python parser, so the
    instrument's own CPU per frame stays small beside the server it measures."""

    def __init__(self, idx: int, shared: Shared, room: str) -> None:
        self.idx, self.shared, self.room = idx, shared, room
        self.transport: WSTransport | None = None
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        # Frames parsed as JSON before the welcome: the hello's answer.
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reading = False   # past the hello: match frames, do not queue them
        self.closed = False

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.closed = True

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        t = now()
        if frame.msg_type == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()
            return
        if frame.msg_type != WSMsgType.TEXT:
            return
        sh = self.shared
        if not frame.fin:
            # Neither server fragments its frames; one that did would go unmatched.
            sh.errors["fragmented"] = sh.errors.get("fragmented", 0) + 1
            return
        raw = frame.get_payload_as_bytes()
        if not self.reading:
            self.replies.put_nowait(json.loads(raw))
            return
        head = FRAME_TYPE.match(raw)
        if head is not None and head.group(1) in (b"event", b"op"):
            op_id = OP_ID.search(raw)
            key: Any = None if op_id is None else op_id.group(1)
        else:
            f = json.loads(raw)
            typ = f.get("type")
            if typ in ("ack", "error"):
                if typ == "error":
                    code = f.get("code", "?")
                    sh.errors[code] = sh.errors.get(code, 0) + 1
                w = self.waiters.pop(f.get("op_id") or "", None)
                if w and not w.done():
                    w.set_result(f)
                return
            if typ != "drag":
                return
            key = (f.get("id"), f.get("x"), f.get("y"))
        hit = sh.sent.get(key) if key is not None else None
        if hit is not None and hit[1] != self.idx and sh.recording:
            sh.lat.append(t - hit[0])
            sh.received += 1

    def send(self, frame: dict[str, Any]) -> None:
        if self.closed or self.transport is None:
            raise ConnectionError("the socket is closed")
        self.transport.send(WSMsgType.TEXT, json.dumps(frame).encode())

    def start(self) -> None:
        self.reading = True

    async def op(self, kind: str, data: dict[str, Any], op_id: str | None = None,
                 wait: bool = True) -> dict[str, Any] | None:
        op_id = op_id or uuid.uuid4().hex
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        if wait:
            self.waiters[op_id] = fut
        self.send({"type": "op", "op_id": op_id, "room": self.room, "kind": kind,
                   "data": data})
        if not wait:
            return None
        return await asyncio.wait_for(fut, 10)

    async def close(self) -> None:
        if self.transport is None:
            return
        if not self.closed:
            self.transport.send_close(WSCloseCode.OK)
        try:
            await asyncio.wait_for(self.transport.wait_disconnected(), 3)
        except TimeoutError:
            self.transport.disconnect()


async def connect(url: str, idx: int, shared: Shared, room: str) -> Conn:
    _, conn = await ws_connect(lambda: Conn(idx, shared, room), url,
                               websocket_handshake_timeout=20, max_frame_size=2**22)
    assert isinstance(conn, Conn)
    return conn


async def connect_flipchart(ws_base: str, code: str, token: str, idx: int = 0,
                            shared: Shared | None = None, room: str = "") -> Conn:
    """A member's socket after its hello was welcomed; frames before the welcome are read."""
    conn = await connect(f"{ws_base}/ws/workshops/{code}", idx, shared or Shared(), room)
    conn.send({"type": "hello", "token": token, "since": {}})
    deadline = now() + 20
    while now() < deadline:
        f = await asyncio.wait_for(conn.replies.get(), 20)
        if f.get("type") == "welcome":
            return conn
        if f.get("type") == "error":
            await conn.close()
            raise RuntimeError(f"hello refused: {f}")
    await conn.close()
    raise TimeoutError("no welcome")


async def one_group_online(cfg: dict[str, Any], members: int, shared: Shared) -> list[Conn]:
    """One workshop group with its phase open, every member connected and reading."""
    async with httpx.AsyncClient(base_url=cfg["base_url"], timeout=30) as http:
        g = (await make_groups(http, 1, members, 1, True))[0]
    conns = []
    for i, tok in enumerate(g["tokens"]):
        c = await connect_flipchart(cfg["ws_base"], g["code"], tok, i, shared, g["room"])
        c.start()
        conns.append(c)
    return conns


async def gather_bounded(coros: list[Any], limit: int) -> list[Any]:
    sem = asyncio.Semaphore(limit)

    async def one(c: Any) -> Any:
        async with sem:
            return await c

    return await asyncio.gather(*(one(c) for c in coros))


# --- scenario: fan-out ---------------------------------------------------------------------

async def fanout(cfg: dict[str, Any]) -> dict[str, Any]:
    rooms, per_room, senders = cfg["rooms"], cfg["clients"], cfg["senders_per_room"]
    baseline = cfg["kind"] == "baseline"
    # The peer (bench/peer.py): Hocuspocus, one Y.Doc per room, a move is a Y.Map set.
    hocus = cfg["kind"] == "hocuspocus"
    peer: Any = None
    if hocus:
        import peer
    shared = Shared()
    t0 = now()
    if baseline or hocus:
        groups = [{"room": f"room-{i}", "tokens": [None] * per_room} for i in range(rooms)]
    else:
        async with httpx.AsyncClient(base_url=cfg["base_url"], timeout=30) as http:
            groups = await make_groups(http, rooms, per_room, cfg["groups_per_workshop"], True)
    setup_s = now() - t0

    conns: list[Conn] = []
    specs = []
    for g in groups:
        for tok in g["tokens"]:
            specs.append((g, tok))

    async def open_one(i: int, g: dict[str, Any], tok: str | None) -> Conn:
        if baseline:
            c = await connect(f"{cfg['ws_base']}/ws/{g['room']}", i, shared, g["room"])
        elif hocus:
            c = await peer.connect_hocus(sys.modules[__name__], cfg["ws_base"], i, shared,
                                         g["room"])
        else:
            c = await connect_flipchart(cfg["ws_base"], g["code"], tok or "", i, shared,
                                        g["room"])
        c.start()
        return c

    t1 = now()
    conns = await gather_bounded([open_one(i, g, t) for i, (g, t) in enumerate(specs)], 50)
    connect_s = now() - t1
    keepalive = asyncio.ensure_future(peer.keepalive_forever(conns)) if hocus else None

    # Senders: the first `senders` members of each room; each creates one note first.
    sender_list: list[tuple[Conn, str]] = []
    for r in range(rooms):
        for s in range(senders):
            sender_list.append((conns[r * per_room + s], str(uuid.uuid4())))
    if not baseline and not hocus:
        await gather_bounded([c.op("note.create", {"id": nid, "section": "challenges",
                                                   "text": "bench", "x": 10, "y": 10})
                              for c, nid in sender_list], 50)
    await asyncio.sleep(1.0)   # let join/presence traffic settle
    # The generator is the measuring instrument: its own full GC passes (~100 ms over a
    # thousand sockets' objects) would show up as latency of whichever server is measured.
    gc.collect()
    gc.freeze()
    gc.disable()  # for the steps only: a few seconds each, bounded memory

    update_share = cfg["update_share"]

    async def run_step(rate: float) -> dict[str, Any]:
        per_sender = rate / len(sender_list)
        period = 1.0 / per_sender
        duration = cfg["step_seconds"]
        shared.sent.clear()
        shared.lat.clear()
        shared.received = 0
        shared.errors.clear()
        shared.recording = True
        sent_count = [0]
        cpu0, w0, own0 = cpu_seconds(cfg["server_pid"]), now(), time.process_time()
        # The main thread runs the event loop; the rest is the database's threads.
        loop_cpu0 = cpu_seconds(cfg["server_pid"], cfg["server_pid"])
        loop_wait0 = runqueue_wait_seconds(cfg["server_pid"], cfg["server_pid"])
        busy0, total0 = machine_cpu_seconds()
        end = now() + duration

        async def sender(c: Conn, nid: str, i: int) -> None:
            nxt = now() + random.random() * period
            n = 0
            while n < 1_000_000:
                if nxt > end:
                    return
                delay = nxt - now()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -1.0:          # fell far behind: skip, do not burst
                    nxt = now()
                op_id = f"{i}-{n}-{uuid.uuid4().hex[:8]}"
                kind, data = next_op(nid, n, update_share)
                shared.sent[op_id.encode()] = (now(), c.idx)
                try:
                    if hocus:
                        c.move(nid, data.get("x", 10.0), data.get("y", 10.0), op_id)
                    elif baseline:
                        # The frame a Flipchart member would receive for this op.
                        c.send({
                            "type": "op", "room": c.room, "seq": n, "kind": kind,
                            "op_id": op_id, "by": f"p{c.idx}",
                            "data": {"id": nid, "section": "challenges", "kind": "cards",
                                     "text": "bench", "answer": "", "actors": [], "step": None,
                                     "x": 10.0, "y": 10.0, "colour": "yellow",
                                     "author": f"p{c.idx}", "private": False, "version": n,
                                     **data}})
                    else:
                        await c.op(kind, data, op_id=op_id, wait=False)
                except ConnectionError:
                    return
                sent_count[0] += 1
                n += 1
                nxt += period

        await asyncio.gather(*(sender(c, nid, i) for i, (c, nid) in enumerate(sender_list)))
        send_window = now() - w0
        expected = sent_count[0] * (per_room - 1)
        drain_end = now() + cfg["drain_seconds"]
        while shared.received < expected and now() < drain_end:
            await asyncio.sleep(0.05)
        window = now() - w0
        cpu = cpu_seconds(cfg["server_pid"]) - cpu0
        loop_cpu = cpu_seconds(cfg["server_pid"], cfg["server_pid"]) - loop_cpu0
        loop_wait = runqueue_wait_seconds(cfg["server_pid"], cfg["server_pid"]) - loop_wait0
        busy1, total1 = machine_cpu_seconds()
        own = time.process_time() - own0
        shared.recording = False
        st = percentiles(shared.lat)
        st.update({
            "offered_ops_per_s": rate,
            "sent_ops": sent_count[0],
            "achieved_ops_per_s": round(sent_count[0] / send_window, 1),
            "expected_deliveries": expected,
            "deliveries": shared.received,
            "delivered_fraction": round(shared.received / expected, 4) if expected else None,
            "deliveries_per_s": round(shared.received / window, 1),
            "server_cpu_pct": round(100 * cpu / window, 1),
            "server_loop_thread_cpu_pct": round(100 * loop_cpu / window, 1),
            # CPU per op, not per second: comparable between servers at any rate.
            "server_cpu_ms_per_op": round(1000 * cpu / sent_count[0], 3) if sent_count[0] else None,
            # Near 100 %, the load generator, not the server, sets the latency.
            "loadgen_cpu_pct": round(100 * own / window, 1),
            # Ready to run, but every core was taken (by the server's other threads or the
            # load generator): time the loop thread lost to the machine, not to its work.
            "server_loop_thread_runq_wait_pct": round(100 * loop_wait / window, 1),
            # Of all cores together: where this nears 100 %, the machine is full.
            "machine_cpu_busy_pct": round(100 * (busy1 - busy0) / max(1e-9, total1 - total0), 1),
            "errors": dict(shared.errors),
        })
        print(f"  [{cfg['kind']}] rate {rate} ops/s: p50 {st['p50_ms']} p99 {st['p99_ms']} ms, "
              f"{st['deliveries_per_s']} deliveries/s, delivered {st['delivered_fraction']}, "
              f"cpu {st['server_cpu_pct']}% ({st['server_cpu_ms_per_op']} ms/op; "
              f"loop thread {st['server_loop_thread_cpu_pct']}%), "
              f"load generator cpu {st['loadgen_cpu_pct']}%, "
              f"machine {st['machine_cpu_busy_pct']}% busy", file=sys.stderr, flush=True)
        st["under_target"] = under_target(st)
        await asyncio.sleep(0.5)
        return st

    steps: list[dict[str, Any]] = []
    generator_behind = False
    for rate in rates_to_try(cfg["rates"], cfg["extra_steps"]):
        if rate not in cfg["rates"]:
            last = steps[-1]
            if not last["under_target"]:
                break   # the grid ended on a miss: nothing to look for above it
            if last["achieved_ops_per_s"] < 0.95 * last["offered_ops_per_s"]:
                # A higher rate would measure the generator, not the server.
                generator_behind = True
                break
        st = await run_step(rate)
        steps.append(st)
        if (st["p99_ms"] or 0) > 3000 or (st["delivered_fraction"] or 0) < 0.5:
            break   # saturated far past the target; further steps only take longer
        if len(steps) >= 2 and not any(s["under_target"] for s in steps[-2:]):
            break   # two steps in a row past the target: the capacity is found
    # Passing the last step tried means the server's capacity lies above it: what this
    # run found is a lower bound.
    capacity_found = not steps[-1]["under_target"]
    # Near the knee the grid is a few hundred ops/s apart, so the capacity it finds is
    # only known to within a step: halve the gap above the best passing step, twice,
    # unless it is under 100 ops/s already.
    for _ in range(cfg["refine_steps"]):
        gap = knee(steps)
        if gap is None or gap[1] - gap[0] < 100:
            break
        steps.append(await run_step(round((gap[0] + gap[1]) / 2)))
    steps.sort(key=lambda s: s["offered_ops_per_s"])
    gc.enable()
    if keepalive is not None:
        keepalive.cancel()
    ok = [s["offered_ops_per_s"] for s in steps if s["under_target"]]
    await gather_bounded([c.close() for c in conns], 200)
    return {"kind": cfg["kind"], "rooms": rooms, "clients_per_room": per_room,
            "senders_per_room": senders, "connections": len(conns),
            "setup_s": round(setup_s, 2), "connect_s": round(connect_s, 2),
            "steps": steps, "max_rate_p99_under_50ms": max(ok) if ok else None,
            "capacity_found": capacity_found, "generator_behind": generator_behind}


def next_op(note_id: str, n: int, update_share: float) -> tuple[str, dict[str, Any]]:
    """A sender's n-th op: a ``note.update`` of the text for ``update_share`` of them,
    spread evenly, else a ``note.move`` to a random place."""
    if int((n + 1) * update_share) > int(n * update_share):
        return "note.update", {"id": note_id, "text": f"bench {n}"}
    return "note.move", {"id": note_id, "x": round(random.uniform(0, 1500), 1),
                         "y": round(random.uniform(0, 900), 1)}


def rates_to_try(grid: list[float], extra_steps: int) -> list[float]:
    """The grid, then up to ``extra_steps`` more rates above it, each a grid's last gap
    further (a faster VM can hold the grid's top rate; the caller stops at the first
    miss)."""
    gap = grid[-1] - grid[-2] if len(grid) >= 2 else grid[-1]
    return [*grid, *(grid[-1] + gap * n for n in range(1, extra_steps + 1))]


def knee(steps: list[dict[str, Any]]) -> tuple[float, float] | None:
    """The highest rate under the target and the lowest rate above it that is not."""
    passed = [s["offered_ops_per_s"] for s in steps if s["under_target"]]
    if not passed:
        return None
    best = max(passed)
    failed = [s["offered_ops_per_s"] for s in steps
              if not s["under_target"] and s["offered_ops_per_s"] > best]
    return (best, min(failed)) if failed else None


def under_target(step: dict[str, Any]) -> bool:
    """p99 under 50 ms with more than 99 % delivered: the step the capacity counts."""
    return step["p99_ms"] is not None and step["p99_ms"] < 50 \
        and (step["delivered_fraction"] or 0) > 0.99


# --- scenario: drag storm -------------------------------------------------------------------

async def drag(cfg: dict[str, Any]) -> dict[str, Any]:
    members, senders, hz, duration = cfg["members"], cfg["senders"], cfg["hz"], cfg["seconds"]
    shared = Shared()
    conns = await one_group_online(cfg, members, shared)
    notes = [str(uuid.uuid4()) for _ in range(senders)]
    for c, nid in zip(conns, notes):
        await c.op("note.create", {"id": nid, "section": "challenges", "text": "drag"})
    await asyncio.sleep(1.0)
    shared.recording = True
    sent = [0]
    cpu0, rss0, w0 = cpu_seconds(cfg["server_pid"]), rss_mb(cfg["server_pid"]), now()
    end = w0 + duration

    async def dragger(c: Conn, nid: str) -> None:
        n, nxt = 0, now() + random.random() / hz
        while nxt < end and n < 100_000:
            delay = nxt - now()
            if delay > 0:
                await asyncio.sleep(delay)
            x, y = float(n % 1500), float(n // 1500)
            shared.sent[(nid, x, y)] = (now(), c.idx)
            c.send({"type": "drag", "room": c.room, "id": nid, "x": x, "y": y})
            sent[0] += 1
            n += 1
            nxt += 1 / hz

    await asyncio.gather(*(dragger(c, nid) for c, nid in zip(conns, notes)))
    expected = sent[0] * (members - 1)
    drain_end = now() + 2
    while shared.received < expected and now() < drain_end:
        await asyncio.sleep(0.05)
    window = now() - w0
    cpu = cpu_seconds(cfg["server_pid"]) - cpu0
    st = percentiles(shared.lat)
    st.update({"members": members, "senders": senders, "hz": hz, "seconds": duration,
               "drags_sent": sent[0], "expected_deliveries": expected,
               "deliveries": shared.received,
               "delivered_fraction": round(shared.received / expected, 4) if expected else None,
               "deliveries_per_s": round(shared.received / window, 1),
               "server_cpu_pct": round(100 * cpu / window, 1),
               "server_rss_mb": round(rss_mb(cfg["server_pid"]), 1),
               "server_rss_start_mb": round(rss0, 1)})
    await gather_bounded([c.close() for c in conns], 50)
    return st


# --- scenario: idle connections ------------------------------------------------------------

async def idle(cfg: dict[str, Any]) -> dict[str, Any]:
    total, per_ws = cfg["connections"], cfg["per_workshop"]
    per_group = 10
    groups_per_ws = max(1, per_ws // per_group)
    rooms = -(-total // per_group)
    t0 = now()
    async with httpx.AsyncClient(base_url=cfg["base_url"], timeout=60) as http:
        groups = await make_groups(http, rooms, per_group, groups_per_ws, False)
    setup_s = now() - t0
    specs = [(g["code"], tok) for g in groups for tok in g["tokens"]][:total]
    await asyncio.sleep(1.0)
    rss0 = rss_mb(cfg["server_pid"])
    failures = [0]
    socks: list[Any] = []

    async def open_one(code: str, tok: str) -> None:
        try:
            sock = await connect_flipchart(cfg["ws_base"], code, tok)
            sock.start()   # past the welcome, presence frames are read and dropped
            socks.append(sock)
        except Exception:  # noqa: BLE001
            failures[0] += 1

    t1 = now()
    cpu0 = cpu_seconds(cfg["server_pid"])
    await gather_bounded([open_one(c, t) for c, t in specs], cfg.get("concurrency", 50))
    connect_s = now() - t1
    cpu = cpu_seconds(cfg["server_pid"]) - cpu0
    # Let presence broadcasts settle (each socket reads them in its callbacks).
    await asyncio.sleep(3.0)
    rss1 = rss_mb(cfg["server_pid"])
    opened = len(socks)
    await gather_bounded([asyncio.wait_for(s.close(), 3) for s in socks], 200)
    return {"requested": total, "opened": opened, "failed": failures[0],
            "participants_setup_s": round(setup_s, 2),
            "connect_s": round(connect_s, 2),
            "handshakes_per_s": round(opened / connect_s, 1) if connect_s else None,
            "server_cpu_pct_during_connect": round(100 * cpu / connect_s, 1) if connect_s else None,
            "rss_before_mb": round(rss0, 1), "rss_after_mb": round(rss1, 1),
            "rss_delta_mb": round(rss1 - rss0, 1),
            "kb_per_connection": round((rss1 - rss0) * 1024 / opened, 1) if opened else None,
            "per_workshop": per_ws}


# --- scenario: op -> ack --------------------------------------------------------------------

async def ack(cfg: dict[str, Any]) -> dict[str, Any]:
    shared = Shared()
    conns = await one_group_online(cfg, cfg.get("members", 1), shared)
    c = conns[0]
    nid = str(uuid.uuid4())
    await c.op("note.create", {"id": nid, "section": "challenges", "text": "ack"})
    lat = []
    create_lat = []
    errors = 0
    deadline = now() + cfg.get("max_seconds", 60)
    for n in range(cfg["warmup"] + cfg["ops"]):
        if now() > deadline:
            break
        t = now()
        r = await c.op("note.move", {"id": nid, "x": float(n % 1500), "y": 5.0})
        dt = now() - t
        if r is None or r.get("type") != "ack":
            errors += 1
        elif n >= cfg["warmup"]:
            lat.append(dt)
    for n in range(min(100, cfg["ops"])):
        if now() > deadline:
            break
        t = now()
        r = await c.op("note.create", {"section": "challenges", "text": f"n{n}"})
        if r and r.get("type") == "ack":
            create_lat.append(now() - t)
    await gather_bounded([x.close() for x in conns], 50)
    out = percentiles(lat)
    out["errors"] = errors
    out["note_create"] = percentiles(create_lat)
    return out


async def main() -> None:
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    # The scenario modules beside this one (bench/peer.py, conference.py, storm.py) import
    # this file as `load`: let them share this copy rather than load a second one.
    sys.modules.setdefault("load", sys.modules[__name__])
    scenarios = {"fanout": fanout, "drag": drag, "idle": idle, "ack": ack}
    if cfg["scenario"] in scenarios:
        scenario = scenarios[cfg["scenario"]]
    else:   # a scenario module's load side: bench/<scenario>.py's `load(cfg)`
        import importlib
        scenario = importlib.import_module(cfg["scenario"]).load
    result = await asyncio.wait_for(scenario(cfg), cfg.get("timeout", 600))
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    uvloop.run(main())
