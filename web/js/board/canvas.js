// A notes section drawn as a canvas of sticky notes: drag with any pointer, arrow keys
// to move, Enter to edit; other people's drags show live.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { panelShell } from "./panel.js";
import { BOARD, NOTE, clampX, clampY, freeSpot, noteLabel } from "./layout.js";

export function notePanel(ctx, s, onToggle) {
  const { client } = ctx;
  const { node, head, canWrite } = panelShell(ctx, s, () => { layout(); render(); onToggle(); });
  if (canWrite) {
    head.append(el("button", { type: "button", class: "primary add-note",
      onclick: () => ctx.openEditor(s, null, freeSpot(ctx.notesOf(s.key))) }, t("canvas.add")));
  }
  if (canWrite && s.example && s.example.length) {
    node.append(el("p", { class: "example", text: t("canvas.example", { text: s.example[0] }) }));
  }
  const canvas = el("div", { class: "canvas", "data-section": s.key });
  const scroller = el("div", { class: "canvas-scroll" }, canvas);
  const empty = el("div", { class: "empty-hint", text: canWrite ? t("canvas.empty_writable") : t("canvas.empty") });
  canvas.append(empty);
  node.append(scroller);
  const count = el("span", { class: "pick-count" });
  head.insertBefore(count, head.children[1] || null);
  const els = new Map();
  let scale = 1;

  canvas.addEventListener("dblclick", (ev) => {
    if (!ctx.isWritable(s.key) || ev.target !== canvas && ev.target !== empty) return;
    const r = canvas.getBoundingClientRect();
    const x = clampX((ev.clientX - r.left) / scale - NOTE.w / 2);
    const y = clampY((ev.clientY - r.top) / scale - 20);
    ctx.openEditor(s, null, { x, y });
  });

  function position(n) {
    return ctx.localPos.get(n.id) || { x: n.x, y: n.y };
  }

  function place(elm, x, y) {
    elm.style.transform = `translate(${x * scale}px, ${y * scale}px) scale(${scale})`;
    elm.dataset.x = String(Math.round(x));
    elm.dataset.y = String(Math.round(y));
  }

  function measure() {
    const avail = scroller.clientWidth;
    if (!avail) return;
    // Phones get a readable minimum size and scroll sideways; wider screens fit the width.
    scale = Math.max(avail / BOARD.w, 0.55);
    canvas.style.width = `${Math.floor(BOARD.w * scale)}px`;
    canvas.style.height = `${Math.floor(BOARD.h * scale)}px`;
  }

  function layout() {
    measure();
    for (const [id, elm] of els) {
      const n = ctx.note(id);
      if (n && !elm.classList.contains("dragging")) { const p = position(n); place(elm, p.x, p.y); }
    }
  }

  function render() {
    measure();
    const list = ctx.notesOf(s.key);
    empty.classList.toggle("hidden", list.length > 0);
    count.textContent = list.length ? t("canvas.count", { count: list.length }) : "";
    const seen = new Set();
    for (const n of list) {
      seen.add(n.id);
      let elm = els.get(n.id);
      if (!elm) { elm = makeNote(n); els.set(n.id, elm); canvas.append(elm); }
      fillNote(elm, n);
      if (!elm.classList.contains("dragging") && !elm.classList.contains("remote-drag")) {
        const p = position(n); place(elm, p.x, p.y);
      }
    }
    for (const [id, elm] of els) if (!seen.has(id)) { elm.remove(); els.delete(id); }
  }

  function makeNote(n) {
    const elm = el("div", { class: "note", tabindex: "0", role: "button", "data-id": n.id });
    elm.noteId = n.id;
    attachDrag(elm);
    elm.addEventListener("keydown", (ev) => onNoteKey(ev, elm));
    elm.addEventListener("dblclick", (ev) => {
      ev.stopPropagation();
      const cur = ctx.note(elm.noteId);
      if (cur && ctx.isWritable(s.key)) ctx.openEditor(s, cur);
    });
    return elm;
  }

  function fillNote(elm, n) {
    clear(elm);
    elm.className = `note c-${n.colour || "yellow"}${n.private ? " private" : ""}${n.pending ? " pending" : ""}${elm.classList.contains("dragging") ? " dragging" : ""}`;
    elm.setAttribute("aria-label", noteLabel(n, client.you));
    if (s.kind === "steps" && n.step) elm.append(el("span", { class: "badge", text: String(n.step) }));
    if (s.kind === "pairs") {
      const cols = s.columns || ["", ""];
      elm.append(el("div", { class: "col-label", text: cols[0] || "" }));
      elm.append(el("div", { class: `text${n.text ? "" : " empty"}`, text: n.text || t("note.empty") }));
      elm.append(el("div", { class: "col-label", text: cols[1] || "" }));
      elm.append(el("div", { class: `answer${n.answer ? "" : " empty"}`, text: n.answer || "—" }));
    } else {
      elm.append(el("div", { class: `text${n.text ? "" : " empty"}`, text: n.text || t("note.empty") }));
    }
    const meta = el("div", { class: "meta" });
    if (n.actors && n.actors.length) meta.append(el("div", { class: "chips" }, n.actors.map((a) => el("span", { class: "chip", text: a }))));
    if (n.private) meta.append(el("span", { text: t("note.private") }));
    else if (n.author_name) meta.append(el("span", { text: t("note.by", { name: n.author_name }) }));
    const editors = ctx.editorsOf(n.id);
    if (editors.length) meta.append(el("span", { class: "editing-by", text: t("note.editing", { names: editors.join(", ") }) }));
    elm.append(meta);
    if (ctx.isWritable(s.key)) {
      const tools = el("div", { class: "tools" });
      if (s.kind === "steps" && n.step) {
        tools.append(el("button", { type: "button", title: t("note.up"), "aria-label": t("note.up"), disabled: n.step <= 1,
          onclick: (ev) => { ev.stopPropagation(); ctx.op("note.reorder", { id: n.id, step: n.step - 1 }); } }, "↑"));
        tools.append(el("button", { type: "button", title: t("note.down"), "aria-label": t("note.down"),
          onclick: (ev) => { ev.stopPropagation(); ctx.op("note.reorder", { id: n.id, step: n.step + 1 }); } }, "↓"));
      }
      tools.append(el("button", { type: "button", title: t("note.edit"), "aria-label": t("note.edit"),
        onclick: (ev) => { ev.stopPropagation(); ctx.openEditor(s, ctx.note(n.id)); } }, "✎"));
      elm.append(tools);
    }
  }

  function attachDrag(elm) {
    let start = null;
    let lastSent = 0;
    let cur = null;
    elm.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0 || !ctx.isWritable(s.key) || ev.target.closest("button")) return;
      const n = ctx.note(elm.noteId);
      if (!n) return;
      const p = position(n);
      start = { px: ev.clientX, py: ev.clientY, x: p.x, y: p.y, moved: false };
      cur = { x: p.x, y: p.y };
      elm.setPointerCapture(ev.pointerId);
    });
    elm.addEventListener("pointermove", (ev) => {
      if (!start) return;
      const dx = (ev.clientX - start.px) / scale, dy = (ev.clientY - start.py) / scale;
      if (!start.moved && Math.hypot(ev.clientX - start.px, ev.clientY - start.py) < 4) return;
      if (!start.moved) { start.moved = true; elm.classList.add("dragging"); }
      cur = { x: clampX(Math.round(start.x + dx)), y: clampY(Math.round(start.y + dy)) };
      place(elm, cur.x, cur.y);
      const now = performance.now();
      if (now - lastSent >= 100) { lastSent = now; client.drag(ctx.groupRoom, elm.noteId, cur.x, cur.y); }
    });
    const finish = (ev) => {
      if (!start) return;
      const moved = start.moved;
      start = null;
      elm.classList.remove("dragging");
      try { elm.releasePointerCapture(ev.pointerId); } catch { /* already released */ }
      if (!moved) return;
      client.drag(ctx.groupRoom, elm.noteId, cur.x, cur.y);
      ctx.localPos.set(elm.noteId, { ...cur });
      ctx.op("note.move", { id: elm.noteId, x: cur.x, y: cur.y });
      place(elm, cur.x, cur.y);
    };
    elm.addEventListener("pointerup", finish);
    elm.addEventListener("pointercancel", finish);
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
      clearTimeout(keyTimer);
      keyTimer = setTimeout(() => ctx.op("note.move", { id: n.id, ...next }), 350);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      ctx.openEditor(s, n);
    } else if (ev.key === "Delete" || ev.key === "Backspace") {
      ev.preventDefault();
      if (confirm(t("note.confirm_delete"))) ctx.op("note.delete", { id: n.id });
    }
  }

  const dragTimers = new Map();
  function drag(id, x, y) {
    const elm = els.get(id);
    if (!elm || elm.classList.contains("dragging")) return false;
    elm.classList.add("remote-drag");
    place(elm, x, y);
    clearTimeout(dragTimers.get(id));
    dragTimers.set(id, setTimeout(() => { elm.classList.remove("remote-drag"); render(); }, 1500));
    return true;
  }

  function settle(id) {
    const elm = els.get(id);
    if (elm) { clearTimeout(dragTimers.get(id)); elm.classList.remove("remote-drag"); }
  }

  return { node, render, layout, drag, settle };
}
