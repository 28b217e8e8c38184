// Per-person undo and redo on a group board: each change this tab makes is remembered
// with what it replaced, and undone by ordinary ops that put that back. An undo never
// overwrites someone else's later change: the note or field must still be at the version
// this person's own changes left it at (checked here, and by the server through `base`),
// or the undo is skipped with a message and the history moves on.
//
// No DOM and no globals: the page passes `send(kind, data) -> op_id`, `read` (the room's
// notes and fields), a Storage-like `storage` and a clock, so node can test it.

// Which part of a note each op changes; "*": the note itself (it exists or not).
const NOTE_PARTS = {
  "note.create": ["*"],
  "note.delete": ["*"],
  "note.move": ["x", "y"],
  "note.reorder": ["step"],
};
const CONTENT = ["text", "answer", "actors", "colour"];
const VOTES = { "vote.cast": "vote.retract", "vote.retract": "vote.cast" };
const FIELD_KINDS = ["field.set", "pick.set"];
const MAX_QUEUED = 20;
// An undo still unconfirmed this long is looked at again (see unstick).
const STUCK_MS = 5000;
// A history older than this (a tab left open overnight) is not brought back.
const MAX_AGE_MS = 24 * 3600 * 1000;

// Ctrl+Z (Cmd+Z) is undo; Ctrl+Shift+Z and Ctrl+Y redo. A key typed into a text field is
// that field's own undo, so it is left alone: returns "undo", "redo" or null.
export function shortcut(ev) {
  if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return null;
  const key = String(ev.key || "").toLowerCase();
  const action = key === "z" ? (ev.shiftKey ? "redo" : "undo") : key === "y" && !ev.shiftKey ? "redo" : null;
  if (!action || typesText(ev.target)) return null;
  return action;
}

const NOT_TEXT = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);
function typesText(target) {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = String(target.tagName || "").toUpperCase();
  return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && !NOT_TEXT.has(String(target.type || "text").toLowerCase()));
}

// What an entry's message calls the change (an i18n key under history.what.*).
function whatOf(kind, parts) {
  if (kind in VOTES) return "vote";
  if (kind === "pick.set") return "pick";
  if (kind === "field.set") return "field";
  if (parts[0] === "*") return kind === "note.delete" ? "delete" : "create";
  if (parts[0] === "x") return "move";
  if (parts[0] === "step") return "reorder";
  return "edit";
}

