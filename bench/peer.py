"""Scenario ``peer``: Flipchart against a real peer, Hocuspocus, under the same load.

The peer is ``@hocuspocus/server`` with ``@hocuspocus/extension-sqlite`` (pinned in
``bench/peer/package.json`` and its lock file), run by ``bench/peer/server.mjs`` on the
machine's Node.js. The load generator (``bench/load.py``, one process, the fan-out's
stepping) drives both with the same scenario: R rooms × C clients, S senders per room,
each op moves the sender's note, latency to every *other* member of the room.

- Flipchart: a ``note.move`` op; delivered as the ``event`` frame each member receives.
- Hocuspocus: one Y.Doc per room (document ``room-<n>``); a move is a ``Y.Map`` set of the
  note's position (``notes[<note id>] = [x, y, "op=<op id>;"]``), encoded by ``pycrdt``
  in the client's own Y.Doc and sent as a y-protocols sync *update* message behind
  Hocuspocus's framing (the document name as a var-string, then the message type). Each
  client first authenticates (an Auth message with an empty token: the server has no
  ``onAuthenticate``) and does sync step 1 / step 2. Deliveries are the update broadcasts
  the other members receive; the op id travels inside the update's bytes, so receivers
  match it without decoding the Y.Doc update.

What each acknowledges: Flipchart sends the ack (and the event) after the op's transaction
is committed to SQLite (WAL, ``synchronous=NORMAL``). Hocuspocus acknowledges an update
(``SyncStatus``) and broadcasts it once it is applied in memory; the SQLite extension
stores the whole document ``debounce`` = 2,000 ms after its last change, and at the latest
``maxDebounce`` = 10,000 ms after its first unsaved one (``bench/peer/server.mjs``, the
defaults written out): an acked update can be lost for up to 10 s.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from common import fmt

BENCH = Path(__file__).resolve().parent
PEER_DIR = BENCH / "peer"
DEBOUNCE_MS, MAX_DEBOUNCE_MS = 2000, 10000   # as bench/peer/server.mjs sets them

# --- orchestration (run by bench/run.py) -------------------------------------------------


def peer_problem(install: bool = True) -> str | None:
    """Why the peer cannot run here, or None. Installs its npm packages (``npm ci``)
    when they are missing and ``install`` is set."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs)"
    modules = PEER_DIR / "node_modules"
    if not (modules / "@hocuspocus" / "server").is_dir() \
            or not (modules / "@hocuspocus" / "extension-sqlite").is_dir():
        if not install:
            return "bench/peer's npm packages are not installed (npm ci in bench/peer)"
        if shutil.which("npm") is None:
            return "npm is not installed (apt-get install npm)"
        print("peer: npm ci in bench/peer (builds better-sqlite3; a few minutes the first "
              "time)", flush=True)
        try:
            proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR,
                                  capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return "npm ci in bench/peer took over 15 minutes"
        if proc.returncode != 0:
            return f"npm ci in bench/peer failed: {proc.stderr[-800:]}"
    try:
        import picows  # noqa: F401
        import pycrdt  # noqa: F401
    except ImportError as exc:
        return f"the bench extra is not installed ({exc.name}): pip install -e '.[bench]'"
    return None


def node_version() -> str | None:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None


def peer_versions() -> dict[str, str]:
    import json
    out = {}
    for name in ("@hocuspocus/server", "@hocuspocus/extension-sqlite", "yjs", "better-sqlite3"):
        try:
            meta = json.loads((PEER_DIR / "node_modules" / name / "package.json").read_text())
            out[name] = meta["version"]
        except (OSError, ValueError, KeyError):
            pass
    try:
        import pycrdt
        out["pycrdt"] = pycrdt.__version__ if hasattr(pycrdt, "__version__") else "?"
    except ImportError:
        pass
    return out


