// Board geometry without the DOM: the board's bounds, a note's size, where a new note
// goes, how much canvas the notes need, the zoom that shows them all, and how a note is
// described to a screen reader. Positions are a note's top-left corner in logical units.
import { t } from "../i18n.js";

// The server's coordinate bounds (GET /api/limits: board_width, board_height); setBoard
// replaces these fallbacks once the limits are known.
export const BOARD = { w: 6000, h: 6000 };
// Every note has this size on the board (long text is clamped), as the server assumes
// when it lays notes out (app/board/rules.py NOTE_WIDTH, NOTE_HEIGHT, NOTE_GAP).
export const NOTE = { w: 260, h: 150 };
export const GAP = 30;
// The grid new notes snap to starts this far from the top-left corner.
export const MARGIN = 30;
// Empty canvas kept to the right of and below the notes, to drag a note further out (the
// canvas grows on while a note is dragged there).
export const ROOM = { x: NOTE.w + GAP, y: NOTE.h + GAP };
export const ZOOM = { min: 0.1, max: 2 };

export function setBoard(w, h) {
  if (Number.isFinite(w) && w >= NOTE.w) BOARD.w = w;
  if (Number.isFinite(h) && h >= NOTE.h) BOARD.h = h;
}

export function clampX(x) { return Math.max(0, Math.min(BOARD.w - NOTE.w, Math.round(x))); }
export function clampY(y) { return Math.max(0, Math.min(BOARD.h - NOTE.h, Math.round(y))); }

// Whether notes at a and b (top-left corners) cover each other, or come closer than `gap`.
export function overlaps(a, b, gap = 0) {
  return Math.abs(a.x - b.x) < NOTE.w + gap && Math.abs(a.y - b.y) < NOTE.h + gap;
}

const PITCH = { x: NOTE.w + GAP, y: NOTE.h + GAP };
// Placement keeps this much air between a new note and the others.
const AIR = 10;

function isFree(notes, spot) {
  for (const n of notes) if (overlaps(n, spot, AIR)) return false;
  return true;
}

function inside(spot, view) {
  return spot.x >= view.x && spot.y >= view.y
    && spot.x + NOTE.w <= view.x + view.w && spot.y + NOTE.h <= view.y + view.h;
}

// Where a new note goes: the first free grid slot (in reading order) wholly inside
// `view` (the visible part of the canvas, {x, y, w, h}); else the free slot nearest to
// the view's centre; else a spot beside a note. Never on another note while the board
// has room. `notes`: the positions ({x, y}) of the notes already there.
export function freeSpot(notes, view = { x: 0, y: 0, w: BOARD.w, h: BOARD.h }) {
  const cols = Math.floor((BOARD.w - NOTE.w - MARGIN) / PITCH.x) + 1;
  const rows = Math.floor((BOARD.h - NOTE.h - MARGIN) / PITCH.y) + 1;
  const slot = (i, j) => ({ x: MARGIN + i * PITCH.x, y: MARGIN + j * PITCH.y });
  // Slots wholly in view, row by row.
  const i0 = Math.max(0, Math.ceil((view.x - MARGIN) / PITCH.x));
  const j0 = Math.max(0, Math.ceil((view.y - MARGIN) / PITCH.y));
  for (let j = j0; j < rows; j++) {
    const first = slot(i0, j);
    if (first.y + NOTE.h > view.y + view.h) break;
    for (let i = i0; i < cols; i++) {
      const spot = slot(i, j);
      if (!inside(spot, view)) break;
      if (isFree(notes, spot)) return spot;
    }
  }
  // Nearest free slot anywhere, then nearest free spot beside a note.
  const cx = view.x + view.w / 2 - NOTE.w / 2, cy = view.y + view.h / 2 - NOTE.h / 2;
  const nearest = (spots) => {
    let best = null, bestD = Infinity;
    for (const spot of spots) {
      const d = (spot.x - cx) ** 2 + (spot.y - cy) ** 2;
      if (d < bestD && isFree(notes, spot)) { best = spot; bestD = d; }
    }
    return best;
  };
  const slots = [];
  for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) slots.push(slot(i, j));
  slots.sort((a, b) => ((a.x - cx) ** 2 + (a.y - cy) ** 2) - ((b.x - cx) ** 2 + (b.y - cy) ** 2));
  for (const spot of slots) if (isFree(notes, spot)) return spot;
  const beside = [];
  for (const n of notes) {
    for (const [dx, dy] of [[PITCH.x, 0], [0, PITCH.y], [-PITCH.x, 0], [0, -PITCH.y]]) {
      const x = Math.round(n.x + dx), y = Math.round(n.y + dy);
      if (x >= 0 && y >= 0 && x <= BOARD.w - NOTE.w && y <= BOARD.h - NOTE.h) beside.push({ x, y });
    }
  }
  // A board this full has nowhere left: the corner of the view, on top of something.
  return nearest(beside) || { x: clampX(view.x + MARGIN), y: clampY(view.y + MARGIN) };
}

// The box around every note ({x, y, w, h}), or null for none.
export function contentBounds(notes) {
  if (!notes.length) return null;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of notes) {
    x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y);
    x1 = Math.max(x1, n.x + NOTE.w); y1 = Math.max(y1, n.y + NOTE.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

// How big the canvas is: the notes and some room beyond them, at least the visible size
// (`view`: {w, h} in logical units), never more room than the bounds allow.
export function canvasExtent(notes, view) {
  const b = contentBounds(notes);
  const w = b ? Math.min(BOARD.w, b.x + b.w + ROOM.x) : 0;
  const h = b ? Math.min(BOARD.h, b.y + b.h + ROOM.y) : 0;
  return { w: Math.ceil(Math.max(view.w, w)), h: Math.ceil(Math.max(view.h, h)) };
}

// The zoom and top-left corner that show every note in a viewport of `size` screen
// pixels ({w, h}), no closer than `max` (1: a note at its full size).
export function fitView(notes, size, max = 1) {
  const b = contentBounds(notes);
  if (!b || !size.w || !size.h) return { scale: Math.min(1, max), x: 0, y: 0 };
  const pad = MARGIN;
  const w = b.w + 2 * pad, h = b.h + 2 * pad;
  const scale = Math.max(ZOOM.min, Math.min(max, size.w / w, size.h / h));
  // Centre the notes when the viewport is wider (or taller) than they need.
  const x = Math.max(0, b.x - pad - (size.w / scale - w) / 2);
  const y = Math.max(0, b.y - pad - (size.h / scale - h) / 2);
  return { scale, x, y };
}

// Everything a sighted participant reads on the note: step, text, tags and author.
export function noteLabel(n, you) {
  const parts = [];
  if (n.step) parts.push(t("note.label_step", { step: n.step }));
  parts.push(n.text || t("note.empty"));
  if (n.answer) parts.push(n.answer);
  if (n.actors && n.actors.length) parts.push(t("note.label_tags", { tags: n.actors.join(", ") }));
  if (n.private) parts.push(t("note.private"));
  else if (n.author_name) parts.push(t("note.label_author", { name: n.author_name + (n.author === you?.id ? ` (${t("people.you")})` : "") }));
  return parts.join(". ");
}
