// Unit tests for web/js/sync.js: a fake socket, a manual clock and a fake window prove that
// the connection state never lies and that no write is held back. Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { SyncClient, TIMING, CLOSE_STALE, secondsLeft, formatClock, uuid } from "../../web/js/sync.js";
import { connectionBadge } from "../../web/js/api.js";
import { setMessages } from "../../web/js/i18n.js";

const WORKSHOP = "workshop:7";
const GROUP = "group:19";

// Timers that run only when the test advances time, in the order they are due.
class FakeClock {
  constructor() { this.t = 1_700_000_000_000; this.timers = new Map(); this.next = 1; }
  now() { return this.t; }
  setTimeout(fn, ms = 0) { const id = this.next++; this.timers.set(id, { at: this.t + Math.max(0, ms), fn, every: 0 }); return id; }
  setInterval(fn, ms) { const id = this.next++; this.timers.set(id, { at: this.t + ms, fn, every: ms }); return id; }
  clearTimeout(id) { this.timers.delete(id); }
  clearInterval(id) { this.timers.delete(id); }
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let due = null;
      for (const [id, timer] of this.timers) if (timer.at <= end && (!due || timer.at < due[1].at)) due = [id, timer];
      if (!due) break;
      const [id, timer] = due;
      this.t = timer.at;
      if (timer.every) timer.at += timer.every; else this.timers.delete(id);
      timer.fn();
    }
    this.t = end;
  }
}

// A WebSocket-like object the test plays the server for. Closing it from the client side
// does not fire "close" by itself, as with a dead network; `finishClose` does that later.
class FakeSocket {
  constructor(url) { this.url = url; this.readyState = 0; this.sent = []; this.listeners = {}; this.closedWith = null; }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  dispatch(type, ev = {}) { for (const fn of this.listeners[type] || []) fn(ev); }
  send(data) {
    if (this.readyState === 0) throw new Error("InvalidStateError: still connecting");
    if (this.readyState === 1) this.sent.push(JSON.parse(data));
  }
  close(code, reason) { if (this.readyState < 2) { this.readyState = 2; this.closedWith = { code, reason }; } }
  // The server's side.
  open() { this.readyState = 1; this.dispatch("open"); }
  receive(frame) { this.dispatch("message", { data: JSON.stringify(frame) }); }
  drop(code = 1006) { this.readyState = 3; this.dispatch("close", { code }); }
  finishClose() { this.readyState = 3; this.dispatch("close", { code: this.closedWith?.code ?? 1006 }); }
  frames(type) { return this.sent.filter((f) => f.type === type); }
  ops() { return this.frames("op"); }
}

function setup({ online = true } = {}) {
  const clock = new FakeClock();
  const sockets = [];
  const events = new EventTarget();
  events.visibilityState = "visible";
  const client = new SyncClient({
    code: "K7QX2M", token: "secret", clock, events,
    socketFactory: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    location: { protocol: "http:", host: "flipchart.test" },
    navigator: { onLine: online },
    random: () => 0.5,
  });
  const statuses = [];
  client.on("status", (s) => statuses.push(s));
  return { client, clock, sockets, events, statuses, socket: () => sockets.at(-1) };
}

function welcome(ws, clock, rooms = [WORKSHOP, GROUP]) {
  ws.receive({ type: "welcome", protocol: 1, server_now: clock.now() / 1000,
               you: { id: "p12", role: "participant", name: "Ana", workshop_id: 7, group_id: 19 },
               workshop: { id: 7, code: "K7QX2M", title: "T", template: "activity-2" }, rooms });
}

function snapshot(ws, clock, seq = 5, notes = []) {
  ws.receive({ type: "snapshot", room: GROUP, seq, notes, fields: {}, server_now: clock.now() / 1000 });
}

// Opens, welcomes and loads the group room, as a page sees it after its first connect.
function connected(options) {
  const h = setup(options);
  h.client.connect();
  h.socket().open();
  welcome(h.socket(), h.clock);
  snapshot(h.socket(), h.clock);
  return h;
}

const note = (id, text = "a note") => ({ id, section: "commonalities", text, x: 10, y: 20 });
const noteId = () => uuid();

test("the module loads in node and a client can be built without browser globals", () => {
  assert.equal(typeof globalThis.window, "undefined");
  const { client, sockets } = setup();
  assert.equal(client.state, "connecting");
  client.connect();
  assert.equal(sockets[0].url, "ws://flipchart.test/ws/workshops/K7QX2M");
  assert.equal(formatClock(75), "1:15");
  assert.equal(secondsLeft({ status: "paused", remaining: 12 }, client), 12);
});

