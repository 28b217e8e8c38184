// SyncClient: one WebSocket to the workshop, a local store per room, reconnects with
// backoff, keeps unacknowledged ops and resends them, detects seq gaps and resyncs.
// Plain ES module, no dependencies.

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function emptyRoom(name) {
  return { name, seq: 0, notes: new Map(), fields: {}, phase: null, roster: null,
           spotlight: null, presence: [], loaded: false };
}

export class SyncClient {
  constructor({ code, token, role = null }) {
    this.code = code;
    this.token = token;
    this.role = role;
    this.rooms = new Map();         // room -> state
    this.pending = new Map();       // op_id -> op frame (unacknowledged)
    this.undos = new Map();         // op_id -> how to undo its optimistic change
    this.listeners = new Map();     // event -> Set<fn>
    this.offset = 0;                // server clock - local clock (seconds)
    this.state = "connecting";      // connecting | connected | reconnecting | offline
    this.you = null;
    this.workshop = null;
    this.ws = null;
    this.attempt = 0;
    this.closedForGood = false;
    this.pingTimer = null;
    this.pingId = 0;
    this.retryTimer = null;
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this._setState("offline"));
  }

  // --- events ---------------------------------------------------------------------------
  on(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(fn);
    return () => this.listeners.get(name).delete(fn);
  }

  emit(name, ...args) {
    for (const fn of this.listeners.get(name) || []) {
      try { fn(...args); } catch (err) { console.error(err); }
    }
  }

  room(name) {
    if (!this.rooms.has(name)) this.rooms.set(name, emptyRoom(name));
    return this.rooms.get(name);
  }

  now() { return Date.now() / 1000 + this.offset; }

  get waiting() { return this.pending.size; }

  _setState(state) {
    this.state = state;
    this.emit("status", { state, waiting: this.pending.size });
  }

  // --- connection -----------------------------------------------------------------------
  connect() {
    this.closedForGood = false;
    clearTimeout(this.retryTimer);
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}/ws/workshops/${encodeURIComponent(this.code)}`);
    this.ws = ws;
    ws.addEventListener("open", () => {
      const since = {};
      for (const [name, r] of this.rooms) if (r.loaded) since[name] = r.seq;
      const hello = { type: "hello", token: this.token, since };
      if (this.role) hello.role = this.role;
      ws.send(JSON.stringify(hello));
    });
    ws.addEventListener("message", (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this._handle(msg);
    });
    ws.addEventListener("close", (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      if (ev.code === 4401) {
        this.closedForGood = true;
        this._setState("offline");
        this.emit("unauthorized", ev);
        return;
      }
      for (const [name, r] of this.rooms) {
        if (r.presence.length) { r.presence = []; this.emit("presence", { room: name, members: [] }); }
      }
      if (this.closedForGood) return;
      this._scheduleReconnect();
    });
  }

  close() {
    this.closedForGood = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close(1000);
  }

  reconnectNow() {
    if (this.closedForGood || (this.ws && this.ws.readyState <= 1)) return;
    this.attempt = 0;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  _scheduleReconnect() {
    this.attempt += 1;
    this._setState(navigator.onLine === false ? "offline" : "reconnecting");
    const base = Math.min(15000, 500 * 2 ** Math.min(this.attempt, 5));
    const delay = base / 2 + Math.random() * base / 2;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  _send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.state === "connected") {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  // --- outgoing -------------------------------------------------------------------------
  op(room, kind, data) {
    const frame = { type: "op", op_id: uuid(), room, kind, data };
    this.pending.set(frame.op_id, frame);
    if (this._optimistic(frame)) this.emit("change", { room, kind, data: this.room(room).notes.get(data.id) || data, local: true });
    this._send(frame);
    this.emit("status", { state: this.state, waiting: this.pending.size });
    return frame.op_id;
  }

  drag(room, id, x, y) { this._send({ type: "drag", room, id, x, y }); }

  presence(room, editing) { this._send({ type: "presence", room, editing: editing || null }); }

  // --- incoming -------------------------------------------------------------------------
  _clock(serverNow) {
    if (typeof serverNow === "number") this.offset = serverNow - Date.now() / 1000;
  }

  _handle(msg) {
    switch (msg.type) {
      case "welcome": {
        this.attempt = 0;
        this.you = msg.you;
        this.workshop = msg.workshop;
        this._clock(msg.server_now);
        // Rooms we are no longer in (moved to another group) are dropped.
        for (const name of [...this.rooms.keys()]) {
          if (!msg.rooms.includes(name)) this.rooms.delete(name);
        }
        for (const name of msg.rooms) this.room(name);
        this._setState("connected");
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this._send({ type: "ping", id: ++this.pingId }), 15000);
        this._send({ type: "ping", id: ++this.pingId });
        this.emit("welcome", msg);
        for (const frame of this.pending.values()) {
          if (this.rooms.has(frame.room)) this._send(frame);
          else this.pending.delete(frame.op_id);
        }
        break;
      }
      case "snapshot": {
        this._clock(msg.server_now);
        const r = this.room(msg.room);
        r.seq = msg.seq;
        r.notes = new Map((msg.notes || []).map((n) => [n.id, n]));
        r.fields = msg.fields || {};
        if (msg.phase !== undefined && msg.phase !== null) r.phase = msg.phase;
        if (msg.roster) r.roster = msg.roster;
        if ("spotlight" in msg) r.spotlight = msg.spotlight;
        r.loaded = true;
        r.resyncFrom = null;
        for (const frame of this.pending.values()) if (frame.room === msg.room) this._optimistic(frame);
        this.emit("change", { room: msg.room, kind: "snapshot" });
        break;
      }
      case "event": {
        const r = this.room(msg.room);
        if (r.loaded && msg.seq <= r.seq) break; // already seen
        if (r.loaded && msg.seq > r.seq + 1) {
          // A gap: ask for the missing events once, drop this one (it will be replayed).
          if (r.resyncFrom !== r.seq || Date.now() - r.resyncAt > 3000) {
            r.resyncFrom = r.seq;
            r.resyncAt = Date.now();
            this._send({ type: "resync", room: msg.room, since: r.seq });
          }
          break;
        }
        r.resyncFrom = null;
        r.seq = msg.seq;
        r.loaded = true;
        if (msg.server_now) this._clock(msg.server_now);
        this._apply(r, msg);
        if (msg.op_id && this.pending.has(msg.op_id)) {
          this.pending.delete(msg.op_id);
          this.undos.delete(msg.op_id);
          this.emit("status", { state: this.state, waiting: this.pending.size });
        }
        this.emit("change", { room: msg.room, kind: msg.kind, data: msg.data, by: msg.by,
                              op_id: msg.op_id });
        break;
      }
      case "ack":
        this.undos.delete(msg.op_id);
        if (this.pending.delete(msg.op_id)) {
          this.emit("status", { state: this.state, waiting: this.pending.size });
        }
        break;
      case "error":
        if (msg.op_id) { this._undo(this.pending.get(msg.op_id)); this.pending.delete(msg.op_id); }
        this.emit("error", msg);
        this.emit("status", { state: this.state, waiting: this.pending.size });
        break;
      case "presence": {
        const r = this.room(msg.room);
        r.presence = msg.members || [];
        this.emit("presence", { room: msg.room, members: r.presence });
        break;
      }
      case "drag":
        this.emit("drag", msg);
        break;
      case "pong":
        this._clock(msg.server_now);
        this.emit("clock", this.offset);
        break;
      default:
        break;
    }
  }

  _apply(r, msg) {
    const d = msg.data || {};
    switch (msg.kind) {
      case "note.create":
      case "note.update":
      case "note.move":
      case "note.reorder": {
        const { renumbered, ...note } = d;
        r.notes.set(note.id, note);
        this._renumber(r, renumbered);
        break;
      }
      case "note.delete":
        r.notes.delete(d.id);
        this._renumber(r, d.renumbered);
        break;
      case "notes.reveal":
        for (const n of d.notes || []) r.notes.set(n.id, n);
        break;
      case "field.set":
      case "pick.set":
        r.fields[d.key] = d;
        break;
      case "phase":
      case "phase.warning":
        r.phase = d;
        break;
      case "roster":
        r.roster = d;
        break;
      case "spotlight":
        r.spotlight = d.group_id ?? null;
        break;
      default:
        break; // "hidden" and unknown kinds only advance seq
    }
  }

  // Note changes show at once, before the server confirms them; the server's event
  // (whole note) or a snapshot replaces them, and an error undoes them.
  _optimistic(frame) {
    const r = this.room(frame.room);
    const d = frame.data || {};
    const cur = r.notes.get(d.id);
    switch (frame.kind) {
      case "note.create":
        if (cur) return false;
        this.undos.set(frame.op_id, { id: d.id, note: null });
        r.notes.set(d.id, { text: "", answer: "", actors: [], colour: "yellow", step: null, private: false,
                            author: this.you?.id, author_name: this.you?.name, version: 0, ...d, pending: true });
        return true;
      case "note.update":
      case "note.move":
        if (!cur) return false;
        if (!this.undos.has(frame.op_id)) this.undos.set(frame.op_id, { id: d.id, note: cur });
        r.notes.set(d.id, { ...cur, ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && v !== null)) });
        return true;
      case "note.delete":
        if (!cur) return false;
        if (!this.undos.has(frame.op_id)) this.undos.set(frame.op_id, { id: d.id, note: cur });
        r.notes.delete(d.id);
        return true;
      default:
        return false;
    }
  }

  _undo(frame) {
    const undo = frame && this.undos.get(frame.op_id);
    if (!undo) return;
    this.undos.delete(frame.op_id);
    const r = this.room(frame.room);
    if (undo.note) r.notes.set(undo.id, undo.note);
    else r.notes.delete(undo.id);
    this.emit("change", { room: frame.room, kind: "undo", data: undo.note || { id: undo.id } });
  }

  _renumber(r, renumbered) {
    if (!renumbered) return;
    for (const [id, step] of Object.entries(renumbered)) {
      const n = r.notes.get(id);
      if (n) r.notes.set(id, { ...n, step });
    }
  }
}

// Seconds left in a phase view, corrected for the clock offset.
export function secondsLeft(phase, client) {
  if (!phase) return null;
  if (phase.status === "running" && phase.ends_at) {
    return Math.max(0, phase.ends_at - client.now());
  }
  if (phase.status === "paused" && phase.remaining != null) return Math.max(0, phase.remaining);
  if (phase.status === "timeup") return 0;
  return null;
}

export function formatClock(seconds) {
  if (seconds == null) return "";
  const s = Math.ceil(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}
