// A room as the client holds it: events apply in order, optimistic ops can be undone.
import test from "node:test";
import assert from "node:assert/strict";
import { emptyRoom, applyEvent, showOptimistic } from "../../web/js/rooms.js";

const note = (id, step, extra = {}) => ({ id, section: "procedure", text: id, step, version: 1, ...extra });

test("a reorder event renumbers every note of the lane", () => {
  const r = emptyRoom("group:1");
  for (const [i, id] of ["a", "b", "c"].entries()) applyEvent(r, { kind: "note.create", data: note(id, i + 1) });
  applyEvent(r, { kind: "note.reorder", data: { ...note("c", 1), renumbered: { c: 1, a: 2, b: 3 } } });
  assert.deepEqual(["a", "b", "c"].map((id) => r.notes.get(id).step), [2, 3, 1]);
  assert.equal("renumbered" in r.notes.get("c"), false);
  applyEvent(r, { kind: "note.delete", data: { ...note("a", 2), renumbered: { c: 1, b: 2 } } });
  assert.equal(r.notes.has("a"), false);
  assert.equal(r.notes.get("b").step, 2);
});

test("a renumbered note's version goes up as on the server, an unmoved one's does not", () => {
  const r = emptyRoom("group:1");
  for (const [i, id] of ["a", "b", "c"].entries()) applyEvent(r, { kind: "note.create", data: { ...note(id, i + 1), version: 1 } });
  applyEvent(r, { kind: "note.reorder", data: { ...note("c", 2), version: 2, renumbered: { a: 1, c: 2, b: 3 } } });
  assert.deepEqual(["a", "b", "c"].map((id) => r.notes.get(id).version), [1, 2, 2]);
  applyEvent(r, { kind: "note.delete", data: { ...note("a", 1), deleted: true, renumbered: { c: 1, b: 2 } } });
  assert.deepEqual(["b", "c"].map((id) => r.notes.get(id).version), [3, 3]);
});

test("an optimistic edit shows at once, keeps the server's fields, and says how to undo it", () => {
  const r = emptyRoom("group:1");
  applyEvent(r, { kind: "note.create", data: note("a", 1, { x: 10, y: 20 }) });
  const before = r.notes.get("a");
  const undo = showOptimistic(r, { kind: "note.update", data: { id: "a", text: "new", answer: null, base: 1 } }, null);
  assert.equal(r.notes.get("a").text, "new");
  assert.equal(r.notes.get("a").x, 10);
  assert.equal("base" in r.notes.get("a"), false, "base is the op's, not the note's");
  assert.deepEqual(undo, { id: "a", note: before });
});

test("an optimistic create carries its author and is marked pending; an unnamed one shows nothing", () => {
  const r = emptyRoom("group:1");
  const you = { id: "p1", name: "Ana" };
  assert.deepEqual(showOptimistic(r, { kind: "note.create", data: { id: "n1", section: "cards", text: "hi" } }, you),
                   { id: "n1", note: null });
  assert.equal(r.notes.get("n1").author_name, "Ana");
  assert.equal(r.notes.get("n1").pending, true);
  assert.equal(showOptimistic(r, { kind: "note.create", data: { section: "cards", text: "x" } }, you), null);
  assert.equal(showOptimistic(r, { kind: "note.move", data: { id: "missing", x: 1, y: 1 } }, you), null);
});

test("phase, roster, spotlight and fields replace what the room held", () => {
  const r = emptyRoom("workshop:1");
  applyEvent(r, { kind: "phase", data: { status: "running", index: 0 } });
  applyEvent(r, { kind: "spotlight", data: { group_id: 3 } });
  applyEvent(r, { kind: "field.set", data: { key: "action.type", value: "x", version: 2 } });
  applyEvent(r, { kind: "hidden", data: {} });
  assert.equal(r.phase.status, "running");
  assert.equal(r.spotlight, 3);
  assert.equal(r.fields["action.type"].version, 2);
  applyEvent(r, { kind: "spotlight", data: {} });
  assert.equal(r.spotlight, null);
});