test("an op written before the welcome is queued and sent after it", () => {
  const { client, clock, socket } = setup();
  client.connect();
  const id = client.op(GROUP, "note.create", note(noteId()));
  assert.equal(client.waiting, 1);
  socket().open();
  assert.deepEqual(socket().frames("hello"), [{ type: "hello", token: "secret", since: {} }]);
  assert.equal(socket().ops().length, 0, "nothing but hello goes before the welcome");
  welcome(socket(), clock);
  assert.deepEqual(socket().ops().map((f) => f.op_id), [id]);
  assert.equal(client.state, "connected");
});

test("unacknowledged ops are resent with the same op_id after a reconnect, with since in hello", () => {
  const { client, clock, socket, sockets } = connected();
  const first = client.op(GROUP, "note.create", note(noteId(), "one"));
  const second = client.op(GROUP, "note.create", note(noteId(), "two"));
  socket().drop(1006);
  assert.equal(client.state, "reconnecting");
  assert.equal(client.waiting, 2);
  clock.advance(1000); // first backoff is 0.5–1 s
  assert.equal(sockets.length, 2);
  socket().open();
  assert.deepEqual(socket().frames("hello")[0].since, { [GROUP]: 5 });
  welcome(socket(), clock);
  assert.deepEqual(socket().ops().map((f) => f.op_id), [first, second]);
  assert.equal(client.state, "connected");
});

test("an op written while the browser says offline is sent at once on the open, welcomed socket", () => {
  const { client, socket, events } = connected();
  events.dispatchEvent(new Event("offline"));
  assert.equal(client.state, "offline");
  const id = client.op(GROUP, "note.create", note(noteId()));
  assert.ok(socket().ops().some((f) => f.op_id === id), "the op went out while 'offline'");
});

test("a pong after an offline event puts the state back to connected", () => {
  const { client, socket, events, statuses } = connected();
  events.dispatchEvent(new Event("offline"));
  assert.equal(client.state, "offline");
  const ping = socket().frames("ping").at(-1);
  assert.ok(ping, "the offline event sends a ping so its answer can correct the badge");
  socket().receive({ type: "pong", id: ping.id, server_now: 1 });
  assert.equal(client.state, "connected");
  assert.deepEqual(statuses.at(-1), { state: "connected", waiting: 0 });
});

test("any frame after an offline event, not only a pong, restores connected", () => {
  const { client, socket, events } = connected();
  events.dispatchEvent(new Event("offline"));
  socket().receive({ type: "presence", room: GROUP, members: [] });
  assert.equal(client.state, "connected");
});

test("the blip: a socket that stops answering is replaced, and the new one catches up and resends", () => {
  const { client, clock, socket, sockets, events } = connected();
  const old = socket();
  events.dispatchEvent(new Event("offline"));
  const id = client.op(GROUP, "note.create", note(noteId(), "written in the blip"));
  assert.ok(old.ops().some((f) => f.op_id === id));
  // The fake never answers: the heartbeat gives up after an unanswered ping has waited silentFor.
  clock.advance(TIMING.silentFor + TIMING.pingEvery);
  assert.equal(old.closedWith?.code, CLOSE_STALE, "the dead socket is closed by the client");
  assert.equal(client.state, "offline", "the browser still says offline, so the badge does too");
  events.dispatchEvent(new Event("online"));
  assert.equal(sockets.length, 2, "online opens a new socket at once");
  socket().open();
  assert.deepEqual(socket().frames("hello")[0].since, { [GROUP]: 5 });
  welcome(socket(), clock);
  assert.deepEqual(socket().ops().map((f) => f.op_id), [id]);
  assert.equal(client.state, "connected");
  assert.equal(client.waiting, 1, "still waiting until the server acks");
  socket().receive({ type: "ack", op_id: id, room: GROUP, seq: 6 });
  assert.equal(client.waiting, 0);
  // The replaced socket's late events change nothing.
  old.receive({ type: "event", room: GROUP, seq: 99, kind: "note.delete", data: { id: "x" } });
  old.finishClose();
  assert.equal(client.room(GROUP).seq, 5);
  assert.equal(client.state, "connected");
  assert.equal(sockets.length, 2);
});

test("after online, a silent socket is replaced and the client is connected again within 5 s", () => {
  const { client, clock, socket, sockets, events } = connected();
  events.dispatchEvent(new Event("offline"));
  clock.advance(4000);
  events.dispatchEvent(new Event("online"));
  assert.equal(client.state, "reconnecting", "not 'offline' once the browser is back, not 'connected' before proof");
  clock.advance(TIMING.probeFor);
  assert.equal(sockets[0].closedWith?.code, CLOSE_STALE);
  clock.advance(1000); // first backoff
  assert.equal(sockets.length, 2);
  socket().open();
  welcome(socket(), clock);
  assert.equal(client.state, "connected");
  assert.ok(TIMING.probeFor + 1000 <= 5000);
});

