// What a group's board holds, read the same way by every page that shows it: the
// participant's list view (board/list.js), the facilitator's wall (facilitate/wall.js) and
// the projector (screen/views.js, screen/plenary.js). `room`: a room from rooms.js.

export const NOTE_KINDS = new Set(["steps", "cards", "pairs"]);

// The notes everyone may see (a screen's socket never receives the others).
export function sharedNotes(room, sectionKey) {
  return [...room.notes.values()].filter((n) => !n.private && n.section === sectionKey);
}

export function privateCount(room) {
  let count = 0;
  for (const n of room.notes.values()) if (n.private) count += 1;
  return count;
}

// The labels of the options a pick section has chosen, in the template's order.
export function pickedLabels(s, room) {
  const chosen = room.fields[s.key]?.value || [];
  return (s.options || []).filter((o) => chosen.includes(o.value)).map((o) => o.label);
}

// A section's count: shared notes, picks of `choose`, fields filled.
export function sectionCount(s, room) {
  if (s.kind === "pick") return `${(room.fields[s.key]?.value || []).length}/${s.choose || ""}`;
  if (s.kind === "form") {
    const fields = s.fields || [];
    return `${fields.filter((f) => room.fields[`${s.key}.${f.key}`]?.value).length}/${fields.length}`;
  }
  return String(sharedNotes(room, s.key).length);
}

// The lane a note is numbered in: its own, or (a private note not yet revealed) its author's.
export const laneOf = (n) => n.lane ?? (n.private ? n.author : "");
const created = (n) => n.created_at ?? Infinity;   // a note still on its way goes last

// The notes of a section as lists: [{key, name, notes}]. Steps by lane (the group's own
// numbering, key "", first; then each author's, by name), each by step number; other
// kinds one list by creation (stable while others drag notes around the canvas).
export function noteLanes(kind, notes) {
  if (kind !== "steps") return [{ key: "", name: "", notes: [...notes].sort((a, b) => created(a) - created(b)) }];
  const lanes = new Map();
  for (const n of notes) {
    const k = laneOf(n);
    if (!lanes.has(k)) lanes.set(k, []);
    lanes.get(k).push(n);
  }
  const out = [...lanes].map(([key, list]) => ({
    key,
    name: key ? (list[0]?.author_name || "") : "",
    notes: list.sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity) || created(a) - created(b)),
  }));
  return out.sort((a, b) => (a.key === "" ? -1 : b.key === "" ? 1 : a.name.localeCompare(b.name) || a.key.localeCompare(b.key)));
}
