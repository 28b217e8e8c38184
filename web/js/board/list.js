// A notes section drawn as a list, for small phones and screen readers: the same notes
// as the canvas, in reading order (steps by number, one list per lane), each with Edit and
// Delete buttons and, for steps, Move up / Move down (also Alt+ArrowUp / Alt+ArrowDown).
// Items are kept between renders and only what changed is redrawn, so focus stays put.
// Also here: which view (canvas or list) this device shows, and the switch between them.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { panelShell } from "./panel.js";
import { freeSpot } from "./layout.js";
import { noteLanes, laneOf } from "../notes.js";

// --- the view preference ------------------------------------------------------------------
const VIEW_KEY = "flipchart:view";
const VIEWS = ["canvas", "list"];

// What a device shows: its stored choice; on the first visit, the list on narrow screens.
export function defaultView(stored, width) {
  if (VIEWS.includes(stored)) return stored;
  return width < 480 ? "list" : "canvas";
}

export function loadView(storage = globalThis.localStorage, width = globalThis.innerWidth) {
  let stored = null;
  try { stored = storage.getItem(VIEW_KEY); } catch { /* storage off */ }
  const view = defaultView(stored, width);
  if (stored !== view) saveView(view, storage);
  return view;
}

function saveView(view, storage = globalThis.localStorage) {
  try { storage.setItem(VIEW_KEY, view); } catch { /* storage off: this page only */ }
}

// Binds the "Board | List" buttons (data-view="canvas" / "list", aria-pressed) under `root`.
export function bindViewSwitch(root, view, onChange) {
  const buttons = [...root.querySelectorAll("button[data-view]")];
  const show = (v) => buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.view === v)));
  show(view);
  for (const b of buttons) {
    b.addEventListener("click", () => {
      if (b.getAttribute("aria-pressed") === "true") return;
      saveView(b.dataset.view);
      show(b.dataset.view);
      onChange(b.dataset.view);
    });
  }
}

// Puts `nodes` into `parent` in this order, moving as little as possible and never the
// node that holds the focus (moving a focused node drops its focus).
function arrange(parent, nodes) {
  const active = document.activeElement;
  const pinned = nodes.find((n) => n.contains(active) && n.parentNode === parent);
  let cursor = parent.firstChild;
  for (const n of nodes) {
    if (n === cursor) { cursor = cursor.nextSibling; continue; }
    if (n === pinned) {
      // Whatever stands before the focused node belongs later: send it to the end.
      while (cursor && cursor !== pinned) { const next = cursor.nextSibling; parent.append(cursor); cursor = next; }
      cursor = pinned.nextSibling;
      continue;
    }
    parent.insertBefore(n, cursor);
  }
  while (cursor) { const next = cursor.nextSibling; cursor.remove(); cursor = next; }
}

// Words a screen reader needs between pieces the eye tells apart by their boxes.
const sep = (text) => el("span", { class: "visually-hidden", text });

