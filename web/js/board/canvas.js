// A notes section drawn as a canvas of sticky notes in a pannable, zoomable window
// (viewport.js). A pointer that goes down on a note drags the note; on empty canvas it
// pans. One tap on a note's ✎ (or a double tap on the note) opens the editor; a double
// tap on empty canvas writes a note there. Arrow keys move a focused note, Enter edits.
// Other people's drags show live.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { limits } from "../limits.js";
import { panelShell } from "./panel.js";
import { BOARD, NOTE, GAP, clampX, clampY, freeSpot, canvasExtent, fitView, noteLabel, setBoard } from "./layout.js";
import { createViewport } from "./viewport.js";

// A note's place (--x, --y, set on the note: see place()) is the note's alone: registered
// as not inherited, moving a note restyles the note, not every element inside it too.
for (const name of ["--x", "--y"]) {
  try { CSS.registerProperty({ name, syntax: "<number>", inherits: false, initialValue: "0" }); } catch { /* registered already, or no CSS.registerProperty */ }
}

// Section key -> {scale, left, top}: each section keeps its zoom and place while the
// page lives, across the phases that rebuild the panels.
const views = new Map();
const DOUBLE_TAP_MS = 450;
const SLOP = { mouse: 3, pen: 6, touch: 8 };

function startView() {
  const coarse = globalThis.matchMedia && matchMedia("(pointer: coarse)").matches;
  return { scale: coarse ? 0.75 : 0.7, left: 0, top: 0 };
}