def run(cfg: dict[str, Any], tmp: Path, with_server: Any, run_load: Any,
        sqlite_url: Any, budget: float) -> dict[str, Any]:
    """``cfg["pairs"]`` runs of Flipchart then Hocuspocus on the same fan-out; the pair with
    the median capacity ratio (Flipchart ÷ Hocuspocus) stands for the run."""
    problem = peer_problem()
    if problem:
        print(f"peer: skipped: {problem}", flush=True)
        return {"skipped": problem}
    fan = {k: cfg[k] for k in ("rooms", "clients", "senders_per_room", "rates",
                               "step_seconds", "drain_seconds", "groups_per_workshop",
                               "refine_steps", "extra_steps")}
    fan["update_share"] = 0.0   # every op moves a note
    pairs = []
    for n in range(1, cfg["pairs"] + 1):
        pair: dict[str, Any] = {}
        print(f"peer pair {n} of {cfg['pairs']}: Flipchart, {cfg['rooms']} rooms × "
              f"{cfg['clients']} clients, note.move", flush=True)
        pair["flipchart"] = with_server("flipchart", sqlite_url(tmp, f"peer-fc-{n}"),
                                        lambda s: run_load(s, "fanout", budget, **fan))
        print(f"peer pair {n} of {cfg['pairs']}: Hocuspocus, the same load", flush=True)
        db = str(tmp / f"peer-hp-{n}.sqlite")
        pair["hocuspocus"] = with_server("hocuspocus", db,
                                         lambda s: run_load(s, "fanout", budget, **fan))
        pair["summary"] = summarise(pair["flipchart"], pair["hocuspocus"])
        pairs.append(pair)
    rated = sorted((p for p in pairs if p["summary"].get("capacity_ratio") is not None),
                   key=lambda p: p["summary"]["capacity_ratio"])
    chosen = rated[len(rated) // 2] if rated else pairs[-1]
    return {
        "rooms": cfg["rooms"], "clients": cfg["clients"],
        "senders_per_room": cfg["senders_per_room"],
        "node": node_version(), "versions": peer_versions(),
        "acknowledges": {
            "flipchart": "after the op's transaction is committed to SQLite (WAL, "
                         "synchronous=NORMAL); the event is published after the commit too",
            "hocuspocus": f"when the update is applied in memory (SyncStatus), and it is "
                          f"broadcast then too; stored {DEBOUNCE_MS} ms after a document's "
                          f"last change, at most {MAX_DEBOUNCE_MS} ms after its first "
                          f"unsaved one (the whole document, one upsert)",
        },
        "pair": pairs.index(chosen) + 1,
        "capacity_ratios": [p["summary"].get("capacity_ratio") for p in pairs],
        **chosen,
        "pairs": pairs if len(pairs) > 1 else None,
    }


def summarise(fc: dict[str, Any], hp: dict[str, Any]) -> dict[str, Any]:
    def cap(r: dict[str, Any]) -> dict[str, Any] | None:
        ok = [s for s in r.get("steps", []) if s["under_target"]]
        return max(ok, key=lambda s: s["deliveries_per_s"]) if ok else None

    f, h = cap(fc), cap(hp)
    out: dict[str, Any] = {
        "flipchart_rate": f["offered_ops_per_s"] if f else None,
        "hocuspocus_rate": h["offered_ops_per_s"] if h else None,
        "flipchart_capacity": f["deliveries_per_s"] if f else None,
        "hocuspocus_capacity": h["deliveries_per_s"] if h else None,
        "flipchart_capacity_found": bool(fc.get("capacity_found")),
        "hocuspocus_capacity_found": bool(hp.get("capacity_found")),
    }
    out["capacity_ratio"] = round(f["deliveries_per_s"] / h["deliveries_per_s"], 3) \
        if f and h else None
    # A capacity not found (every step passed) is only a lower bound on that server's.
    out["ratio_is"] = {(True, True): "measured", (True, False): "upper",
                       (False, True): "lower"}.get(
        (out["flipchart_capacity_found"], out["hocuspocus_capacity_found"]), "unknown")
    for name, step in (("flipchart", f), ("hocuspocus", h)):
        if step:
            out[f"{name}_cpu_ms_per_op"] = step.get("server_cpu_ms_per_op")
            out[f"{name}_p99_ms"] = step.get("p99_ms")
    return out


# --- the load generator's side (imported by bench/load.py) --------------------------------

MSG_SYNC, MSG_AWARENESS, MSG_AUTH, MSG_QUERY_AWARENESS, MSG_SYNC_STATUS = 0, 1, 2, 3, 8
SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE = 0, 1, 2
AUTH_TOKEN, AUTH_DENIED, AUTH_OK = 0, 1, 2
# The op id inside an update's bytes: a Yjs string is stored as its UTF-8 bytes, so the
# receivers find it with one regex; ";" ends it (the byte after a string can be a digit).
MARK = re.compile(rb"op=([0-9a-f-]+);")


def var_uint(n: int) -> bytes:
    out = bytearray()
    while n > 127:
        out.append(128 | (n & 127))
        n >>= 7
    out.append(n)
    return bytes(out)


def var_bytes(b: bytes) -> bytes:
    return var_uint(len(b)) + b


def read_var_uint(buf: bytes, i: int) -> tuple[int, int]:
    n, shift = 0, 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 127) << shift
        shift += 7
        if b < 128:
            return n, i


