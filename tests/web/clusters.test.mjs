// The plenary's clusters in the browser: events applied in order, and the procedure
// comparison's rows (the same alignment as app/board/clusters.py).
import test from "node:test";
import assert from "node:assert/strict";
import { applyCluster, alignProcedures, comparisons, procedure } from "../../web/js/clusters.js";
import { emptyRoom, applyEvent } from "../../web/js/rooms.js";

const cluster = (id, position, ...notes) => ({ id, label: id, kind: "commonality", position,
  notes: notes.map((n, i) => ({ note_id: n, group_id: 1, position: i + 1 })) });
const steps = (...ids) => ids.map((id, i) => ({ id, step: i + 1, section: "procedure", lane: "", private: false }));
const ids = (rows) => rows.map((r) => [r.cluster?.id ?? null, r.cells.map((c) => c?.id ?? null)]);

test("cluster events keep the workshop room's clusters in order, renumbered", () => {
  const r = emptyRoom("workshop:1");
  applyEvent(r, { kind: "cluster.create", data: cluster("a", 1) });
  applyEvent(r, { kind: "cluster.create", data: cluster("b", 2) });
  applyEvent(r, { kind: "cluster.update", data: { ...cluster("b", 1), renumbered: { a: 2 } } });
  assert.deepEqual(r.clusters.map((c) => [c.id, c.position]), [["b", 1], ["a", 2]]);
  assert.equal("renumbered" in r.clusters[0], false);
  applyEvent(r, { kind: "cluster.add", data: cluster("a", 2, "n1") });
  assert.deepEqual(r.clusters[1].notes.map((n) => n.note_id), ["n1"]);
  applyEvent(r, { kind: "cluster.delete", data: { id: "b", renumbered: { a: 1 } } });
  assert.deepEqual(r.clusters.map((c) => [c.id, c.position]), [["a", 1]]);
  applyEvent(r, { kind: "cluster.show", data: { view: "comparison" } });
  assert.equal(r.clusterView, "comparison");
  assert.deepEqual(applyCluster([], "cluster.delete", { id: "x" }), []);
});

test("clustered steps share a row and every group keeps its order", () => {
  const rows = alignProcedures([steps("a1", "a2", "a3"), steps("b1", "b2")],
    [cluster("tell", 1, "a1", "b2"), cluster("call", 2, "a3")]);
  assert.deepEqual(ids(rows), [
    [null, [null, "b1"]], ["tell", ["a1", "b2"]], [null, ["a2", null]], ["call", ["a3", null]]]);
});

test("clusters in opposite orders still lay every step once", () => {
  const rows = alignProcedures([steps("a1", "a2"), steps("b1", "b2")],
    [cluster("x", 1, "a1", "b2"), cluster("y", 2, "a2", "b1")]);
  for (const [col, want] of [[0, ["a1", "a2"]], [1, ["b1", "b2"]]]) {
    assert.deepEqual(rows.map((r) => r.cells[col]?.id).filter(Boolean), want);
  }
});

test("a comparison per steps section some group wrote in, from the group's own numbering", () => {
  const room = (notes) => ({ notes: new Map(notes.map((n) => [n.id, n])) });
  const rooms = { "group:1": room([...steps("a1", "a2"), { id: "p", step: 1, section: "procedure", lane: "p1", private: false }]),
                  "group:2": room([{ id: "mine", step: 1, section: "procedure", lane: "p2", private: false },
                                   { id: "secret", step: 2, section: "procedure", lane: "p2", private: true }]) };
  assert.deepEqual(procedure(rooms["group:1"], "procedure").map((n) => n.id), ["a1", "a2"]);
  assert.deepEqual(procedure(rooms["group:2"], "procedure").map((n) => n.id), ["mine"]);
  const template = { sections: [{ key: "procedure", kind: "steps", title: "P" }, { key: "next", kind: "steps", title: "N" }] };
  const groups = [{ id: 1, name: "G1", room: "group:1" }, { id: 2, name: "G2", room: "group:2" }];
  const found = comparisons(template, groups, (name) => rooms[name], [cluster("c", 1, "a1", "mine")]);
  assert.equal(found.length, 1);
  assert.deepEqual(ids(found[0].rows), [["c", ["a1", "mine"]], [null, ["a2", null]]]);
});