test("after online, a socket that answers the probe is kept", () => {
  const { client, clock, socket, sockets, events } = connected();
  events.dispatchEvent(new Event("offline"));
  events.dispatchEvent(new Event("online"));
  const ping = socket().frames("ping").at(-1);
  socket().receive({ type: "pong", id: ping.id, server_now: clock.now() / 1000 });
  assert.equal(client.state, "connected");
  clock.advance(TIMING.probeFor * 2);
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].closedWith, null);
});

test("the tab becoming visible probes the socket and replaces it if it does not answer", () => {
  const { clock, socket, sockets, events } = connected();
  const before = socket().frames("ping").length;
  events.visibilityState = "hidden";
  events.dispatchEvent(new Event("visibilitychange"));
  assert.equal(socket().frames("ping").length, before, "hiding probes nothing");
  events.visibilityState = "visible";
  events.dispatchEvent(new Event("visibilitychange"));
  assert.equal(socket().frames("ping").length, before + 1);
  clock.advance(TIMING.probeFor);
  assert.equal(sockets[0].closedWith?.code, CLOSE_STALE);
});

test("reconnectNow on an open socket probes it instead of doing nothing", () => {
  const { client, clock, socket, sockets } = connected();
  const before = socket().frames("ping").length;
  client.reconnectNow();
  assert.equal(socket().frames("ping").length, before + 1);
  clock.advance(TIMING.probeFor);
  assert.equal(sockets[0].closedWith?.code, CLOSE_STALE);
});

test("the heartbeat pings every period and any frame received counts as an answer", () => {
  const { clock, socket, sockets } = connected();
  const pings = () => socket().frames("ping").length;
  const start = pings();
  for (let i = 0; i < 6; i++) {
    clock.advance(TIMING.pingEvery);
    socket().receive({ type: "drag", room: GROUP, id: "n", x: 1, y: 1, by: "p13" });
  }
  assert.equal(pings(), start + 6);
  assert.equal(sockets.length, 1, "a socket that keeps talking is never replaced");
  assert.equal(sockets[0].closedWith, null);
});

test("a healthy socket is not replaced when the tab's timers were throttled for a minute", () => {
  const { clock, socket, sockets } = connected();
  socket().receive({ type: "pong", id: socket().frames("ping").at(-1).id, server_now: 1 });
  // Simulate a one-minute gap between timer runs: the clock jumps, then one tick runs.
  const interval = [...clock.timers.values()].find((t) => t.every);
  clock.t += 60_000;
  interval.at = clock.t;
  clock.advance(0);
  assert.equal(sockets[0].closedWith, null, "silence without an unanswered ping is not death");
});

test("a socket that never gets its welcome is replaced", () => {
  const { client, clock, socket, sockets } = setup();
  client.connect();
  socket().open();
  clock.advance(TIMING.welcomeWithin);
  assert.equal(sockets[0].closedWith?.code, CLOSE_STALE);
  clock.advance(1000);
  assert.equal(sockets.length, 2);
});

test("a gap in seq sends exactly one resync", () => {
  const { socket } = connected();
  for (const seq of [8, 9, 10]) {
    socket().receive({ type: "event", room: GROUP, seq, kind: "hidden", data: {} });
  }
  assert.deepEqual(socket().frames("resync"), [{ type: "resync", room: GROUP, since: 5 }]);
});

test("an ack removes the op from pending", () => {
  const { client, socket, statuses } = connected();
  const id = client.op(GROUP, "note.create", note(noteId()));
  assert.equal(client.waiting, 1);
  socket().receive({ type: "ack", op_id: id, room: GROUP, seq: 6 });
  assert.equal(client.waiting, 0);
  assert.deepEqual(statuses.at(-1), { state: "connected", waiting: 0 });
});

test("the op's own event removes it from pending and replaces the optimistic note", () => {
  const { client, socket } = connected();
  const id = noteId();
  const opId = client.op(GROUP, "note.create", note(id, "mine"));
  assert.equal(client.room(GROUP).notes.get(id).pending, true);
  socket().receive({ type: "event", room: GROUP, seq: 6, kind: "note.create", op_id: opId, by: "p12",
                     data: { ...note(id, "mine"), version: 1 } });
  assert.equal(client.waiting, 0);
  assert.equal(client.room(GROUP).notes.get(id).pending, undefined);
  assert.equal(client.room(GROUP).seq, 6);
});

