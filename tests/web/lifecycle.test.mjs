// The data lifecycle in the browser: the socket's 4410 (workshop deleted) is final, the
// erase dialog says what happens in each mode, and leaving forgets the workshop here.
// Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { SyncClient } from "../../web/js/sync.js";
import { setMessages } from "../../web/js/i18n.js";
import { eraseConsequences, forgetWorkshop } from "../../web/js/board/erase.js";
import { codeMatches } from "../../web/js/facilitate/danger.js";

const english = JSON.parse(readFileSync(new URL("../../web/i18n/en.json", import.meta.url), "utf8"));

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
  constructor() { this.readyState = 0; this.listeners = {}; }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  dispatch(type, ev = {}) { for (const fn of this.listeners[type] || []) fn(ev); }
  send() {}
  close() { this.readyState = 3; }
}

test("a socket closed with 4410 says the workshop is deleted and never reconnects", () => {
  const clock = new Clock();
  const sockets = [];
  const client = new SyncClient({
    code: "K7QX2M", token: "secret", clock, events: new EventTarget(),
    socketFactory: () => { const s = new Socket(); sockets.push(s); return s; },
    location: { protocol: "http:", host: "flipchart.test" }, navigator: { onLine: true },
  });
  const heard = [];
  client.on("deleted", (ev) => heard.push(["deleted", ev.code]));
  client.on("unauthorized", () => heard.push(["unauthorized"]));
  client.connect();
  sockets[0].readyState = 1;
  sockets[0].dispatch("open");
  sockets[0].dispatch("close", { code: 4410, reason: "this workshop was deleted" });
  clock.advance(120_000);
  assert.deepEqual(heard, [["deleted", 4410]]);
  assert.equal(sockets.length, 1);
  assert.equal(client.state, "offline");
});

test("the erase dialog says what happens to the notes in each mode", () => {
  setMessages(english);
  const kept = eraseConsequences("keep_anonymous", 3);
  const deleted = eraseConsequences("delete", 1);
  assert.match(kept.join(" "), /Removed participant/);
  assert.match(kept[1], /Your 3 notes stay on the board, without your name/);
  assert.match(deleted[1], /Your note is deleted from every board/);
  assert.match(eraseConsequences("delete", 0)[1], /no notes/);
  assert.match(deleted.at(-1), /cannot be undone/);
});

test("leaving forgets this workshop's keys and the name typed to join, nothing else", () => {
  const items = new Map([
    ["flipchart:K7QX2M:participant", "token"], ["flipchart:K7QX2M:seen:individual:phase", "1"],
    ["flipchart:name", "Ana"], ["flipchart:ZZZZZZ:participant", "other"], ["flipchart:view", "list"],
  ]);
  const storage = {
    get length() { return items.size; },
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => items.delete(k),
  };
  forgetWorkshop("k7qx2m", storage);
  assert.deepEqual([...items.keys()], ["flipchart:ZZZZZZ:participant", "flipchart:view"]);
});

test("deleting a workshop needs its join code typed", () => {
  assert.equal(codeMatches(" k7q x2m ", "K7QX2M"), true);
  assert.equal(codeMatches("K7QX2", "K7QX2M"), false);
  assert.equal(codeMatches("", "K7QX2M"), false);
});
