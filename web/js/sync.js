// SyncClient: one WebSocket per workshop page, a local copy of each room, unacknowledged ops resent, and a socket that must prove it is alive.
//
// Plain ES module, no dependencies. Every browser object it uses (WebSocket, timers, window,
// document, location, navigator) can be passed to the constructor, so node can test it;
// none is touched when the module loads, because node has no window, location or WebSocket.

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

import { emptyRoom, applyEvent, showOptimistic } from "./rooms.js";

// WebSocket.OPEN, written out because node has no WebSocket to read it from.
const OPEN = 1;

// Milliseconds. A healthy server answers a ping at once, so two unanswered ping periods
// mean the socket is dead even if the browser still calls it open; after the browser says
// the network is back (or the tab wakes up) we cannot wait that long, hence the probe.
export const TIMING = Object.freeze({
  pingEvery: 10000,      // heartbeat period while a socket is welcomed
  silentFor: 20000,      // a ping unanswered this long (and nothing else heard) replaces the socket
  probeFor: 3000,        // after `online` or the tab becoming visible: answer within this or be replaced
  welcomeWithin: 10000,  // a socket that has not been welcomed by then is replaced
  maxBackoff: 15000,
});

// Close code the client uses when it gives up on a socket itself (4000-4999 are free to use).
export const CLOSE_STALE = 4000;

const systemClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(id),
};

