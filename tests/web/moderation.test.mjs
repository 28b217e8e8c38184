// Moderation in the browser: a socket closed with 4403 (removed by the facilitator) is
// final and says so; the read-only group view says hello with `view` and writes nothing;
// the People section's and co-facilitators card's pure parts. Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { SyncClient } from "../../web/js/sync.js";
import { setMessages } from "../../web/js/i18n.js";
import { participants, viewUrl } from "../../web/js/facilitate/people.js";
import { facilitateLink, keyName } from "../../web/js/facilitate/cofacilitators.js";
import { viewedGroup, boardAccess, makeReadOnly } from "../../web/js/board/viewing.js";

const catalogue = (lang) => JSON.parse(readFileSync(new URL(`../../web/i18n/${lang}.json`, import.meta.url), "utf8"));

class Clock {
  constructor() { this.t = 0; this.timers = new Map(); this.next = 1; }
  now() { return this.t; }
  setTimeout(fn, ms = 0) { const id = this.next++; this.timers.set(id, { at: this.t + ms, fn }); return id; }
  setInterval(fn, ms) { return this.setTimeout(fn, ms); }
  clearTimeout(id) { this.timers.delete(id); }
  clearInterval(id) { this.timers.delete(id); }
  advance(ms) {
    this.t += ms;
    for (const [id, timer] of [...this.timers]) if (timer.at <= this.t) { this.timers.delete(id); timer.fn(); }
  }
}

class Socket {
  constructor() { this.readyState = 0; this.listeners = {}; this.sent = []; }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  dispatch(type, ev = {}) { for (const fn of this.listeners[type] || []) fn(ev); }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
}

function client(options = {}) {
  const clock = new Clock();
  const sockets = [];
  const sync = new SyncClient({
    code: "K7QX2M", token: "secret", clock, events: new EventTarget(),
    socketFactory: () => { const s = new Socket(); sockets.push(s); return s; },
    location: { protocol: "http:", host: "flipchart.test" }, navigator: { onLine: true }, ...options,
  });
  return { sync, clock, sockets };
}

test("a socket closed with 4403 says the participant was removed and never reconnects", () => {
  const { sync, clock, sockets } = client();
  const heard = [];
  sync.on("removed", (ev) => heard.push(["removed", ev.code]));
  sync.on("unauthorized", () => heard.push(["unauthorized"]));
  sync.connect();
  sockets[0].readyState = 1;
  sockets[0].dispatch("open");
  sockets[0].dispatch("close", { code: 4403, reason: "the facilitator removed you from this workshop" });
  clock.advance(120_000);
  assert.deepEqual(heard, [["removed", 4403]]);
  assert.equal(sockets.length, 1);
  assert.equal(sync.state, "offline");
});

test("the read-only view says hello with the group it looks at", () => {
  const { sync, sockets } = client({ view: 19 });
  sync.connect();
  sockets[0].readyState = 1;
  sockets[0].dispatch("open");
  assert.deepEqual(sockets[0].sent[0], { type: "hello", token: "secret", since: {}, view: 19 });
  const plain = client();
  plain.sync.connect();
  plain.sockets[0].readyState = 1;
  plain.sockets[0].dispatch("open");
  assert.equal("view" in plain.sockets[0].sent[0], false);
});

test("a rooms frame moves the client to the new group on the same socket", () => {
  const { sync, sockets } = client();
  const heard = [];
  sync.on("moved", (msg) => heard.push(msg.rooms));
  sync.connect();
  const ws = sockets[0];
  ws.readyState = 1;
  ws.dispatch("open");
  const frame = (msg) => ws.dispatch("message", { data: JSON.stringify(msg) });
  frame({ type: "welcome", protocol: 1, you: { id: "p1", role: "participant", workshop_id: 7, group_id: 19 },
          server_now: 1, workshop: { id: 7 }, rooms: ["workshop:7", "group:19"] });
  frame({ type: "snapshot", room: "group:19", seq: 4, notes: [{ id: "n-old-0001", section: "s", text: "old" }], fields: {} });
  frame({ type: "rooms", you: { id: "p1", role: "participant", workshop_id: 7, group_id: 23 }, rooms: ["workshop:7", "group:23"] });
  assert.deepEqual(heard, [["workshop:7", "group:23"]]);
  assert.equal(sync.you.group_id, 23);
  assert.deepEqual([...sync.rooms.keys()].sort(), ["group:23", "workshop:7"]);
  frame({ type: "snapshot", room: "group:23", seq: 9, notes: [{ id: "n-new-0001", section: "s", text: "new" }], fields: {} });
  assert.deepEqual([...sync.room("group:23").notes.keys()], ["n-new-0001"]);
  assert.equal(sockets.length, 1);
  assert.equal(sync.state, "connected");
});

test("only ?view=<digits> opens a view, with the facilitator's key; otherwise the participant's", () => {
  assert.equal(viewedGroup("?view=12"), 12);
  for (const search of ["", "?view=", "?view=abc", "?view=1e3", "?view=-1", "?other=3"]) assert.equal(viewedGroup(search), null, search);
  const keys = { "K7QX2M:participant": "p-token", "K7QX2M:facilitator": "f-token" };
  const loadToken = (code, role) => keys[`${code}:${role}`] ?? null;
  assert.deepEqual(boardAccess({ code: "K7QX2M", search: "?view=4", loadToken }), { view: 4, token: "f-token" });
  assert.deepEqual(boardAccess({ code: "K7QX2M", search: "", loadToken }), { view: null, token: "p-token" });
});

test("a read-only board context offers no section for writing and sends no op", () => {
  const sent = [];
  const ctx = makeReadOnly({ isWritable: () => true, op: (...args) => sent.push(args) });
  assert.equal(ctx.isWritable("procedure"), false);
  assert.equal(ctx.op("note.create", { text: "x" }), null);
  assert.deepEqual(sent, []);
});

test("the People list has everyone in group order and the view link names only the group", () => {
  const roster = { join_locked: false, groups: [
    { id: 3, name: "Group 1", members: [{ id: "p1", name: "Ann" }, { id: "p4", name: "Bob" }] },
    { id: 5, name: "Group 2", members: [{ id: "p2", name: "Cy" }] }] };
  assert.deepEqual(participants(roster).map((p) => [p.id, p.name, p.groupId, p.groupName]),
    [["p1", "Ann", 3, "Group 1"], ["p4", "Bob", 3, "Group 1"], ["p2", "Cy", 5, "Group 2"]]);
  assert.deepEqual(participants(null), []);
  assert.equal(viewUrl("K7QX2M", 5), "/w/K7QX2M?view=5");
});

test("a co-facilitator's link never carries the key, and an unnamed key gets a name", () => {
  setMessages(catalogue("en"));
  assert.equal(facilitateLink("https://fc.example", "K7QX2M"), "https://fc.example/w/K7QX2M/facilitate");
  assert.equal(keyName({ id: 7, label: "" }), "Co-facilitator 7");
  assert.equal(keyName({ id: 7, label: "Maria" }), "Maria");
});

test("every moderation text is in every catalogue", () => {
  const en = catalogue("en");
  const keys = Object.keys(en).filter((k) => /^(mod|cofac)\.|^board\.(removed|view_)/.test(k));
  assert.ok(keys.length >= 38);
  for (const lang of ["fr", "de"]) {
    const other = catalogue(lang);
    for (const key of keys) assert.ok(other[key], `${lang} lacks ${key}`);
  }
});
