// Unit tests for web/js/board/history.js: per-person undo and redo, played against a small
// stand-in for the server (versions, `base` checks, step numbering as docs/protocol.md §5.3
// describes) and the real client-side room (web/js/rooms.js). Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";

import { createHistory, shortcut } from "../../web/js/board/history.js";
import { emptyRoom, applyEvent, showOptimistic } from "../../web/js/rooms.js";

// The board ops as the server applies them, with the same refusals.
class FakeServer {
  constructor() { this.notes = new Map(); this.fields = {}; this.votes = new Set(); }

  lane(note) { return [...this.notes.values()].filter((n) => n.section === note.section && n.step != null).sort((a, b) => a.step - b.step); }

  renumber(list) {
    const out = {};
    list.forEach((n, i) => { if (n.step !== i + 1) { n.step = i + 1; n.version += 1; } out[n.id] = n.step; });
    return out;
  }

  apply({ kind, data }, by) {
    const d = { ...data };
    const n = this.notes.get(d.id);
    const stale = (v) => d.base !== undefined && d.base !== null && d.base !== v;
    switch (kind) {
      case "note.create": {
        if (n) return { error: "invalid" };
        const step = d.section === "procedure" ? this.lane({ section: d.section }).length + 1 : null;
        const note = { text: "", answer: "", actors: [], colour: "yellow", lane: "", ...d, step, version: 1, author: by, private: false };
        this.notes.set(d.id, note);
        return { event: { kind, data: { ...note } } };
      }
      case "note.update": case "note.move": {
        if (!n) return { error: "not_found" };
        if (stale(n.version)) return { error: "conflict", current: { ...n } };
        const { base, id, ...rest } = d;
        Object.assign(n, rest, { version: n.version + 1 });
        return { event: { kind, data: { ...n } } };
      }
      case "note.delete": {
        if (!n) return { error: "not_found" };
        if (stale(n.version)) return { error: "conflict", current: { ...n } };
        this.notes.delete(d.id);
        const data = { ...n, deleted: true };
        if (n.step != null) data.renumbered = this.renumber(this.lane(n));
        return { event: { kind, data } };
      }
      case "note.reorder": {
        if (!n) return { error: "not_found" };
        if (stale(n.version)) return { error: "conflict", current: { ...n } };
        const rest = this.lane(n).filter((x) => x.id !== n.id);
        rest.splice(Math.min(d.step, rest.length + 1) - 1, 0, n);
        const oldStep = n.step;
        const renumbered = this.renumber(rest);
        if (n.step === oldStep) n.version += 1;   // the moved note always gets a new version
        return { event: { kind, data: { ...n, renumbered } } };
      }
      case "field.set": case "pick.set": {
        const f = this.fields[d.key];
        if (stale(f ? f.version : 0)) return { error: "conflict" };
        const view = { key: d.key, value: d.value, version: (f ? f.version : 0) + 1, by };
        this.fields[d.key] = view;
        return { event: { kind, data: { ...view } } };
      }
      case "vote.cast": this.votes.add(d.note_id); return { event: { kind, data: { note_id: d.note_id } } };
      case "vote.retract": this.votes.delete(d.note_id); return { event: { kind, data: { note_id: d.note_id } } };
      default: return { error: "invalid" };
    }
  }
}

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
}