export function createHistory({ send, read, storage = null, key = "", room = "", now = () => Date.now(),
                                isPending = () => true, limit = 100, onChange = () => {}, announce = () => {} }) {
  let undos = [];
  let redos = [];
  // Target -> the version it was last seen at, to tell whose event moved it on.
  const known = new Map();
  const mine = new Set();       // op ids this history sent (bounded below)
  let running = null;           // {entry, action, what, at}: an undo or redo not yet applied
  const queued = [];

  load();

  // --- reading the board -----------------------------------------------------------------
  function parse(target) {
    const at = target.indexOf(":");
    return { type: target.slice(0, at), id: target.slice(at + 1) };
  }

  function version(target) {
    const { type, id } = parse(target);
    if (type === "note") { const n = read.note(id); return n && !n.pending ? n.version || 0 : 0; }
    if (type === "field") { const f = read.field(id); return f ? f.version || 0 : 0; }
    return 0;
  }

  // The parts of the target an entry restores, as they are now (null: no such note).
  function capture(target, parts, kind) {
    const { type, id } = parse(target);
    if (type === "field") {
      const f = read.field(id);
      return { value: f ? f.value : kind === "pick.set" ? [] : "" };
    }
    if (type !== "note") return null;
    const n = read.note(id);
    if (!n || n.pending) return null;
    if (parts[0] === "*") return { ...n };
    return Object.fromEntries(parts.map((p) => [p, n[p] ?? null]));
  }

  function targetOf(kind, data) {
    if (kind in VOTES) return data.note_id ? `vote:${data.note_id}` : null;
    if (FIELD_KINDS.includes(kind)) return `field:${data.key}`;
    if (kind.startsWith("note.") && data.id) return `note:${data.id}`;
    return null;
  }

  function partsOf(kind, data) {
    if (kind === "note.update") return CONTENT.filter((p) => data[p] !== undefined && data[p] !== null);
    if (FIELD_KINDS.includes(kind)) return ["value"];
    return NOTE_PARTS[kind] || [];
  }

  // --- recording ---------------------------------------------------------------------------
  // Sends an ordinary change and remembers how to take it back; a new change ends redo.
  function track(kind, data) {
    const target = targetOf(kind, data);
    const parts = partsOf(kind, data);
    if (!target || (!parts.length && !(kind in VOTES))) return send(kind, data);
    const before = capture(target, parts, kind);
    // A note still on its way to the server has no state of its own to go back to yet.
    if (!before && kind !== "note.create" && target.startsWith("note:")) return send(kind, data);
    if (!known.has(target)) known.set(target, version(target));
    const opId = send(kind, data);
    if (!opId) return opId;   // nothing was sent (a read-only view)
    remember(opId);
    push(undos, { target, kind, parts, before, after: null, ops: [opId], at: now(), label: whatOf(kind, parts) });
    redos = [];
    changed();
    return opId;
  }

  function remember(opId) {
    mine.add(opId);
    if (mine.size > limit * 4) mine.delete(mine.values().next().value);
  }

  function push(stack, entry) {
    stack.push(entry);
    if (stack.length > limit) stack.splice(0, stack.length - limit);
  }

  // --- what the server says ----------------------------------------------------------------
  // Every event of the room (after it is applied) and every snapshot pass through here.
  function observe({ kind, data, op_id: opId }) {
    if (kind === "snapshot") {
      // What happened while this page was away is unknown: anything since is someone else's.
      known.clear();
      for (const e of [...undos, ...redos]) known.set(e.target, version(e.target));
      unstick();
      return;
    }
    const own = !!opId && mine.has(opId);
    for (const target of touched(kind, data || {})) {
      const was = known.get(target);
      const is = version(target);
      known.set(target, is);
      // This person's own later change: what their older entries expect moves on with it.
      if (own && was !== undefined && was !== is) {
        for (const e of [...undos, ...redos]) if (e.target === target && e.after === was) e.after = is;
      }
    }
    if (own) settle(opId);
  }

  function touched(kind, d) {
    if (kind.startsWith("note.") && d.id) return [`note:${d.id}`, ...Object.keys(d.renumbered || {}).filter((id) => id !== d.id).map((id) => `note:${id}`)];
    if (kind === "notes.reveal") return (d.notes || []).map((n) => `note:${n.id}`);
    if (FIELD_KINDS.includes(kind) && d.key) return [`field:${d.key}`];
    return [];
  }

  function settle(opId) {
    for (const e of [...undos, ...redos]) {
      if (e.after !== null || !e.ops.includes(opId)) continue;
      e.done = (e.done || 0) + 1;
      if (e.done < e.ops.length) continue;
      e.after = version(e.target);
      delete e.done;
      known.set(e.target, e.after);
      if (running && running.entry === e) finish(true);
    }
    changed();
  }

  // An op was refused. Returns true when it was an undo or redo (this module says why);
  // an ordinary change that was refused is forgotten and the page handles its error.
  function refused(err) {
    const opId = err && err.op_id;
    if (!opId || !mine.has(opId)) return false;
    if (running && running.entry.ops.includes(opId)) {
      const { entry, action } = running;
      drop(entry);
      // A note or field someone else changed (or deleted) first; a vote has no one else's
      // change to meet, so its refusal (voting closed, no votes left) is said as it is.
      const foreign = !entry.target.startsWith("vote:") && ["conflict", "not_found", "invalid"].includes(err.code);
      announce(foreign ? `history.skipped_${action}` : `history.refused_${action}`,
               { what: running.what, reason: err.message || "" });
      finish(false);
      changed();
      return true;
    }
    for (const e of [...undos, ...redos]) if (e.ops.includes(opId)) drop(e);
    changed();
    return false;
  }

  // Changes the server has answered whose events this page never saw (a snapshot stood in
  // for them): the board as it is now is what they left.
  function unstick() {
    for (const e of [...undos, ...redos]) {
      if (e.after !== null || e.ops.some((id) => isPending(id))) continue;
      e.after = version(e.target);
      delete e.done;
      known.set(e.target, e.after);
      if (running && running.entry === e) finish(true);
    }
    changed();
  }

  function drop(entry) {
    undos = undos.filter((e) => e !== entry);
    redos = redos.filter((e) => e !== entry);
  }

  // --- undo and redo -----------------------------------------------------------------------
  function undo() { step("undo"); }
  function redo() { step("redo"); }

  function step(action) {
    if (running && now() - running.at > STUCK_MS) unstick();
    if (running) { if (queued.length < MAX_QUEUED) queued.push(action); return; }
    const stack = action === "undo" ? undos : redos;
    const entry = stack[stack.length - 1];
    if (!entry) { announce(`history.nothing_${action}`); return; }
    if (entry.after === null) { announce("history.saving"); return; }
    stack.pop();
    // Messages name the change as the person made it (a redo of a creation is "adding").
    const what = `history.what.${entry.label || whatOf(entry.kind, entry.parts)}`;
    // Someone else changed it since: putting it back would overwrite their change.
    if (entry.target.startsWith("vote:") ? false : version(entry.target) !== entry.after) {
      announce(`history.skipped_${action}`, { what });
      changed();
      next();
      return;
    }
    const kind = entry.kind in VOTES ? VOTES[entry.kind] : entry.kind;
    const before = capture(entry.target, entry.parts, entry.kind);
    const ops = restore(entry);
    if (!ops.length) { announce(`history.done_${action}`, { what }); changed(); next(); return; }
    const ids = ops.map(([k, data]) => { const id = send(k, data); remember(id); return id; });
    // Its own inverse goes on the other stack, waiting (like any change) for the server.
    const inverse = { target: entry.target, kind: kindOfInverse(entry, kind), parts: entry.parts, before, after: null, ops: ids, at: now(), label: entry.label };
    push(action === "undo" ? redos : undos, inverse);
    running = { entry: inverse, action, what, at: now() };
    changed();
  }

  // The kind of change an undo makes: undoing a create deletes, undoing a delete creates.
  function kindOfInverse(entry, kind) {
    if (entry.parts[0] !== "*") return kind;
    return entry.before ? "note.create" : "note.delete";
  }

  function finish(ok) {
    const done = running;
    running = null;
    if (ok && done) announce(`history.done_${done.action}`, { what: done.what });
    next();
  }

  function next() {
    const action = queued.shift();
    if (action) step(action);
  }

  // The ops that put back what `entry.before` holds, each on the version the one before it
  // leaves (the server refuses any of them if someone got there first).
  function restore(entry) {
    const { type, id } = parse(entry.target);
    const base = version(entry.target);
    if (type === "vote") return [[VOTES[entry.kind], { note_id: id }]];
    if (type === "field") return [[entry.kind, { key: id, value: entry.before.value, base }]];
    const cur = read.note(id);
    const was = entry.before;
    if (entry.parts[0] === "*") {
      if (!was) return cur ? [["note.delete", { id, base }]] : [];
      if (cur) return [];
      const data = { id, section: was.section, text: was.text || "", actors: was.actors || [], x: was.x, y: was.y, colour: was.colour || "yellow" };
      if (was.answer) data.answer = was.answer;
      const ops = [["note.create", data]];
      // The server appends a step at the end of its lane; put it back where it was.
      if (was.step != null) {
        const lane = was.lane ?? "";
        const end = read.notes().filter((n) => n.section === was.section && (n.lane ?? "") === lane && n.step != null).length + 1;
        if (was.step < end) ops.push(["note.reorder", { id, step: was.step, base: 1 }]);
      }
      return ops;
    }
    if (!cur) return [];
    const differs = (p) => JSON.stringify(cur[p] ?? null) !== JSON.stringify(was[p] ?? null);
    if (entry.parts[0] === "x") return differs("x") || differs("y") ? [["note.move", { id, x: was.x, y: was.y, base }]] : [];
    if (entry.parts[0] === "step") return differs("step") && was.step != null ? [["note.reorder", { id, step: was.step, base }]] : [];
    const changes = Object.fromEntries(entry.parts.filter(differs).map((p) => [p, was[p] ?? (p === "actors" ? [] : "")]));
    return Object.keys(changes).length ? [["note.update", { id, ...changes, base }]] : [];
  }

  // --- keeping it across reconnects and reloads --------------------------------------------
  function save() {
    if (!storage || !key) return;
    try { storage.setItem(key, JSON.stringify({ room, undos, redos })); } catch { /* storage full or off */ }
  }

  function load() {
    if (!storage || !key) return;
    let saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch { saved = null; }
    if (!saved || saved.room !== room) return;
    // A change the server had not confirmed when the page went is not known to be applied.
    const keep = (list) => (Array.isArray(list) ? list : []).filter((e) => e && e.after !== null && now() - (e.at || 0) < MAX_AGE_MS).slice(-limit);
    undos = keep(saved.undos);
    redos = keep(saved.redos);
    for (const e of [...undos, ...redos]) for (const id of e.ops || []) mine.add(id);
  }

  function changed() {
    save();
    onChange({ canUndo: undos.length > 0, canRedo: redos.length > 0 });
  }

  return {
    track, observe, refused, undo, redo,
    get canUndo() { return undos.length > 0; },
    get canRedo() { return redos.length > 0; },
    get size() { return { undo: undos.length, redo: redos.length }; },
  };
}