function snippet(text, max = 40) {
  const s = (text || "").replace(/\s+/g, " ").trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// --- the panel -------------------------------------------------------------------------------
export function noteListPanel(ctx, s, onToggle) {
  const { client } = ctx;
  const { node, head, canWrite } = panelShell(ctx, s, () => { render(); onToggle(); });
  node.classList.add("list-panel");
  const steps = s.kind === "steps";
  let add = null;
  if (canWrite) {
    add = el("button", { type: "button", class: "primary add-note",
      onclick: () => ctx.openEditor(s, null, freeSpot(ctx.notesOf(s.key))) }, t("canvas.add"));
    head.append(add);
  }
  if (canWrite && s.example && s.example.length) {
    node.append(el("p", { class: "example", text: t("canvas.example", { text: s.example[0] }) }));
  }
  const count = el("span", { class: "pick-count" });
  head.insertBefore(count, head.children[1] || null);
  const keysId = `list-keys-${s.key}`;
  const keys = el("p", { id: keysId, class: "visually-hidden", text: steps ? t("list.keys_steps") : t("list.keys") });
  const empty = el("p", { class: "list-empty muted", text: canWrite ? t("canvas.empty_writable") : t("canvas.empty") });
  const lanesBox = el("div", { class: "note-lists" });
  const status = el("p", { class: "visually-hidden", role: "status" });
  node.append(empty, lanesBox, keys, status);

  const items = new Map();    // note id -> {li, body, sig, tools}
  const lanes = new Map();    // lane key -> {box, heading, list}
  let moving = null;          // {id, step}: our reorder on its way to the server

  function laneBox(key) {
    let lane = lanes.get(key);
    if (!lane) {
      const headingId = `list-${s.key}-lane-${lanes.size}`;
      const heading = el("h3", { class: "lane-title", id: headingId });
      const list = el(steps ? "ol" : "ul", { class: "note-list", role: "list", "aria-labelledby": headingId });
      lane = { box: el("div", { class: "lane" }, heading, list), heading, list, headingId };
      lanes.set(key, lane);
    }
    return lane;
  }

  function laneTitle(key, notes) {
    if (key === "") return t("list.lane_group");
    if (key === client.you?.id) return t("list.lane_yours");
    return t("list.lane_of", { name: (notes[0] && notes[0].author_name) || t("people.someone") });
  }

  function render() {
    const notes = ctx.notesOf(s.key);
    empty.classList.toggle("hidden", notes.length > 0);
    count.textContent = notes.length ? t("canvas.count", { count: notes.length }) : "";
    const active = document.activeElement;
    const hadFocus = node.contains(active);

    // Notes gone: their items go, and the focus they held moves to a neighbour.
    const ids = new Set(notes.map((n) => n.id));
    let focusNext = null;
    for (const [id, item] of items) {
      if (ids.has(id)) continue;
      if (item.li.contains(active)) {
        const sib = item.li.nextElementSibling || item.li.previousElementSibling;
        focusNext = sib ? () => sib.focus() : () => (add || lanesBox).focus();
      }
      item.li.remove();
      items.delete(id);
    }

    const grouped = noteLanes(s.kind, notes);
    const named = steps && grouped.length > 1;
    for (const key of [...lanes.keys()]) {
      if (!grouped.some((g) => g.key === key)) { lanes.get(key).box.remove(); lanes.delete(key); }
    }
    for (const g of grouped) {
      const lane = laneBox(g.key);
      lane.heading.textContent = laneTitle(g.key, g.notes);
      lane.heading.hidden = !named;
      if (named) lane.list.setAttribute("aria-labelledby", lane.headingId);
      else lane.list.setAttribute("aria-labelledby", `h-${s.key}`);
      const numbered = g.notes.filter((n) => n.step).length;
      arrange(lane.list, g.notes.map((n) => fill(n, numbered)));
    }
    arrange(lanesBox, grouped.map((g) => lanes.get(g.key).box));

    if (moving) {
      const n = ctx.note(moving.id);
      if (!n) moving = null;
      else if (n.step === moving.step) {
        const lane = grouped.find((g) => g.notes.includes(n));
        status.textContent = t("list.moved", { step: n.step, count: lane ? lane.notes.length : n.step });
        moving = null;
      }
    }
    if (focusNext) focusNext();
    else if (hadFocus && !node.contains(document.activeElement) && document.contains(active)) active.focus();
  }

  // The item of a note, made once and refreshed where it changed.
  function fill(n, laneSize) {
    let item = items.get(n.id);
    if (!item) { item = makeItem(n); items.set(n.id, item); }
    item.li.className = `list-note c-${n.colour || "yellow"}${n.private ? " private" : ""}${n.pending ? " pending" : ""}`;
    const editors = ctx.editorsOf(n.id);
    const sig = JSON.stringify([n.step, n.text, n.answer, n.actors, n.private, n.author_name, editors]);
    if (sig !== item.sig) { item.sig = sig; drawBody(item.body, n, editors); }
    if (item.tools) {
      const which = steps && n.step ? t("list.which_step", { step: n.step }) : t("list.which_note", { text: snippet(n.text || n.answer) || t("note.empty") });
      item.tools.edit.lastChild.textContent = ` ${which}`;
      item.tools.del.lastChild.textContent = ` ${which}`;
      if (item.tools.up) {
        setEnabled(item.tools.up, !!n.step && n.step > 1, t("list.move_up", { step: n.step || "" }));
        setEnabled(item.tools.down, !!n.step && n.step < laneSize, t("list.move_down", { step: n.step || "" }));
      }
    }
    return item.li;
  }

  // A button that cannot act stays focusable (aria-disabled), so the focus never falls off
  // it when a move makes it the first or last step.
  function setEnabled(button, on, label) {
    button.setAttribute("aria-disabled", String(!on));
    button.setAttribute("aria-label", label);
    button.title = label;
  }

  function drawBody(body, n, editors) {
    clear(body);
    if (steps) {
      body.append(el("span", { class: "ln-step", "aria-hidden": "true", text: n.step ? String(n.step) : "·" }));
    }
    const main = el("div", { class: "ln-main" });
    if (steps && n.step) main.append(el("span", { class: "visually-hidden", text: `${t("note.label_step", { step: n.step })}: ` }));
    if (s.kind === "pairs") {
      const cols = s.columns || ["", ""];
      main.append(el("div", { class: "ln-col", text: cols[0] || t("editor.text") }),
        el("div", { class: `ln-text${n.text ? "" : " empty"}`, text: n.text || t("note.empty") }),
        el("div", { class: "ln-col", text: cols[1] || t("editor.answer") }),
        el("div", { class: `ln-text ln-answer${n.answer ? "" : " empty"}`, text: n.answer || "—" }));
    } else {
      main.append(el("div", { class: `ln-text${n.text ? "" : " empty"}`, text: n.text || t("note.empty") }));
    }
    const meta = el("div", { class: "ln-meta" });
    if (n.actors && n.actors.length) {
      meta.append(el("span", { class: "chips" }, el("span", { class: "visually-hidden", text: `${t("list.tags")} ` }),
        n.actors.flatMap((a, i) => [i ? sep(", ") : null, el("span", { class: "chip", text: a })])));
    }
    if (meta.childNodes.length) meta.append(sep(". "));
    if (n.private) meta.append(el("span", { class: "ln-author", text: t("note.private") }));
    else if (n.author_name) meta.append(el("span", { class: "ln-author", text: t("note.by", { name: n.author_name }) }));
    if (editors.length) meta.append(sep(". "), el("span", { class: "editing-by", text: t("note.editing", { names: [...new Set(editors.map((e) => e || t("people.someone")))].join(", ") }) }));
    if (meta.childNodes.length) main.append(meta);
    body.append(main);
  }

  function makeItem(n) {
    const bodyId = `ln-${s.key}-${n.id}`;
    const li = el("li", { class: "list-note", tabindex: "0", "data-id": n.id, "aria-labelledby": bodyId,
                          "aria-describedby": canWrite ? keysId : null });
    const body = el("div", { class: "ln-body", id: bodyId });
    li.append(body);
    const item = { li, body, sig: "", tools: null };
    if (canWrite) {
      const current = () => ctx.note(n.id);
      const labelled = (cls, text, onclick) =>
        el("button", { type: "button", class: cls, onclick }, text, el("span", { class: "visually-hidden" }));
      const tools = {
        edit: labelled("ln-edit", t("list.edit"), () => edit(current())),
        del: labelled("ln-delete danger", t("list.delete"), () => remove(current())),
      };
      const bar = el("div", { class: "ln-tools" });
      if (steps) {
        tools.up = el("button", { type: "button", class: "ln-move", "data-move": "up", onclick: (ev) => move(current(), -1, ev.currentTarget) }, "↑");
        tools.down = el("button", { type: "button", class: "ln-move", "data-move": "down", onclick: (ev) => move(current(), 1, ev.currentTarget) }, "↓");
        bar.append(tools.up, tools.down);
      }
      bar.append(tools.edit, tools.del);
      li.append(bar);
      item.tools = tools;
      li.addEventListener("keydown", (ev) => onKey(ev, li, current()));
    }
    return item;
  }

  function edit(n) { if (n && ctx.isWritable(s.key)) ctx.openEditor(s, n); }

  function remove(n) {
    if (!n || !ctx.isWritable(s.key) || !confirm(t("note.confirm_delete"))) return;
    ctx.op("note.delete", { id: n.id });
    status.textContent = t("list.deleted");
  }

  function move(n, delta, button) {
    if (!n || !n.step || !ctx.isWritable(s.key)) return;
    if (button && button.getAttribute("aria-disabled") === "true") return;
    const from = moving && moving.id === n.id ? moving.step : n.step;
    const size = ctx.notesOf(s.key).filter((x) => laneOf(x) === laneOf(n) && x.step).length;
    const step = from + delta;
    if (step < 1 || step > size) return;
    moving = { id: n.id, step };
    ctx.op("note.reorder", { id: n.id, step });
  }

  function onKey(ev, li, n) {
    if (!n) return;
    if (ev.altKey && (ev.key === "ArrowUp" || ev.key === "ArrowDown")) {
      if (!steps) return;
      ev.preventDefault();
      move(n, ev.key === "ArrowUp" ? -1 : 1);
    } else if (ev.key === "Enter" && ev.target === li && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      edit(n);
    } else if (ev.key === "Delete" && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      remove(n);
    }
  }

  const none = () => false;
  return { node, render, layout() {}, drag: none, settle() {} };
}