// A board page: its room, its history, and the server behind it. `me(kind, data)` is a
// change made on the page; `deliver()` lets the server answer everything sent so far.
function board({ storage = new MemoryStorage(), server = new FakeServer(), limit = 100, clock = { t: 1000 }, isPending } = {}) {
  const room = emptyRoom("group:1");
  const outbox = [];
  const sent = [];
  const said = [];
  let n = 0;
  const read = { note: (id) => room.notes.get(id), field: (key) => room.fields[key], notes: () => [...room.notes.values()] };
  const make = () => createHistory({
    send: (kind, data) => {
      const frame = { op_id: `op-${++n}`, kind, data };
      outbox.push(frame); sent.push(frame);
      showOptimistic(room, frame, { id: "p1", name: "Ann" });
      return frame.op_id;
    },
    read, storage, key: "flipchart:history:K7QX2M:p1", room: "group:1", limit, isPending,
    now: () => clock.t, announce: (key, vars) => said.push({ key, ...vars }),
  });
  const page = { room, server, sent, said, storage, clock, history: make() };
  page.me = (kind, data) => page.history.track(kind, data);
  page.emit = (event, opId) => {
    applyEvent(room, { kind: event.kind, data: event.data });
    page.history.observe({ kind: event.kind, data: event.data, op_id: opId });
  };
  page.deliver = () => {
    while (outbox.length) {
      const frame = outbox.shift();
      const answer = server.apply(frame, "p1");
      if (answer.error) page.history.refused({ op_id: frame.op_id, code: answer.error, message: "Someone changed this." });
      else page.emit(answer.event, frame.op_id);
    }
  };
  // Someone else in the group changes something (the server applies it and tells us).
  page.other = (kind, data) => {
    const answer = server.apply({ kind, data }, "p2");
    assert.ok(answer.event, `the other person's ${kind} applies`);
    page.emit(answer.event, `bob-${++n}`);
  };
  page.reload = () => {
    outbox.length = 0;   // what a page had not sent goes with it
    page.history = make();
    room.notes = new Map([...server.notes.values()].map((x) => [x.id, { ...x }]));
    room.fields = Object.fromEntries(Object.entries(server.fields).map(([k, v]) => [k, { ...v }]));
    page.history.observe({ kind: "snapshot" });
  };
  page.lastSent = () => sent[sent.length - 1];
  // The server applies the next op sent, but its event never reaches the page.
  page.unseen = () => { const frame = outbox.shift(); server.apply(frame, "p1"); return frame; };
  page.note = (id) => room.notes.get(id);
  page.undo = () => { page.history.undo(); page.deliver(); };
  page.redo = () => { page.history.redo(); page.deliver(); };
  return page;
}

const card = (id, text = "Call the family", extra = {}) => ({ id, section: "challenges", text, actors: [], x: 40, y: 60, colour: "yellow", ...extra });
const step = (id, text) => ({ id, section: "procedure", text, actors: ["class tutor"], x: 30, y: 50, colour: "blue" });

test("undoing a note's creation deletes it on the version the creation left, and redo brings it back", () => {
  const b = board();
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  b.undo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data], ["note.delete", { id: "note-aaaa1", base: 1 }]);
  assert.equal(b.note("note-aaaa1"), undefined);
  assert.equal(b.history.canRedo, true);
  b.redo();
  assert.equal(b.lastSent().kind, "note.create");
  assert.equal(b.note("note-aaaa1").text, "Call the family");
  assert.deepEqual(b.said, [{ key: "history.done_undo", what: "history.what.create" },
                            { key: "history.done_redo", what: "history.what.create" }]);
});

test("undoing a text edit puts the earlier text and tags back, with the edit's version as base", () => {
  const b = board();
  b.me("note.create", step("note-aaaa1", "Tutor notices"));
  b.deliver();
  b.me("note.update", { id: "note-aaaa1", text: "Tutor calls home", actors: ["class tutor", "family"], base: 1 });
  b.deliver();
  b.undo();
  assert.deepEqual(b.lastSent(), { op_id: b.lastSent().op_id, kind: "note.update",
    data: { id: "note-aaaa1", text: "Tutor notices", actors: ["class tutor"], base: 2 } });
  assert.equal(b.note("note-aaaa1").text, "Tutor notices");
  b.redo();
  assert.deepEqual([b.note("note-aaaa1").text, b.note("note-aaaa1").actors], ["Tutor calls home", ["class tutor", "family"]]);
});

test("undoing a move sends the note back where it was", () => {
  const b = board();
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  b.me("note.move", { id: "note-aaaa1", x: 500, y: 400 });
  b.deliver();
  b.undo();
  assert.deepEqual(b.lastSent().data, { id: "note-aaaa1", x: 40, y: 60, base: 2 });
  assert.deepEqual([b.note("note-aaaa1").x, b.note("note-aaaa1").y], [40, 60]);
});