def read_var_bytes(buf: bytes, i: int) -> tuple[bytes, int]:
    n, i = read_var_uint(buf, i)
    return buf[i:i + n], i + n


def make_conn_class(base: Any, frame_types: Any) -> Any:
    """A Hocuspocus client socket, built on load.py's ``Conn`` (its bookkeeping)."""
    from pycrdt import Doc, Map

    WSMsgType = frame_types

    class HocusConn(base):  # type: ignore[misc, valid-type]
        def __init__(self, idx: int, shared: Any, room: str) -> None:
            super().__init__(idx, shared, room)
            self.prefix = var_bytes(room.encode())
            self.doc = Doc()
            self.notes = self.doc.get("notes", type=Map)
            self.updates: list[bytes] = []
            self.doc.observe(lambda e: self.updates.append(e.update))
            self.authenticated = asyncio.get_running_loop().create_future()
            self.synced = asyncio.get_running_loop().create_future()
            self.acks = 0

        def send_bin(self, payload: bytes) -> None:
            if self.closed or self.transport is None:
                raise ConnectionError("the socket is closed")
            self.transport.send(WSMsgType.BINARY, self.prefix + payload)

        def hello(self) -> None:
            self.send_bin(bytes([MSG_AUTH, AUTH_TOKEN]) + var_bytes(b""))
            sv = self.doc.get_state()
            self.send_bin(bytes([MSG_SYNC, SYNC_STEP1]) + var_bytes(sv))

        def move(self, note_id: str, x: float, y: float, op_id: str) -> None:
            self.notes[note_id] = [x, y, f"op={op_id};"]
            update = self.updates.pop()
            self.updates.clear()
            self.send_bin(bytes([MSG_SYNC, SYNC_UPDATE]) + var_bytes(update))

        def keepalive(self) -> None:
            # Hocuspocus closes a socket that has sent nothing for its `timeout` (60 s);
            # a QueryAwareness is answered to the sender only, like Flipchart's ping.
            self.send_bin(bytes([MSG_QUERY_AWARENESS]))

        def on_ws_frame(self, transport: Any, frame: Any) -> None:
            t = time.perf_counter()
            if frame.msg_type == WSMsgType.CLOSE:
                transport.send_close(frame.get_close_code())
                transport.disconnect()
                return
            if frame.msg_type != WSMsgType.BINARY:
                return
            raw = frame.get_payload_as_bytes()
            sh = self.shared
            if self.reading:
                # The hot path: an update broadcast. Match every op id it carries (updates
                # that arrive in one turn of the server's loop go out merged).
                for m in MARK.finditer(raw):
                    hit = sh.sent.get(m.group(1))
                    if hit is not None and hit[1] != self.idx and sh.recording:
                        sh.lat.append(t - hit[0])
                        sh.received += 1
                return
            _, i = read_var_bytes(raw, 0)
            typ, i = read_var_uint(raw, i)
            if typ == MSG_AUTH:
                sub, i = read_var_uint(raw, i)
                if not self.authenticated.done():
                    if sub == AUTH_OK:
                        self.authenticated.set_result(True)
                    else:
                        self.authenticated.set_exception(RuntimeError("permission denied"))
            elif typ == MSG_SYNC:
                sub, i = read_var_uint(raw, i)
                if sub == SYNC_STEP1:
                    sv, _ = read_var_bytes(raw, i)
                    self.send_bin(bytes([MSG_SYNC, SYNC_STEP2])
                                  + var_bytes(self.doc.get_update(sv)))
                elif sub in (SYNC_STEP2, SYNC_UPDATE):
                    update, _ = read_var_bytes(raw, i)
                    if update != b"\x00\x00":
                        self.doc.apply_update(update)
                        self.updates.clear()
                    if sub == SYNC_STEP2 and not self.synced.done():
                        self.synced.set_result(True)
            elif typ == MSG_SYNC_STATUS:
                self.acks += 1

    return HocusConn


