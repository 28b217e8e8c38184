// The plenary's clusters as the client holds them (the workshop room's `clusters`), and
// the procedure comparison: each group's numbered steps in a column, a cluster's steps on
// one row. Pure: rooms in, data out; the panel (facilitate/clusters.js) and the projector
// (screen/clusters.js) draw it. Mirrors app/board/clusters.py. Tested in tests/web/clusters.test.mjs.
import { sharedNotes } from "./notes.js";

export const CLUSTER_KINDS = ["commonality", "difference", "theme"];
export const CLUSTER_VIEWS = ["boards", "clusters", "comparison"];

const byPosition = (a, b) => a.position - b.position;

// A cluster event applied to the list (a new list; clusters by position).
export function applyCluster(list, kind, d) {
  let out = list || [];
  if (kind === "cluster.delete") out = out.filter((c) => c.id !== d.id);
  else {
    const { renumbered, ...cluster } = d;
    out = [...out.filter((c) => c.id !== cluster.id), cluster];
  }
  const moved = d.renumbered || {};
  return out.map((c) => (c.id in moved ? { ...c, position: moved[c.id] } : c)).sort(byPosition);
}

// note id -> {note, group} over every group's shared notes: what a cluster's notes name.
export function noteIndex(groups, roomOf) {
  const found = new Map();
  for (const g of groups) {
    for (const n of roomOf(g.room).notes.values()) if (!n.private) found.set(n.id, { note: n, group: g });
  }
  return found;
}

// A cluster's notes that are still on a board, in the order they were added.
export function clusterNotes(cluster, index) {
  return (cluster.notes || []).map((m) => index.get(m.note_id)).filter(Boolean);
}

// A group's procedure in a steps section: its own numbered steps; without them, each
// author's in turn (as the report has it).
export function procedure(room, sectionKey) {
  const steps = sharedNotes(room, sectionKey).filter((n) => n.step != null)
    .sort((a, b) => (a.lane || "").localeCompare(b.lane || "") || a.step - b.step);
  const together = steps.filter((n) => !n.lane);
  return together.length ? together : steps;
}

// Columns of steps (each in step order) -> rows [{cluster, cells}], cells one per column
// (null where that column has no step on the row). See align_procedures in Python.
export function alignProcedures(columns, clusters) {
  const owner = new Map();
  for (const c of [...clusters].sort(byPosition)) {
    for (const m of c.notes || []) if (!owner.has(m.note_id)) owner.set(m.note_id, c);
  }
  const at = columns.map(() => 0);
  const head = (i) => (at[i] < columns[i].length ? columns[i][at[i]] : null);
  const clusterOf = (i) => { const n = head(i); return n ? owner.get(n.id) || null : null; };
  const all = columns.map((_, i) => i);
  const rows = [];
  const ready = () => {
    for (const i of all) {
      const c = clusterOf(i);
      if (!c) continue;
      const waiting = columns.some((col, j) => col.slice(at[j] + 1).some((n) => owner.get(n.id) === c));
      if (!waiting) return c;
    }
    return null;
  };
  while (all.some((i) => head(i))) {
    const loose = all.filter((i) => head(i) && !clusterOf(i));
    if (loose.length) {
      rows.push({ cluster: null, cells: all.map((i) => (loose.includes(i) ? head(i) : null)) });
      for (const i of loose) at[i] += 1;
      continue;
    }
    const chosen = ready() || clusterOf(all.find((i) => head(i)));
    const takers = all.filter((i) => clusterOf(i) === chosen);
    rows.push({ cluster: chosen, cells: all.map((i) => (takers.includes(i) ? head(i) : null)) });
    for (const i of takers) at[i] += 1;
  }
  return rows;
}

// Every steps section some group has steps in: [{section, groups, rows}].
export function comparisons(template, groups, roomOf, clusters) {
  const out = [];
  for (const s of template.sections.filter((x) => x.kind === "steps")) {
    const columns = groups.map((g) => procedure(roomOf(g.room), s.key));
    if (!columns.some((c) => c.length)) continue;
    out.push({ section: s, groups, rows: alignProcedures(columns, clusters) });
  }
  return out;
}