test("undoing a reorder puts the step back, and the lane's numbering with it", () => {
  const b = board();
  for (const [id, text] of [["step-aaaa1", "one"], ["step-aaaa2", "two"], ["step-aaaa3", "three"]]) b.me("note.create", step(id, text));
  b.deliver();
  b.me("note.reorder", { id: "step-aaaa3", step: 1 });
  b.deliver();
  assert.deepEqual(["step-aaaa1", "step-aaaa2", "step-aaaa3"].map((id) => b.note(id).step), [2, 3, 1]);
  b.undo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data], ["note.reorder", { id: "step-aaaa3", step: 3, base: 2 }]);
  assert.deepEqual(["step-aaaa1", "step-aaaa2", "step-aaaa3"].map((id) => b.note(id).step), [1, 2, 3]);
});

test("undoing a deletion creates the same note again, back at its step", () => {
  const b = board();
  for (const [id, text] of [["step-aaaa1", "one"], ["step-aaaa2", "two"], ["step-aaaa3", "three"]]) b.me("note.create", step(id, text));
  b.deliver();
  b.me("note.delete", { id: "step-aaaa1" });
  b.deliver();
  assert.equal(b.note("step-aaaa1"), undefined);
  b.undo();
  const kinds = b.sent.slice(-2).map((f) => [f.kind, f.data.id]);
  assert.deepEqual(kinds, [["note.create", "step-aaaa1"], ["note.reorder", "step-aaaa1"]]);
  const back = b.note("step-aaaa1");
  assert.deepEqual([back.text, back.actors, back.colour, back.step], ["one", ["class tutor"], "blue", 1]);
  assert.deepEqual(["step-aaaa2", "step-aaaa3"].map((id) => b.note(id).step), [2, 3]);
  // Redo deletes it again, on the version the undo left.
  b.redo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data], ["note.delete", { id: "step-aaaa1", base: 2 }]);
  assert.equal(b.note("step-aaaa1"), undefined);
});

test("undoing a form field or a pick sets its earlier value on the version the change left", () => {
  const b = board();
  b.me("field.set", { key: "action.challenge", value: "Low motivation", base: 0 });
  b.deliver();
  b.me("pick.set", { key: "topics", value: ["second-chance-measures"], base: 0 });
  b.deliver();
  b.me("pick.set", { key: "topics", value: ["second-chance-measures", "community-involvement"], base: 1 });
  b.deliver();
  b.undo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data], ["pick.set", { key: "topics", value: ["second-chance-measures"], base: 2 }]);
  b.undo();
  assert.deepEqual(b.lastSent().data, { key: "topics", value: [], base: 3 });
  b.undo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data], ["field.set", { key: "action.challenge", value: "", base: 1 }]);
  assert.equal(b.room.fields["action.challenge"].value, "");
});

test("undoing a vote retracts it, and undoing a retraction casts it again", () => {
  const b = board();
  b.me("vote.cast", { note_id: "note-aaaa1" });
  b.deliver();
  b.undo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data], ["vote.retract", { note_id: "note-aaaa1" }]);
  b.redo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data], ["vote.cast", { note_id: "note-aaaa1" }]);
  assert.ok(b.server.votes.has("note-aaaa1"));
});

test("an undone vote the server refuses (voting closed) says why, in the server's words", () => {
  const b = board();
  b.me("vote.cast", { note_id: "note-aaaa1" });
  b.deliver();
  b.server.apply = () => ({ error: "conflict" });
  b.undo();
  assert.deepEqual(b.said.at(-1), { key: "history.refused_undo", what: "history.what.vote", reason: "Someone changed this." });
});

test("an undo is skipped with a message when someone else changed the note since, and the next undo goes on", () => {
  const b = board();
  b.me("note.create", card("note-aaaa1"));
  b.me("note.create", card("note-aaaa2", "Mentoring"));
  b.deliver();
  b.me("note.update", { id: "note-aaaa1", text: "Call the parents", base: 1 });
  b.deliver();
  b.other("note.update", { id: "note-aaaa1", text: "Call the parents today" });
  const before = b.sent.length;
  b.history.undo();
  assert.equal(b.sent.length, before, "nothing is sent over their change");
  assert.deepEqual(b.said.at(-1), { key: "history.skipped_undo", what: "history.what.edit" });
  assert.equal(b.note("note-aaaa1").text, "Call the parents today");
  // The stack moved on: the next undo takes back the second note's creation.
  b.undo();
  assert.deepEqual([b.lastSent().kind, b.lastSent().data.id], ["note.delete", "note-aaaa2"]);
});

