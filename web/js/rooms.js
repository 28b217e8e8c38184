// A room as the client holds it: notes and fields by key, the phase, roster and
// spotlight, and how an event or an optimistic op changes it. No I/O, no timers.
import { applyCluster } from "./clusters.js";

export function emptyRoom(name) {
  return { name, seq: 0, notes: new Map(), fields: {}, phase: null, roster: null,
           spotlight: null, clusters: [], clusterView: "boards", presence: [], votes: null, loaded: false };
}

// Applies one server event (already in seq order) to the room.
export function applyEvent(r, msg) {
  const d = msg.data || {};
  switch (msg.kind) {
    case "note.create":
    case "note.update":
    case "note.move":
    case "note.reorder": {
      const { renumbered, ...note } = d;
      r.notes.set(note.id, note);
      renumber(r, renumbered);
      break;
    }
    case "note.delete":
      r.notes.delete(d.id);
      renumber(r, d.renumbered);
      break;
    case "notes.reveal":
      for (const n of d.notes || []) r.notes.set(n.id, n);
      break;
    case "field.set":
    case "pick.set":
      r.fields[d.key] = d;
      break;
    case "phase":
    case "phase.warning":
      r.phase = d;
      break;
    case "roster":
      r.roster = d;
      break;
    case "spotlight":
      r.spotlight = d.group_id ?? null;
      break;
    case "cluster.create":
    case "cluster.update":
    case "cluster.delete":
    case "cluster.add":
    case "cluster.remove":
      r.clusters = applyCluster(r.clusters, msg.kind, d);
      break;
    case "cluster.show":
      r.clusterView = d.view || "boards";
      break;
    case "vote.cast":
    case "vote.retract": {
      // Only the voter gets these (everyone else a "hidden" event): their own dots.
      const { note_id: _, ...view } = d;
      r.votes = view;
      break;
    }
    case "votes.results":
      r.votes = { ...(r.votes || {}), round: d.round, status: "closed", counts: d.counts || {} };
      break;
    default:
      break; // "hidden" and unknown kinds only advance seq
  }
}

// Shows a note op before the server confirms it; returns how to undo it ({id, note}:
// the note as it was, null if it did not exist), or null when nothing was shown.
export function showOptimistic(r, frame, you) {
  const { base, ...d } = frame.data || {};  // `base` is for the server, not part of a note
  const cur = r.notes.get(d.id);
  switch (frame.kind) {
    case "note.create":
      // Without an id the server names the note, so there is nothing to show it under yet.
      if (cur || !d.id) return null;
      r.notes.set(d.id, { text: "", answer: "", actors: [], colour: "yellow", step: null, private: false,
                          author: you?.id, author_name: you?.name, version: 0, ...d, pending: true });
      return { id: d.id, note: null };
    case "note.update":
    case "note.move":
      if (!cur) return null;
      r.notes.set(d.id, { ...cur, ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && v !== null)) });
      return { id: d.id, note: cur };
    case "note.delete":
      if (!cur) return null;
      r.notes.delete(d.id);
      return { id: d.id, note: cur };
    default:
      return null;
  }
}

// The server also raises the version of each note whose step changes (and sends no event
// of its own for it): doing the same keeps the `base` of the next edit or undo current.
function renumber(r, renumbered) {
  if (!renumbered) return;
  for (const [id, step] of Object.entries(renumbered)) {
    const n = r.notes.get(id);
    if (n && n.step !== step) r.notes.set(id, { ...n, step, version: (n.version || 0) + 1 });
  }
}