export function notePanel(ctx, s, onToggle) {
  const { client } = ctx;
  setBoard(limits.value("board_width", BOARD.w), limits.value("board_height", BOARD.h));
  const { node, head, canWrite } = panelShell(ctx, s, () => { layout(); render(); onToggle(); });
  if (canWrite) {
    head.append(el("button", { type: "button", class: "primary add-note", onclick: addNote }, t("canvas.add")));
  }
  if (canWrite && s.example && s.example.length) {
    node.append(el("p", { class: "example", text: t("canvas.example", { text: s.example[0] }) }));
  }
  if (!views.has(s.key)) views.set(s.key, startView());
  const vp = createViewport({
    label: t("canvas.label", { title: s.title }),
    state: views.get(s.key),
    extent: (view) => { last = canvasExtent(positions(), view); return last; },
    fit: (size) => fitView(positions(), size, 1),
    onTap, onPinch: cancelDrag, onScale: fitLines,
  });
  const { canvas } = vp;
  canvas.dataset.section = s.key;
  const empty = el("div", { class: "empty-hint", text: canWrite ? t("canvas.empty_writable") : t("canvas.empty") });
  canvas.append(empty);
  node.append(vp.node);
  const count = el("span", { class: "pick-count" });
  head.insertBefore(count, head.children[1] || null);
  const els = new Map();        // note id -> element
  const shown = new Map();      // note id -> {x, y} where it is drawn now
  let last = { w: 0, h: 0 };    // the canvas's extent, logical
  let revealNext = null;        // where "Add note" put the note being written
  let batch = false;            // rendering: the canvas is sized once, at the end

  // As many lines of text as a card has room for: a step note's ↑/↓ row is taller
  // than its tags when zoomed out (sizes as in app.css; a line is 22 px × 1.3).
  function fitLines(scale, canvas) {
    const tool = globalThis.matchMedia && matchMedia("(pointer: coarse)").matches ? 44 : 28;
    const rowShown = NOTE.w * scale >= (tool === 44 ? 130 : 90);
    const meta = Math.max(26, rowShown ? (tool + 6) / scale - 8 : 0);
    const lines = (row) => String(Math.max(1, Math.floor((NOTE.h - 18 - row) / 28.6)));
    canvas.style.setProperty("--lines", lines(26));
    canvas.style.setProperty("--lines-steps", lines(meta));
  }

  // A note on the move gets a compositor layer of its own while it moves: its moves are
  // then redrawn by moving that layer, not by repainting and re-rasterising the canvas
  // under it and re-layering every note on the board, each frame (that cost grows with
  // the notes on the board: 500 notes, 29 of them dragged by others at 10 Hz, filled a
  // laptop's frame budget).
  function lift(elm, on) {
    elm.style.willChange = on ? "transform" : "";
  }

  function position(n) {
    return ctx.localPos.get(n.id) || { x: n.x, y: n.y };
  }

  function positions() {
    return ctx.notesOf(s.key).map((n) => shown.get(n.id) || position(n));
  }

  function place(elm, x, y) {
    elm.style.setProperty("--x", String(x));
    elm.style.setProperty("--y", String(y));
    elm.dataset.x = String(Math.round(x));
    elm.dataset.y = String(Math.round(y));
    shown.set(elm.noteId, { x, y });
    // A note drawn near the canvas's edge makes the canvas grow (after a render's batch).
    if (!batch && (x + NOTE.w + GAP > last.w || y + NOTE.h + GAP > last.h)) vp.resize();
  }

  // The visible part of the canvas, less the corner the zoom buttons cover.
  function visible() {
    const v = vp.view();
    return { ...v, h: Math.max(NOTE.h, v.h - 56 / vp.scale) };
  }

  function addNote() {
    const spot = freeSpot(positions(), visible());
    revealNext = spot;
    ctx.openEditor(s, null, spot);
  }

  function layout() {
    vp.resize();
  }

  function render() {
    const list = ctx.notesOf(s.key);
    empty.classList.toggle("hidden", list.length > 0);
    // An empty section nobody can write to needs no tall window; one open for writing
    // keeps its size, so the first note does not move the page under the writer.
    vp.node.classList.toggle("is-empty", list.length === 0 && !ctx.isWritable(s.key));
    count.textContent = list.length ? t("canvas.count", { count: list.length }) : "";
    const seen = new Set();
    let fresh = null;
    batch = true;
    for (const n of list) {
      seen.add(n.id);
      let elm = els.get(n.id);
      if (!elm) { elm = makeNote(n); els.set(n.id, elm); canvas.append(elm); fresh = fresh || (revealNext && n.author === client.you?.id && n.x === revealNext.x && n.y === revealNext.y ? n : null); }
      fillNote(elm, n);
      if (!elm.classList.contains("dragging") && !elm.classList.contains("remote-drag")) {
        const p = position(n); place(elm, p.x, p.y);
      }
    }
    for (const [id, elm] of els) if (!seen.has(id)) { elm.remove(); els.delete(id); shown.delete(id); }
    batch = false;
    vp.resize();
    if (fresh) { revealNext = null; vp.reveal({ x: fresh.x, y: fresh.y, w: NOTE.w, h: NOTE.h }); }
  }

  function makeNote(n) {
    const elm = el("div", { class: "note", "data-id": n.id });
    elm.noteId = n.id;
    const card = el("div", { class: "note-card", tabindex: "0", role: "button" });
    elm.append(card);
    elm.card = card;
    attachDrag(elm);
    card.addEventListener("keydown", (ev) => onNoteKey(ev, elm));
    return elm;
  }

  function fillNote(elm, n) {
    const writable = ctx.isWritable(s.key);
    const steps = s.kind === "steps" && n.step;
    // Redrawn only when something it shows changed, so a focused button stays focused.
    const editors = ctx.editorsOf(n.id);
    const sig = JSON.stringify([n.text, n.answer, n.actors, n.colour, n.private, n.pending, n.step, n.author, n.author_name,
                                editors, writable, client.you?.id]);
    if (elm.sig === sig) return;
    elm.sig = sig;
    elm.className = `note c-${n.colour || "yellow"}${n.private ? " private" : ""}${n.pending ? " pending" : ""}`
      + `${elm.classList.contains("dragging") ? " dragging" : ""}${elm.classList.contains("remote-drag") ? " remote-drag" : ""}`
      + `${writable ? (steps ? " has-tools has-steps" : " has-tools") : ""}`;
    const card = clear(elm.card);
    // The card's name comes from what it shows (WCAG 2.5.3), with a few hidden words that
    // say what the badge and chips are; the title holds the whole text of a clamped note.
    card.title = noteLabel(n, client.you);
    // The tools sit over the card's top-right corner at a fixed screen size; this space
    // keeps the first lines of text clear of them.
    const space = writable ? el("span", { class: "tool-space", "aria-hidden": "true" }) : null;
    if (steps) card.append(el("span", { class: "badge" }, el("span", { class: "visually-hidden", text: t("note.step_prefix") }), String(n.step)));
    // The text's first lines flow around the tools; long text ends in an ellipsis.
    if (s.kind === "pairs") {
      const cols = s.columns || ["", ""];
      card.append(el("div", { class: `text${n.text ? "" : " empty"}` },
        el("div", {}, space, el("div", { class: "col-label", text: cols[0] || "" }), n.text || t("note.empty"))));
      card.append(el("div", { class: `answer${n.answer ? "" : " empty"}` },
        el("div", {}, el("div", { class: "col-label", text: cols[1] || "" }), n.answer || el("span", { "aria-hidden": "true", text: "—" }))));
    } else {
      card.append(el("div", { class: `text${n.text ? "" : " empty"}` }, el("div", {}, space, n.text || t("note.empty"))));
    }
    const meta = el("div", { class: "meta" });
    if (n.actors && n.actors.length) {
      meta.append(el("div", { class: "chips" }, el("span", { class: "visually-hidden", text: t("note.tags_prefix") }),
        n.actors.map((a) => el("span", { class: "chip", text: a }))));
    }
    if (n.private) meta.append(el("span", { text: t("note.private") }));
    else if (n.author_name) meta.append(el("span", { class: "author", text: t("note.by", { name: n.author_name }) }));
    if (editors.length) meta.append(el("span", { class: "editing-by", text: t("note.editing", { names: [...new Set(editors.map((e) => e || t("people.someone")))].join(", ") }) }));
    card.append(meta);
    for (const old of elm.querySelectorAll(":scope > .tools, :scope > .step-tools")) old.remove();
    if (writable) {
      // Siblings of the card, not inside it: a button inside a button is no button.
      elm.append(el("div", { class: "tools" },
        el("button", { type: "button", class: "edit-tool", title: t("note.edit"), "aria-label": t("note.edit_named", { text: (n.text || t("note.empty")).slice(0, 60) }),
          onclick: (ev) => { ev.stopPropagation(); ctx.openEditor(s, ctx.note(n.id)); } }, "✎")));
    }
    if (writable && steps) {
      elm.append(el("div", { class: "step-tools" },
        el("button", { type: "button", class: "step-tool", title: t("note.up"), "aria-label": t("note.up"), disabled: n.step <= 1,
          onclick: (ev) => { ev.stopPropagation(); ctx.op("note.reorder", { id: n.id, step: n.step - 1 }); } }, "↑"),
        el("button", { type: "button", class: "step-tool", title: t("note.down"), "aria-label": t("note.down"),
          onclick: (ev) => { ev.stopPropagation(); ctx.op("note.reorder", { id: n.id, step: n.step + 1 }); } }, "↓")));
    }
  }

  // --- taps ---------------------------------------------------------------------------
  let lastTap = null;
  function doubleTap(what, ev) {
    const now = performance.now();
    const prev = lastTap;
    lastTap = { what, t: now, x: ev.clientX, y: ev.clientY };
    if (prev && prev.what === what && now - prev.t < DOUBLE_TAP_MS && Math.hypot(prev.x - ev.clientX, prev.y - ev.clientY) < 40) {
      lastTap = null;
      return true;
    }
    return false;
  }

  // A tap the viewport did not pan with: on empty canvas (or a note nobody may move).
  function onTap(ev) {
    if (ev.target.closest("button")) return;
    const noteEl = ev.target.closest(".note");
    if (noteEl) { doubleTap(noteEl.noteId, ev); return; }
    if (!ctx.isWritable(s.key) || !doubleTap("canvas", ev)) return;
    const p = vp.toLogical(ev.clientX, ev.clientY);
    ctx.openEditor(s, null, { x: clampX(p.x - NOTE.w / 2), y: clampY(p.y - 20) });
  }

  // --- dragging a note ----------------------------------------------------------------
  let dragging = null;   // {elm, id, pointerId, grab, start, cur, moved, type, cx, cy, lastSent}

  function attachDrag(elm) {
    elm.addEventListener("pointerdown", (ev) => {
      if (ev.pointerType === "mouse" && ev.button !== 0) return;
      if (!ctx.isWritable(s.key) || ev.target.closest("button") || dragging || vp.panning) return;
      const n = ctx.note(elm.noteId);
      if (!n) return;
      ev.noteDrag = true;   // the viewport leaves this pointer to us
      const p = shown.get(n.id) || position(n);
      const at = vp.toLogical(ev.clientX, ev.clientY);
      dragging = { elm, id: n.id, pointerId: ev.pointerId, grab: { x: at.x - p.x, y: at.y - p.y }, start: { ...p }, cur: { ...p },
                   moved: false, type: ev.pointerType, sx: ev.clientX, sy: ev.clientY, cx: ev.clientX, cy: ev.clientY, lastSent: 0, frame: 0 };
      try { elm.setPointerCapture(ev.pointerId); } catch { /* gone already */ }
    });
    elm.addEventListener("pointermove", (ev) => {
      const d = dragging;
      if (!d || d.elm !== elm || d.pointerId !== ev.pointerId) return;
      d.cx = ev.clientX; d.cy = ev.clientY;
      if (!d.moved) {
        if (Math.hypot(ev.clientX - d.sx, ev.clientY - d.sy) < (SLOP[d.type] ?? 6)) return;
        d.moved = true;
        elm.classList.add("dragging");
        lift(elm, true);
        // The note follows the pointer once a frame, in an animation frame: geometry is
        // read there before anything is written, so no pointermove forces a style and
        // layout pass of its own. Near the window's edge the canvas scrolls under it.
        d.frame = requestAnimationFrame(function follow() {
          if (dragging !== d) return;
          vp.edgeScroll(d.cx, d.cy);
          track(d);
          d.frame = requestAnimationFrame(follow);
        });
      }
    });
    elm.addEventListener("pointerup", (ev) => finish(ev, true));
    elm.addEventListener("pointercancel", (ev) => finish(ev, false));
  }

  function track(d) {
    const at = vp.toLogical(d.cx, d.cy);
    d.cur = { x: clampX(at.x - d.grab.x), y: clampY(at.y - d.grab.y) };
    place(d.elm, d.cur.x, d.cur.y);
    const now = performance.now();
    if (now - d.lastSent >= 100) { d.lastSent = now; client.drag(ctx.groupRoom, d.id, d.cur.x, d.cur.y); }
  }

  function finish(ev, up) {
    const d = dragging;
    if (!d || d.pointerId !== ev.pointerId) return;
    dragging = null;
    cancelAnimationFrame(d.frame);
    d.elm.classList.remove("dragging");
    lift(d.elm, false);
    try { d.elm.releasePointerCapture(ev.pointerId); } catch { /* already released */ }
    if (!d.moved) {
      if (up && doubleTap(d.id, ev)) { const cur = ctx.note(d.id); if (cur) ctx.openEditor(s, cur); }
      return;
    }
    if (up) { d.cx = ev.clientX; d.cy = ev.clientY; track(d); }
    client.drag(ctx.groupRoom, d.id, d.cur.x, d.cur.y);
    ctx.localPos.set(d.id, { ...d.cur });
    ctx.op("note.move", { id: d.id, x: d.cur.x, y: d.cur.y });
    place(d.elm, d.cur.x, d.cur.y);
  }

  // A second finger turns the drag into a pinch: the note goes back where it was.
  function cancelDrag() {
    const d = dragging;
    if (!d) return;
    dragging = null;
    cancelAnimationFrame(d.frame);
    d.elm.classList.remove("dragging");
    lift(d.elm, false);
    if (d.moved) { place(d.elm, d.start.x, d.start.y); client.drag(ctx.groupRoom, d.id, d.start.x, d.start.y); }
  }

  let keyTimer = null;
  function onNoteKey(ev, elm) {
    const n = ctx.note(elm.noteId);
    if (!n || !ctx.isWritable(s.key)) return;
    const step = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, -10], ArrowDown: [0, 10] }[ev.key];
    if (step) {
      ev.preventDefault();
      const p = position(n);
      const next = { x: clampX(p.x + step[0]), y: clampY(p.y + step[1]) };
      ctx.localPos.set(n.id, next);
      place(elm, next.x, next.y);
      vp.reveal({ x: next.x, y: next.y, w: NOTE.w, h: NOTE.h });
      clearTimeout(keyTimer);
      keyTimer = setTimeout(() => ctx.op("note.move", { id: n.id, ...next }), 350);
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      ctx.openEditor(s, n);
    } else if (ev.key === "Delete" || ev.key === "Backspace") {
      ev.preventDefault();
      if (confirm(t("note.confirm_delete"))) ctx.op("note.delete", { id: n.id });
    }
  }

  // Other people's drags arrive many a frame (30 people at 10 Hz: 300 a second): the
  // latest place of each note is kept and drawn once, in the next animation frame. A note
  // whose drag has gone quiet for 1.5 s (its drop lost) goes back where the board has it.
  const remote = new Map();     // note id -> {x, y}: drawn at the next frame
  const dragSeen = new Map();   // note id -> when its last drag was drawn
  let remoteFrame = 0;
  let sweepTimer = 0;
  function drag(id, x, y) {
    const elm = els.get(id);
    if (!elm || elm.classList.contains("dragging")) return false;
    remote.set(id, { x, y });
    if (!remoteFrame) remoteFrame = requestAnimationFrame(drawRemote);
    return true;
  }

  function drawRemote() {
    remoteFrame = 0;
    const now = performance.now();
    let grow = false;
    batch = true;
    for (const [id, p] of remote) {
      const elm = els.get(id);
      if (!elm || elm.classList.contains("dragging")) continue;
      elm.classList.add("remote-drag");
      lift(elm, true);
      place(elm, p.x, p.y);
      dragSeen.set(id, now);
      grow = grow || p.x + NOTE.w + GAP > last.w || p.y + NOTE.h + GAP > last.h;
    }
    batch = false;
    remote.clear();
    if (grow) vp.resize();
    if (!sweepTimer && dragSeen.size) sweepTimer = setTimeout(sweep, 500);
  }

  function sweep() {
    sweepTimer = 0;
    const now = performance.now();
    let ended = false;
    for (const [id, t] of dragSeen) {
      if (now - t < 1500) continue;
      dragSeen.delete(id);
      const elm = els.get(id);
      if (elm) { elm.classList.remove("remote-drag"); lift(elm, false); ended = true; }
    }
    if (ended) render();
    if (dragSeen.size) sweepTimer = setTimeout(sweep, 500);
  }

  function settle(id) {
    remote.delete(id);
    dragSeen.delete(id);
    const elm = els.get(id);
    if (elm) { elm.classList.remove("remote-drag"); lift(elm, false); }
  }

  return { node, render, layout, drag, settle };
}