test("an undo the server refuses (someone got there first) is skipped the same way", () => {
  const b = board();
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  b.me("note.move", { id: "note-aaaa1", x: 500, y: 400 });
  b.deliver();
  b.history.undo();            // sent on version 2 ...
  b.server.apply({ kind: "note.move", data: { id: "note-aaaa1", x: 10, y: 10 } }, "p2"); // ... which Bob's move beats
  b.deliver();
  assert.equal(b.said.at(-1).key, "history.skipped_undo");
  assert.equal(b.history.canRedo, false, "nothing was undone, so there is nothing to redo");
  assert.deepEqual([b.server.notes.get("note-aaaa1").x, b.server.notes.get("note-aaaa1").y], [10, 10]);
});

test("one's own later changes are not someone else's: create, edit, then undo both", () => {
  const b = board();
  b.me("note.create", step("step-aaaa1", "one"));
  b.me("note.create", step("step-aaaa2", "two"));
  b.deliver();
  b.me("note.update", { id: "step-aaaa1", text: "first", base: 1 });
  b.me("note.reorder", { id: "step-aaaa2", step: 1 });   // renumbers step-aaaa1 too
  b.deliver();
  for (let i = 0; i < 4; i += 1) b.undo();
  assert.equal(b.room.notes.size, 0, "four undos reach the first creation");
  assert.deepEqual(b.said.map((m) => m.key), Array(4).fill("history.done_undo"));
});

test("a new change after an undo clears redo", () => {
  const b = board();
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  b.me("note.move", { id: "note-aaaa1", x: 300, y: 300 });
  b.deliver();
  b.undo();
  assert.equal(b.history.canRedo, true);
  b.me("note.update", { id: "note-aaaa1", text: "New words" });
  b.deliver();
  assert.equal(b.history.canRedo, false);
  b.history.redo();
  assert.equal(b.said.at(-1).key, "history.nothing_redo");
});

test("an undo before the server confirmed the change waits, with a message", () => {
  const b = board();
  b.me("note.create", card("note-aaaa1"));
  b.history.undo();
  assert.equal(b.said.at(-1).key, "history.saving");
  assert.equal(b.sent.length, 1);
  b.deliver();
  b.undo();
  assert.equal(b.note("note-aaaa1"), undefined);
});

test("undo presses made while an undo is on its way run in turn", () => {
  const b = board();
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  b.me("note.move", { id: "note-aaaa1", x: 300, y: 300 });
  b.deliver();
  b.history.undo();
  b.history.undo();     // queued behind the first
  b.deliver();
  b.deliver();
  assert.equal(b.note("note-aaaa1"), undefined);
  assert.deepEqual(b.said.map((m) => m.key), ["history.done_undo", "history.done_undo"]);
});

test("an undo whose event never came (a snapshot stood in for it) does not hold up the next one", () => {
  const pending = new Set();
  const clock = { t: 1000 };
  const b = board({ clock, isPending: (id) => pending.has(id) });
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  b.me("note.move", { id: "note-aaaa1", x: 300, y: 300 });
  b.deliver();
  b.history.undo();
  // The server applies the undo, but the page only ever gets a snapshot after it.
  pending.add(b.unseen().op_id);
  b.history.undo();                        // waits behind the first
  assert.equal(b.sent.length, 3);
  clock.t += 6000;
  b.history.undo();                        // still waiting after 5 s: looked at again, but the op is pending
  assert.equal(b.sent.length, 3);
  pending.clear();                         // acked: not pending any more
  b.room.notes = new Map([...b.server.notes.values()].map((x) => [x.id, { ...x }]));
  b.history.observe({ kind: "snapshot" });  // settled from the board as the snapshot has it
  b.deliver();
  // The queued undo ran: what happened in the gap is not known to be this person's alone,
  // so it errs on the side of the others and skips (never overwriting their change).
  assert.deepEqual(b.said.map((m) => m.key), ["history.done_undo", "history.skipped_undo", "history.nothing_undo"]);
  assert.ok(b.note("note-aaaa1"));
});