test("an error undoes the optimistic change", () => {
  const { client, clock, socket } = setup();
  client.connect();
  socket().open();
  welcome(socket(), clock);
  const id = noteId();
  snapshot(socket(), clock, 5, [{ ...note(id, "before"), version: 1 }]);
  const changes = [];
  client.on("change", (c) => changes.push(c));
  const opId = client.op(GROUP, "note.update", { id, text: "after" });
  assert.equal(client.room(GROUP).notes.get(id).text, "after");
  socket().receive({ type: "error", op_id: opId, code: "locked", message: "no" });
  assert.equal(client.room(GROUP).notes.get(id).text, "before");
  assert.equal(client.waiting, 0);
  assert.equal(changes.at(-1).kind, "undo");
});

test("4401 stops reconnecting and says unauthorized", () => {
  const { client, clock, socket, sockets, events } = setup();
  let told = 0;
  client.on("unauthorized", () => { told += 1; });
  client.connect();
  socket().open();
  socket().drop(4401);
  assert.equal(told, 1);
  assert.equal(client.state, "offline");
  clock.advance(120_000);
  events.dispatchEvent(new Event("online"));
  events.dispatchEvent(new Event("visibilitychange"));
  assert.equal(sockets.length, 1);
});

test("4429 (pushed out by a newer socket of the same person) does not reconnect", () => {
  const { client, clock, socket, sockets, events } = setup();
  let told = 0;
  client.on("replaced", () => { told += 1; });
  client.connect();
  socket().open();
  socket().drop(4429);
  assert.equal(told, 1);
  assert.equal(client.state, "offline");
  clock.advance(120_000);
  events.dispatchEvent(new Event("online"));
  assert.equal(sockets.length, 1);
});

test("4412 reconnects at once rather than after a backoff", () => {
  const { clock, socket, sockets } = connected();
  socket().drop(4412);
  clock.advance(300);
  assert.equal(sockets.length, 2);
});

test("a close clears the room's presence", () => {
  const { client, socket } = connected();
  socket().receive({ type: "presence", room: GROUP, members: [{ id: "p13", name: "Ben", editing: null }] });
  assert.equal(client.room(GROUP).presence.length, 1);
  socket().drop(1006);
  assert.deepEqual(client.room(GROUP).presence, []);
});

test("a moved participant's old room is dropped with its pending ops at the next welcome", () => {
  const { client, clock, socket } = connected();
  client.op(GROUP, "note.create", note(noteId()));
  socket().drop(4412);
  clock.advance(300);
  socket().open();
  welcome(socket(), clock, [WORKSHOP, "group:20"]);
  assert.equal(client.rooms.has(GROUP), false);
  assert.equal(client.waiting, 0);
  assert.equal(socket().ops().length, 0);
});

test("close() stops everything and nothing reconnects afterwards", () => {
  const { client, clock, socket, sockets, events } = connected();
  client.close();
  assert.equal(socket().closedWith.code, 1000);
  socket().finishClose();
  clock.advance(60_000);
  events.dispatchEvent(new Event("online"));
  assert.equal(sockets.length, 1);
});

test("the clock offset comes from the ping's round trip", () => {
  const { client, clock, socket } = connected();
  const ping = socket().frames("ping").at(-1);
  clock.advance(200);
  const serverNow = (clock.now() - 100) / 1000 + 30; // server 30 s ahead, read at the midpoint
  socket().receive({ type: "pong", id: ping.id, server_now: serverNow });
  assert.ok(Math.abs(client.offset - 30) < 1e-6, client.offset);
});

test("the connection badge shows its texts from the message catalogue", () => {
  const english = JSON.parse(readFileSync(new URL("../../web/i18n/en.json", import.meta.url), "utf8"));
  setMessages(english);
  const { client, socket, events } = connected();
  const node = { dataset: {}, textContent: "" };
  connectionBadge(node, client);
  assert.equal(node.dataset.state, "connected");
  assert.equal(node.textContent, "Connected");
  client.op(GROUP, "note.create", note(noteId()));
  assert.equal(node.textContent, "Connected · saving…");
  events.dispatchEvent(new Event("offline"));
  assert.equal(node.dataset.state, "offline");
  assert.equal(node.textContent, "Offline · 1 change waiting");
  client.op(GROUP, "note.create", note(noteId()));
  assert.equal(node.textContent, "Offline · 2 changes waiting");
  socket().receive({ type: "pong", id: null, server_now: 1 });
  assert.equal(node.textContent, "Connected · saving…");
  setMessages({});
});