export class SyncClient {
  // Only code and token are needed in a page; the rest replace browser globals in tests.
  // `events` stands for both `window` and `document` when one fake target is enough.
  constructor({ code, token, role = null, view = null, socketFactory, clock, window: win, document: doc,
                events, location: loc, navigator: nav, random, timing } = {}) {
    this.code = code;
    this.token = token;
    this.role = role;
    this.view = view;               // a group id: a facilitator's read-only look at it
    this.rooms = new Map();         // room -> state
    this.pending = new Map();       // op_id -> op frame (unacknowledged), in the order written
    this.undos = new Map();         // op_id -> how to undo its optimistic change
    this.listeners = new Map();     // event -> Set<fn>
    this.offset = 0;                // server clock - local clock (seconds)
    this.state = "connecting";      // connecting | connected | reconnecting | offline
    this.you = null;
    this.workshop = null;
    this.ws = null;
    this.welcomed = false;          // the current socket has had its welcome
    this.attempt = 0;
    this.closedForGood = false;
    this.pingId = 0;
    this.pingsOut = new Map();      // ping id -> local time sent, for the clock offset
    this.awaitingSince = null;      // when the oldest ping not followed by any frame was sent
    this.pingTimer = null;
    this.probeTimer = null;
    this.welcomeTimer = null;
    this.retryTimer = null;

    this.socketFactory = socketFactory || ((url) => new globalThis.WebSocket(url));
    this.clock = clock || systemClock;
    this.random = random || Math.random;
    this.location = loc || globalThis.location;
    this.timing = { ...TIMING, ...timing };
    const navigatorLike = nav || globalThis.navigator;
    this.browserOnline = navigatorLike?.onLine !== false;
    this.win = win || events || globalThis.window || null;
    this.doc = doc || events || globalThis.document || null;
    this.win?.addEventListener?.("online", () => this._onOnline());
    this.win?.addEventListener?.("offline", () => this._onOffline());
    this.doc?.addEventListener?.("visibilitychange", () => this._onVisibility());
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

  now() { return this.clock.now() / 1000 + this.offset; }

  get waiting() { return this.pending.size; }

  _setState(state) {
    this.state = state;
    this._status();
  }

  _status() { this.emit("status", { state: this.state, waiting: this.pending.size }); }

  // --- connection -----------------------------------------------------------------------
  _url() {
    const loc = this.location || {};
    const proto = loc.protocol === "https:" ? "wss:" : "ws:";
    // The server words its error frames in the page's language (<html lang>, set by i18n.js).
    const lang = globalThis.document?.documentElement?.lang;
    const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
    return `${proto}//${loc.host}/ws/workshops/${encodeURIComponent(this.code)}${query}`;
  }

  connect() {
    this.closedForGood = false;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // A page that calls connect() twice must not leave the first socket running unseen.
    const old = this._detach();
    if (old) { try { old.close(CLOSE_STALE, "replaced"); } catch { /* already closing */ } }
    let ws;
    try {
      ws = this.socketFactory(this._url());
    } catch (err) {
      console.error(err);
      this._scheduleReconnect();
      return;
    }
    this.ws = ws;
    if (!this.browserOnline) this._setState("offline");
    else if (this.state !== "connecting") this._setState("reconnecting");
    // Opening can hang without ever failing (a phone waking up, a captive portal), and the
    // browser's own timeout is minutes long.
    this.welcomeTimer = this.clock.setTimeout(() => {
      this.welcomeTimer = null;
      if (this.ws === ws && !this.welcomed) this._replace(ws, "no welcome in time");
    }, this.timing.welcomeWithin);
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      const since = {};
      for (const [name, r] of this.rooms) if (r.loaded) since[name] = r.seq;
      const hello = { type: "hello", token: this.token, since };
      if (this.role) hello.role = this.role;
      if (this.view) hello.view = this.view;
      try { ws.send(JSON.stringify(hello)); } catch { /* its close event follows */ }
    });
    ws.addEventListener("message", (ev) => {
      // A socket we have replaced may still deliver; its frames could undo newer state.
      if (this.ws !== ws) return;
      this._heard();
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this._handle(msg);
    });
    ws.addEventListener("close", (ev) => {
      if (this.ws !== ws) return;
      this._detach();
      if (ev.code === 4401 || ev.code === 4404) {
        this.closedForGood = true;
        this._setState("offline");
        this.emit("unauthorized", ev);
        return;
      }
      // 4403: the facilitator removed this participant; their token opens nothing now.
      if (ev.code === 4403) {
        this.closedForGood = true;
        this._setState("offline");
        this.emit("removed", ev);
        return;
      }
      // 4410: the workshop was deleted (by its facilitator, or its retention ran out).
      if (ev.code === 4410) {
        this.closedForGood = true;
        this._setState("offline");
        this.emit("deleted", ev);
        return;
      }
      // 4429: this participant opened more sockets than the server allows and this, the
      // oldest, was pushed out (or a throttled hello). Reconnecting would push out another.
      if (ev.code === 4429) {
        this.closedForGood = true;
        this._setState("offline");
        this.emit("replaced", ev);
        return;
      }
      // 4412: the server moved us to other rooms and wants us back at once.
      this._lost(ev.code === 4412);
    });
  }

  close() {
    this.closedForGood = true;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this._detach();
    if (ws) {
      try { ws.close(1000); } catch { /* already closing */ }
      this._clearPresence();
    }
  }

  // Never a no-op: an open socket is asked to prove it is alive, a missing one is opened.
  reconnectNow() { this._probe(); }

  // Forgets the current socket and its timers; returns it so the caller can close it.
  _detach() {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    this.awaitingSince = null;
    this.pingsOut.clear();
    this.clock.clearInterval(this.pingTimer);
    this.clock.clearTimeout(this.probeTimer);
    this.clock.clearTimeout(this.welcomeTimer);
    this.pingTimer = this.probeTimer = this.welcomeTimer = null;
    return ws;
  }

  // The socket looks open but has stopped answering: close it ourselves and start again.
  _replace(ws, reason) {
    if (this.ws !== ws) return;
    this._detach();
    try { ws.close(CLOSE_STALE, reason); } catch { /* already closing */ }
    this._lost(false);
  }

  _lost(soon) {
    this._clearPresence();
    if (!this.closedForGood) this._scheduleReconnect(soon);
  }

  _clearPresence() {
    for (const [name, r] of this.rooms) {
      if (r.presence.length) { r.presence = []; this.emit("presence", { room: name, members: [] }); }
    }
  }

  _scheduleReconnect(soon = false) {
    this.attempt += 1;
    this._setState(this.browserOnline ? "reconnecting" : "offline");
    const base = Math.min(this.timing.maxBackoff, 500 * 2 ** Math.min(this.attempt, 5));
    // Jitter spreads a room's reconnects when the server drops everyone at once.
    const delay = soon ? this.random() * 300 : base / 2 + this.random() * base / 2;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.clock.setTimeout(() => { this.retryTimer = null; this.connect(); }, delay);
  }

  // Any frame proves the socket works, whatever the browser said about the network.
  _heard() {
    this.awaitingSince = null;
    this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = null;
    if (this.welcomed && this.state !== "connected") this._setState("connected");
  }

  _beat() {
    const ws = this.ws;
    if (!ws || !this.welcomed) return;
    // Measured from the unanswered ping, not from the last frame, so a background tab
    // whose timers were throttled for a minute does not condemn a healthy socket.
    if (ws.readyState > OPEN ||
        (this.awaitingSince !== null && this.clock.now() - this.awaitingSince >= this.timing.silentFor)) {
      this._replace(ws, "no answer to ping");
      return;
    }
    this._ping();
  }

  _ping() {
    const id = ++this.pingId;
    if (!this._send({ type: "ping", id })) return false;
    const at = this.clock.now();
    this.pingsOut.set(id, at);
    if (this.pingsOut.size > 16) this.pingsOut.delete(this.pingsOut.keys().next().value);
    if (this.awaitingSince === null) this.awaitingSince = at;
    return true;
  }

  // Asks the socket to answer within a few seconds, or opens a new one now.
  _probe() {
    if (this.closedForGood) return;
    const ws = this.ws;
    if (!ws) {
      this.attempt = 0;
      this.connect();
      return;
    }
    if (ws.readyState > OPEN) { this._replace(ws, "socket closing"); return; }
    // A socket still opening is watched by the welcome deadline; a ping would come before hello.
    if (!this.welcomed) return;
    if (!this._ping()) { this._replace(ws, "cannot send"); return; }
    if (this.probeTimer) return;
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = null;
      if (this.ws === ws && this.awaitingSince !== null) this._replace(ws, "no answer to probe");
    }, this.timing.probeFor);
  }

  _onOnline() {
    this.browserOnline = true;
    if (this.closedForGood) return;
    // We do not know yet whether the socket survived; the probe settles it within seconds.
    if (this.state === "offline") this._setState("reconnecting");
    this._probe();
  }

  _onOffline() {
    this.browserOnline = false;
    if (this.closedForGood) return;
    this._setState("offline");
    // Sending goes on: a short blip often leaves the socket working, and a ping now lets
    // its answer put the badge back to "connected" instead of waiting for the heartbeat.
    if (this.welcomed) this._ping();
  }

  _onVisibility() {
    if (this.doc?.visibilityState === "hidden") return;
    // Phones freeze background tabs; the socket may have died without a close event.
    this._probe();
  }

  // Sends on the current socket once it is open and welcomed, whatever `state` says:
  // the state is for people, and a stale "offline" must never hold a write back.
  _send(frame) {
    const ws = this.ws;
    if (!ws || !this.welcomed || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  // --- outgoing -------------------------------------------------------------------------
  op(room, kind, data) {
    const frame = { type: "op", op_id: uuid(), room, kind, data };
    this.pending.set(frame.op_id, frame);
    if (this._optimistic(frame)) this.emit("change", { room, kind, data: this.room(room).notes.get(data.id) || data, local: true });
    this._send(frame); // if not sent now, the next welcome sends it
    this._status();
    return frame.op_id;
  }

  drag(room, id, x, y) { this._send({ type: "drag", room, id, x, y }); }

  presence(room, editing) { this._send({ type: "presence", room, editing: editing || null }); }

  // --- incoming -------------------------------------------------------------------------
  _clock(serverNow, sentAt = null) {
    if (typeof serverNow !== "number") return;
    const received = this.clock.now();
    // With a ping's round trip the server's reading is taken to be from its midpoint.
    const local = sentAt === null ? received : (sentAt + received) / 2;
    this.offset = serverNow - local / 1000;
  }

  _handle(msg) {
    switch (msg.type) {
      case "welcome": {
        this.welcomed = true;
        this.clock.clearTimeout(this.welcomeTimer);
        this.welcomeTimer = null;
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
        this.clock.clearInterval(this.pingTimer);
        this.pingTimer = this.clock.setInterval(() => this._beat(), this.timing.pingEvery);
        this._ping();
        this.emit("welcome", msg);
        // The server dedupes by op_id, so an op that did arrive before is only acked again.
        for (const frame of this.pending.values()) {
          if (this.rooms.has(frame.room)) this._send(frame);
          else { this.pending.delete(frame.op_id); this.undos.delete(frame.op_id); }
        }
        this._status();
        break;
      }
      case "rooms": {
        // Moved to another group on the same socket: the old group's room goes, the new
        // one's snapshot follows. Pages redraw as after a welcome ("moved").
        this.you = msg.you;
        for (const name of [...this.rooms.keys()]) {
          if (!msg.rooms.includes(name)) this.rooms.delete(name);
        }
        for (const name of msg.rooms) this.room(name);
        this.emit("moved", msg);
        this._status();
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
        if (msg.clusters) r.clusters = msg.clusters;
        if (msg.cluster_view) r.clusterView = msg.cluster_view;
        if (msg.votes) r.votes = msg.votes;
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
          const now = this.clock.now();
          if (r.resyncFrom !== r.seq || now - r.resyncAt > 3000) {
            r.resyncFrom = r.seq;
            r.resyncAt = now;
            this._send({ type: "resync", room: msg.room, since: r.seq });
          }
          break;
        }
        r.resyncFrom = null;
        r.seq = msg.seq;
        r.loaded = true;
        if (msg.server_now) this._clock(msg.server_now);
        applyEvent(r, msg);
        if (msg.op_id && this.pending.has(msg.op_id)) {
          this.pending.delete(msg.op_id);
          this.undos.delete(msg.op_id);
          this._status();
        }
        this.emit("change", { room: msg.room, kind: msg.kind, data: msg.data, by: msg.by,
                              op_id: msg.op_id });
        break;
      }
      case "ack":
        this.undos.delete(msg.op_id);
        if (this.pending.delete(msg.op_id)) this._status();
        break;
      case "error":
        if (msg.op_id) { this._undo(this.pending.get(msg.op_id)); this.pending.delete(msg.op_id); }
        this.emit("error", msg);
        this._status();
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
      case "pong": {
        const sentAt = this.pingsOut.get(msg.id) ?? null;
        this.pingsOut.delete(msg.id);
        this._clock(msg.server_now, sentAt);
        this.emit("clock", this.offset);
        break;
      }
      default:
        break;
    }
  }

  // Note changes show at once, before the server confirms them; the server's event
  // (whole note) or a snapshot replaces them, and an error undoes them.
  _optimistic(frame) {
    const undo = showOptimistic(this.room(frame.room), frame, this.you);
    if (!undo) return false;
    // A resent op keeps the note as it was before its first showing.
    if (!this.undos.has(frame.op_id)) this.undos.set(frame.op_id, undo);
    return true;
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