test("history survives a reload of the page in the same tab, and knows what changed meanwhile", () => {
  const storage = new MemoryStorage();
  const server = new FakeServer();
  const b = board({ storage, server });
  b.me("note.create", card("note-aaaa1"));
  b.me("note.create", card("note-aaaa2"));
  b.deliver();
  b.me("note.move", { id: "note-aaaa1", x: 300, y: 300 });
  b.me("note.move", { id: "note-aaaa2", x: 200, y: 200 });
  b.deliver();
  b.me("note.update", { id: "note-aaaa1", text: "Unsent when the page went" });   // never confirmed
  assert.ok(storage.getItem("flipchart:history:K7QX2M:p1"));
  // Bob moves the second note while the page is away.
  server.apply({ kind: "note.move", data: { id: "note-aaaa2", x: 1, y: 1 } }, "p2");
  b.reload();
  assert.deepEqual(b.history.size, { undo: 4, redo: 0 }, "the unconfirmed change is not brought back");
  b.undo();
  assert.equal(b.said.at(-1).key, "history.skipped_undo");
  b.undo();
  assert.deepEqual([b.note("note-aaaa1").x, b.note("note-aaaa1").y], [40, 60]);
});

test("a stored history of another room, or too old, is not brought back", () => {
  const storage = new MemoryStorage();
  const clock = { t: 1000 };
  const b = board({ storage, clock });
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  const saved = JSON.parse(storage.getItem("flipchart:history:K7QX2M:p1"));
  storage.setItem("flipchart:history:K7QX2M:p1", JSON.stringify({ ...saved, room: "group:2" }));
  b.reload();
  assert.equal(b.history.canUndo, false);
  storage.setItem("flipchart:history:K7QX2M:p1", JSON.stringify(saved));
  clock.t += 25 * 3600 * 1000;
  b.reload();
  assert.equal(b.history.canUndo, false);
});

test("history is bounded: the oldest changes fall off", () => {
  const b = board({ limit: 5 });
  b.me("note.create", card("note-aaaa1"));
  b.deliver();
  for (let i = 0; i < 9; i += 1) b.me("note.move", { id: "note-aaaa1", x: 100 + i, y: 100 });
  b.deliver();
  assert.deepEqual(b.history.size, { undo: 5, redo: 0 });
  for (let i = 0; i < 5; i += 1) b.undo();
  assert.equal(b.history.canUndo, false);
  assert.deepEqual([b.note("note-aaaa1").x, b.note("note-aaaa1").y], [103, 100]);
});

test("Ctrl/Cmd+Z undoes and Ctrl+Shift+Z or Ctrl+Y redoes, except in a text field", () => {
  const on = (tagName, type) => ({ tagName, type, isContentEditable: false });
  assert.equal(shortcut({ ctrlKey: true, key: "z", target: on("DIV") }), "undo");
  assert.equal(shortcut({ metaKey: true, key: "Z", shiftKey: true, target: on("BUTTON") }), "redo");
  assert.equal(shortcut({ ctrlKey: true, key: "y", target: on("DIV") }), "redo");
  assert.equal(shortcut({ ctrlKey: true, key: "z", target: on("INPUT", "checkbox") }), "undo");
  assert.equal(shortcut({ key: "z", target: on("DIV") }), null);
  assert.equal(shortcut({ ctrlKey: true, altKey: true, key: "z", target: on("DIV") }), null);
  for (const target of [on("TEXTAREA"), on("INPUT", "text"), { tagName: "DIV", isContentEditable: true }]) {
    assert.equal(shortcut({ ctrlKey: true, key: "z", target }), null, "native text undo stays");
  }
});

test("the buttons' state follows the stacks", () => {
  const states = [];
  const room = emptyRoom("group:1");
  const h = createHistory({
    send: () => "op-1", read: { note: (id) => room.notes.get(id), field: () => undefined, notes: () => [] },
    onChange: (s) => states.push(s),
  });
  assert.equal(h.canUndo, false);
  h.track("note.create", card("note-aaaa1"));
  assert.deepEqual(states.at(-1), { canUndo: true, canRedo: false });
  h.refused({ op_id: "op-1", code: "locked" });
  assert.deepEqual(states.at(-1), { canUndo: false, canRedo: false }, "a refused change is forgotten");
});
