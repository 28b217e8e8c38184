// Board geometry without the DOM: the board's size, where a new note goes, and how a
// note is described to a screen reader.
import { t } from "../i18n.js";

export const BOARD = { w: 1600, h: 1000 };
export const NOTE = { w: 260, h: 120 };

export function clampX(x) { return Math.max(0, Math.min(BOARD.w - NOTE.w, Math.round(x))); }
export function clampY(y) { return Math.max(0, Math.min(BOARD.h - NOTE.h, Math.round(y))); }

// The first grid spot no note covers, else somewhere at random.
export function freeSpot(taken) {
  const cols = Math.floor(BOARD.w / (NOTE.w + 30));
  for (let i = 0; i < 60; i++) {
    const x = 30 + (i % cols) * (NOTE.w + 30), y = 30 + Math.floor(i / cols) * (NOTE.h + 30);
    if (y > BOARD.h - NOTE.h) break;
    if (!taken.some((n) => Math.abs(n.x - x) < NOTE.w * 0.6 && Math.abs(n.y - y) < NOTE.h * 0.6)) return { x, y };
  }
  return { x: clampX(30 + Math.random() * 1200), y: clampY(30 + Math.random() * 800) };
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