async def connect_hocus(load: Any, ws_base: str, idx: int, shared: Any, room: str) -> Any:
    """A client of document ``room``: authenticated and past sync step 2."""
    from picows import WSMsgType, ws_connect

    cls = getattr(load, "_HocusConn", None)
    if cls is None:
        cls = load._HocusConn = make_conn_class(load.Conn, WSMsgType)
    _, conn = await ws_connect(lambda: cls(idx, shared, room), f"{ws_base}/",
                               websocket_handshake_timeout=20, max_frame_size=2**22)
    conn.hello()
    await asyncio.wait_for(conn.authenticated, 20)
    await asyncio.wait_for(conn.synced, 20)
    return conn


async def keepalive_forever(conns: list[Any], every: float = 20.0) -> None:
    for _ in range(100_000):
        await asyncio.sleep(every)
        for c in conns:
            try:
                c.keepalive()
            except ConnectionError:
                pass


# --- report ---------------------------------------------------------------------------------

def markdown(r: dict[str, Any]) -> list[str]:
    if "skipped" in r:
        return ["## Peer: Flipchart against Hocuspocus", "", f"Skipped: {r['skipped']}."]
    s = r.get("summary", {})
    v = r.get("versions", {})
    prefix = {"upper": "≤ ", "lower": "≥ ", "unknown": "? "}.get(s.get("ratio_is", ""), "")
    lines = [f"## Peer: Flipchart against Hocuspocus — {r['rooms']} rooms × {r['clients']} "
             f"clients, {r['senders_per_room']} senders/room, every op a note move", "",
             f"Hocuspocus {v.get('@hocuspocus/server', '?')} with extension-sqlite "
             f"{v.get('@hocuspocus/extension-sqlite', '?')} (better-sqlite3 "
             f"{v.get('better-sqlite3', '?')}) on Node {r.get('node') or '?'}; the peer's "
             f"client: pycrdt {v.get('pycrdt', '?')}.", "",
             "| server | highest rate with p99 < 50 ms | capacity (deliveries/s) | p99 there "
             "| server CPU per op there | acknowledges an op |",
             "|---|---|---|---|---|---|"]
    acks = r.get("acknowledges", {})
    for name, label in (("flipchart", "Flipchart"), ("hocuspocus", "Hocuspocus")):
        found = "" if s.get(f"{name}_capacity_found") else " (held every step: a lower bound)"
        lines.append(f"| {label} | {fmt(s.get(f'{name}_rate'), ' ops/s')}{found} "
                     f"| {fmt(s.get(f'{name}_capacity'))} | {fmt(s.get(f'{name}_p99_ms'), ' ms')} "
                     f"| {fmt(s.get(f'{name}_cpu_ms_per_op'), ' ms')} | {acks.get(name, '')} |")
    ratios = ", ".join(fmt(x) for x in r.get("capacity_ratios", []))
    lines += ["", f"**Capacity ratio, Flipchart ÷ Hocuspocus: {prefix}{fmt(s.get('capacity_ratio'))}** "
              f"(every pair: {ratios}; target ≥ 1.0).", "",
              "| server | ops/s offered | sent | p50 ms | p99 ms | max ms | delivered "
              "| server CPU | ms/op | load generator CPU | machine busy |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("flipchart", "hocuspocus"):
        for st in r.get(name, {}).get("steps", []):
            lines.append(f"| {name} | {st['offered_ops_per_s']} | {fmt(st['achieved_ops_per_s'])} "
                         f"| {fmt(st['p50_ms'])} | {fmt(st['p99_ms'])} | {fmt(st['max_ms'])} "
                         f"| {fmt((st['delivered_fraction'] or 0) * 100, '%')} "
                         f"| {fmt(st['server_cpu_pct'], '%')} "
                         f"| {fmt(st.get('server_cpu_ms_per_op'))} "
                         f"| {fmt(st.get('loadgen_cpu_pct'), '%')} "
                         f"| {fmt(st.get('machine_cpu_busy_pct'), '%')} |")
    for name in ("flipchart", "hocuspocus"):
        if "error" in r.get(name, {}):
            lines.append(f"\n{name}: {r[name]['error']}")
    return lines
