// The participant's group board.
import { SyncClient, uuid, secondsLeft, formatClock } from "./sync.js";
import { get, el, clear, codeFromPath, loadToken, connectionBadge, toast } from "./api.js";
import { limits, applyLimits } from "./limits.js";

const W = 1600, H = 1000, NOTE_W = 260, NOTE_H = 120;
const COLOURS = ["yellow", "pink", "blue", "green", "orange", "purple"];
const NOTE_KINDS = new Set(["steps", "cards", "pairs"]);

const code = codeFromPath();
const token = loadToken(code, "participant");
if (!token) location.replace(`/j/${encodeURIComponent(code)}`);

const $ = (id) => document.getElementById(id);
let template = null;
let client = null;
let groupRoom = null;
let workshopRoom = null;
const panels = new Map();       // section key -> panel controller
const localPos = new Map();     // note id -> {x, y} while our own move is in flight
const toolkitCache = new Map();
let lastReading = "";

// ---------------------------------------------------------------------------------------
async function start() {
  const limitsLoaded = applyLimits();
  try {
    const info = await get(`/api/workshops/${encodeURIComponent(code)}`);
    $("workshop-title").textContent = info.title || info.template_title;
    document.title = `${info.title || info.template_title} · Flipchart`;
    template = await get(`/api/templates/${encodeURIComponent(info.template)}`);
  } catch (err) {
    $("phase-title").textContent = err.status === 404 ? "There is no workshop with this code." : err.message;
    return;
  }
  await limitsLoaded;
  client = new SyncClient({ code, token });
  window.flipchartClient = client; // for debugging and browser tests
  connectionBadge($("conn"), client);
  client.on("unauthorized", () => location.replace(`/j/${encodeURIComponent(code)}`));
  client.on("welcome", (msg) => {
    workshopRoom = `workshop:${msg.you.workshop_id}`;
    const room = `group:${msg.you.group_id}`;
    if (room !== groupRoom) { groupRoom = room; buildPanels(); }
  });
  client.on("change", onChange);
  client.on("drag", onRemoteDrag);
  client.on("presence", ({ room }) => { if (room === groupRoom) renderPresence(); });
  client.on("error", (err) => {
    if (err.code === "conflict" && err.current) {
      const r = client.room(groupRoom);
      r.fields[err.current.key] = err.current;
      renderAll();
      toast(`${err.current.by_name || "Someone"} changed this in the meantime; here is their version.`);
      return;
    }
    localPos.clear();
    renderAll();
    toast(err.message);
  });
  client.connect();
  setInterval(tick, 250);
  new ResizeObserver(() => panels.forEach((p) => p.layout && p.layout())).observe($("sections"));
}

function onChange({ room, kind, data, op_id }) {
  if (room === workshopRoom) {
    if (kind === "phase" || kind === "phase.warning" || kind === "snapshot") renderPhase();
    if (kind === "roster" || kind === "snapshot") renderGroupName();
    return;
  }
  if (room !== groupRoom) return;
  if (kind.startsWith("note.") && data) {
    if (kind === "note.move" && localPos.has(data.id)) localPos.delete(data.id);
    const section = data.section;
    const p = panels.get(section);
    if (p && p.settle && (kind === "note.move" || kind === "note.delete")) p.settle(data.id);
    if (p && p.render) p.render();
    if (data.renumbered) panels.forEach((q) => q.render && q.render());
  } else {
    renderAll();
  }
  if (kind === "pick.set" || kind === "snapshot") renderReading();
}

function renderAll() {
  panels.forEach((p) => p.render && p.render());
  renderReading();
}

// --- phase bar -------------------------------------------------------------------------
function phase() { return workshopRoom ? client.room(workshopRoom).phase : null; }

function renderPhase() {
  const p = phase();
  if (!p) return;
  const statusText = { lobby: "Waiting", running: "", paused: "Paused", timeup: "Time is up", plenary: "Plenary", closed: "Closed" };
  $("phase-title").textContent = p.status === "lobby" ? "Waiting for the facilitator to start" : p.title;
  $("phase-status").textContent = statusText[p.status] ?? p.status;
  $("phase-status").classList.toggle("hidden", !statusText[p.status]);
  const tp = template.phases.find((x) => x.key === p.key);
  $("phase-instructions").textContent = p.status === "lobby"
    ? "You are in. The activity starts when the facilitator says so; your group's board is below."
    : (tp && tp.instructions) || "";
  const prompts = $("phase-prompts");
  const ul = clear(prompts.querySelector("ul"));
  const list = (tp && tp.prompts) || [];
  list.forEach((q) => ul.append(el("li", { text: q })));
  prompts.classList.toggle("hidden", !list.length || p.status === "lobby");
  if (list.length && window.innerWidth > 800) prompts.open = true;
  buildPanels();
  tick();
}

function renderGroupName() {
  const roster = workshopRoom && client.room(workshopRoom).roster;
  const you = client.you;
  if (!roster || !you) return;
  const g = roster.groups.find((x) => x.id === you.group_id);
  $("group-name").textContent = g ? g.name : "";
}

function tick() {
  const p = phase();
  const node = $("countdown");
  if (!p) { node.textContent = ""; return; }
  const left = secondsLeft(p, client);
  node.textContent = left == null ? "" : formatClock(left);
  node.classList.toggle("warn", left != null && left <= 60 && left > 0);
  node.classList.toggle("over", left === 0);
}

// --- presence --------------------------------------------------------------------------
function renderPresence() {
  const list = clear($("people"));
  const members = (client.room(groupRoom).presence || []).filter((m) => m.role === "participant");
  for (const m of members) {
    const editing = m.editing ? " · editing" : "";
    list.append(el("li", {}, el("span", { class: "dot on" }),
      el("span", { text: `${m.name}${m.id === client.you?.id ? " (you)" : ""}${editing}` })));
  }
  panels.forEach((p) => p.render && p.render());
}

function editorsOf(noteId) {
  const members = groupRoom ? client.room(groupRoom).presence || [] : [];
  return members.filter((m) => m.editing === noteId && m.id !== client.you?.id).map((m) => m.name);
}

// --- sections --------------------------------------------------------------------------
let builtFor = "";
function buildPanels() {
  if (!template || !groupRoom) return;
  const p = phase();
  const order = p ? (p.writable || []).join(",") : "";
  const signature = `${groupRoom}|${order}|${p ? p.status : ""}`;
  if (signature === builtFor) { renderAll(); return; }
  builtFor = signature;
  const root = clear($("sections"));
  panels.clear();
  const readingBox = el("section", { class: "panel reader hidden", id: "reader" });
  root.append(readingBox);
  lastReading = "";
  const w = (p && p.writable) || [];
  const sections = [...template.sections].sort((a, b) => (w.includes(b.key) ? 1 : 0) - (w.includes(a.key) ? 1 : 0));
  for (const s of sections) {
    const ctl = NOTE_KINDS.has(s.kind) ? notePanel(s) : s.kind === "pick" ? pickPanel(s) : s.kind === "form" ? formPanel(s) : null;
    if (!ctl) continue;
    panels.set(s.key, ctl);
    root.append(ctl.node);
  }
  renderAll();
  panels.forEach((c) => c.layout && c.layout());
}

const expanded = new Set();     // read-only sections the participant opened

function panelShell(s) {
  const canWrite = isWritable(s.key);
  const open = canWrite || expanded.has(s.key);
  const node = el("section", { class: `panel${canWrite ? "" : " readonly"}${open ? "" : " collapsed"}`, "data-section": s.key, "aria-label": s.title });
  const head = el("div", { class: "panel-head" }, el("h2", { class: "panel-title", text: s.title }));
  node.append(head);
  if (!canWrite) {
    const toggle = el("button", { type: "button", class: "small toggle", "aria-expanded": String(open) }, open ? "Hide" : "Show");
    toggle.addEventListener("click", () => {
      const nowOpen = node.classList.toggle("collapsed") === false;
      if (nowOpen) expanded.add(s.key); else expanded.delete(s.key);
      toggle.textContent = nowOpen ? "Hide" : "Show";
      toggle.setAttribute("aria-expanded", String(nowOpen));
      const ctl = panels.get(s.key);
      if (ctl) { if (ctl.layout) ctl.layout(); if (ctl.render) ctl.render(); }
    });
    head.append(toggle);
  }
  if (s.hint) node.append(el("p", { class: "hint", text: s.hint }));
  return { node, head, canWrite };
}

function isWritable(key) {
  const p = phase();
  return !!p && (p.status === "running" || p.status === "paused") && (p.writable || []).includes(key);
}

// --- note canvas -----------------------------------------------------------------------
function notePanel(s) {
  const { node, head, canWrite } = panelShell(s);
  if (canWrite) {
    head.append(el("button", { type: "button", class: "primary add-note", onclick: () => openEditor(s, null, freeSpot(s)) }, "Add note"));
  }
  if (canWrite && s.example && s.example.length) {
    node.append(el("p", { class: "example", text: `For example: “${s.example[0]}”` }));
  }
  const canvas = el("div", { class: "canvas", "data-section": s.key });
  const scroller = el("div", { class: "canvas-scroll" }, canvas);
  const empty = el("div", { class: "empty-hint", text: canWrite ? "Double-click here or use “Add note”." : "No notes yet." });
  canvas.append(empty);
  node.append(scroller);
  const count = el("span", { class: "pick-count" });
  head.insertBefore(count, head.children[1] || null);
  const els = new Map();
  let scale = 1;

  canvas.addEventListener("dblclick", (ev) => {
    if (!isWritable(s.key) || ev.target !== canvas && ev.target !== empty) return;
    const r = canvas.getBoundingClientRect();
    const x = clampX((ev.clientX - r.left) / scale - NOTE_W / 2);
    const y = clampY((ev.clientY - r.top) / scale - 20);
    openEditor(s, null, { x, y });
  });

  function notes() {
    return [...client.room(groupRoom).notes.values()].filter((n) => n.section === s.key);
  }

  function position(n) {
    return localPos.get(n.id) || { x: n.x, y: n.y };
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
    scale = Math.max(avail / W, 0.55);
    canvas.style.width = `${Math.floor(W * scale)}px`;
    canvas.style.height = `${Math.floor(H * scale)}px`;
  }

  function layout() {
    measure();
    for (const [id, elm] of els) {
      const n = client.room(groupRoom).notes.get(id);
      if (n && !elm.classList.contains("dragging")) { const p = position(n); place(elm, p.x, p.y); }
    }
  }

  function render() {
    measure();
    const list = notes();
    empty.classList.toggle("hidden", list.length > 0);
    count.textContent = list.length ? `${list.length} note${list.length === 1 ? "" : "s"}` : "";
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
    elm.addEventListener("dblclick", (ev) => { ev.stopPropagation(); const cur = client.room(groupRoom).notes.get(elm.noteId); if (cur && isWritable(s.key)) openEditor(s, cur); });
    return elm;
  }

  function fillNote(elm, n) {
    clear(elm);
    elm.className = `note c-${n.colour || "yellow"}${n.private ? " private" : ""}${n.pending ? " pending" : ""}${elm.classList.contains("dragging") ? " dragging" : ""}`;
    elm.setAttribute("aria-label", `${n.step ? `Step ${n.step}: ` : ""}${n.text || "empty note"}`);
    if (s.kind === "steps" && n.step) elm.append(el("span", { class: "badge", text: String(n.step) }));
    if (s.kind === "pairs") {
      const cols = s.columns || ["", ""];
      elm.append(el("div", { class: "col-label", text: cols[0] || "" }));
      elm.append(el("div", { class: `text${n.text ? "" : " empty"}`, text: n.text || "(empty)" }));
      elm.append(el("div", { class: "col-label", text: cols[1] || "" }));
      elm.append(el("div", { class: `answer${n.answer ? "" : " empty"}`, text: n.answer || "—" }));
    } else {
      elm.append(el("div", { class: `text${n.text ? "" : " empty"}`, text: n.text || "(empty)" }));
    }
    const meta = el("div", { class: "meta" });
    if (n.actors && n.actors.length) meta.append(el("div", { class: "chips" }, n.actors.map((a) => el("span", { class: "chip", text: a }))));
    if (n.private) meta.append(el("span", { text: "only you see this for now" }));
    else if (n.author_name) meta.append(el("span", { text: `— ${n.author_name}` }));
    const editors = editorsOf(n.id);
    if (editors.length) meta.append(el("span", { class: "editing-by", text: `${editors.join(", ")} editing…` }));
    elm.append(meta);
    if (isWritable(s.key)) {
      const tools = el("div", { class: "tools" });
      if (s.kind === "steps" && n.step) {
        tools.append(el("button", { type: "button", title: "Move up", "aria-label": "Move step up", disabled: n.step <= 1,
          onclick: (ev) => { ev.stopPropagation(); client.op(groupRoom, "note.reorder", { id: n.id, step: n.step - 1 }); } }, "↑"));
        tools.append(el("button", { type: "button", title: "Move down", "aria-label": "Move step down",
          onclick: (ev) => { ev.stopPropagation(); client.op(groupRoom, "note.reorder", { id: n.id, step: n.step + 1 }); } }, "↓"));
      }
      tools.append(el("button", { type: "button", title: "Edit", "aria-label": "Edit note",
        onclick: (ev) => { ev.stopPropagation(); openEditor(s, client.room(groupRoom).notes.get(n.id)); } }, "✎"));
      elm.append(tools);
    }
  }

  function attachDrag(elm) {
    let start = null;
    let lastSent = 0;
    let cur = null;
    elm.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0 || !isWritable(s.key) || ev.target.closest("button")) return;
      const n = client.room(groupRoom).notes.get(elm.noteId);
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
      if (now - lastSent >= 100) { lastSent = now; client.drag(groupRoom, elm.noteId, cur.x, cur.y); }
    });
    const finish = (ev) => {
      if (!start) return;
      const moved = start.moved;
      start = null;
      elm.classList.remove("dragging");
      try { elm.releasePointerCapture(ev.pointerId); } catch { /* already released */ }
      if (!moved) return;
      client.drag(groupRoom, elm.noteId, cur.x, cur.y);
      localPos.set(elm.noteId, { ...cur });
      client.op(groupRoom, "note.move", { id: elm.noteId, x: cur.x, y: cur.y });
      place(elm, cur.x, cur.y);
    };
    elm.addEventListener("pointerup", finish);
    elm.addEventListener("pointercancel", finish);
  }

  let keyTimer = null;
  function onNoteKey(ev, elm) {
    const n = client.room(groupRoom).notes.get(elm.noteId);
    if (!n || !isWritable(s.key)) return;
    const step = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, -10], ArrowDown: [0, 10] }[ev.key];
    if (step) {
      ev.preventDefault();
      const p = position(n);
      const next = { x: clampX(p.x + step[0]), y: clampY(p.y + step[1]) };
      localPos.set(n.id, next);
      place(elm, next.x, next.y);
      clearTimeout(keyTimer);
      keyTimer = setTimeout(() => client.op(groupRoom, "note.move", { id: n.id, ...next }), 350);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      openEditor(s, n);
    } else if (ev.key === "Delete" || ev.key === "Backspace") {
      ev.preventDefault();
      if (confirm("Delete this note?")) client.op(groupRoom, "note.delete", { id: n.id });
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

function onRemoteDrag(msg) {
  if (msg.room !== groupRoom) return;
  for (const p of panels.values()) if (p.drag && p.drag(msg.id, msg.x, msg.y)) return;
}

function clampX(x) { return Math.max(0, Math.min(W - NOTE_W, Math.round(x))); }
function clampY(y) { return Math.max(0, Math.min(H - NOTE_H, Math.round(y))); }

function freeSpot(s) {
  const taken = [...client.room(groupRoom).notes.values()].filter((n) => n.section === s.key);
  const cols = Math.floor(W / (NOTE_W + 30));
  for (let i = 0; i < 60; i++) {
    const x = 30 + (i % cols) * (NOTE_W + 30), y = 30 + Math.floor(i / cols) * (NOTE_H + 30);
    if (y > H - NOTE_H) break;
    if (!taken.some((n) => Math.abs(n.x - x) < NOTE_W * 0.6 && Math.abs(n.y - y) < NOTE_H * 0.6)) return { x, y };
  }
  return { x: clampX(30 + Math.random() * 1200), y: clampY(30 + Math.random() * 800) };
}

// --- note editor -----------------------------------------------------------------------
const editor = { section: null, note: null, pos: null, actors: [], colour: "yellow" };

function openEditor(s, note, pos) {
  editor.section = s; editor.note = note; editor.pos = pos;
  editor.actors = note ? [...(note.actors || [])] : [];
  editor.colour = note ? note.colour || "yellow" : "yellow";
  $("editor-title").textContent = note ? (note.step ? `Step ${note.step}` : "Edit note") : "New note";
  const pairs = s.kind === "pairs";
  $("editor-text-label").textContent = pairs ? (s.columns || [])[0] || "Text" : "Text";
  $("editor-answer-label").textContent = pairs ? (s.columns || [])[1] || "Answer" : "Answer";
  $("editor-answer-wrap").classList.toggle("hidden", !pairs);
  $("editor-text").value = note ? note.text || "" : "";
  $("editor-answer").value = note ? note.answer || "" : "";
  $("editor-actors-wrap").classList.toggle("hidden", s.kind !== "steps" && !(s.actors && s.actors.length));
  $("editor-actor-input").value = "";
  $("editor-delete").classList.toggle("hidden", !note);
  $("editor-error").textContent = "";
  renderActors();
  renderColours();
  $("editor").showModal();
  $("editor-text").focus();
  if (note) client.presence(groupRoom, note.id);
}

function renderActors() {
  const box = clear($("editor-actors"));
  for (const a of editor.actors) {
    box.append(el("span", { class: "chip" }, a, el("button", { type: "button", "aria-label": `Remove ${a}`,
      onclick: () => { editor.actors = editor.actors.filter((x) => x !== a); renderActors(); } }, "×")));
  }
  const sugg = clear($("editor-suggest"));
  const known = new Set(editor.section.actors || []);
  for (const n of client.room(groupRoom).notes.values()) (n.actors || []).forEach((a) => known.add(a));
  for (const a of known) {
    if (editor.actors.includes(a)) continue;
    sugg.append(el("button", { type: "button", class: "chip suggest", onclick: () => addActor(a) }, `+ ${a}`));
  }
}

function addActor(a) {
  a = a.trim().slice(0, limits.value("max_actor", 40));
  if (!a || editor.actors.includes(a)) return;
  const maxActors = limits.value("max_actors", 10);
  if (editor.actors.length >= maxActors) { $("editor-error").textContent = `At most ${maxActors} tags per note.`; return; }
  editor.actors.push(a);
  renderActors();
}

function renderColours() {
  const box = clear($("editor-colours"));
  for (const c of COLOURS) {
    box.append(el("button", { type: "button", class: `swatch c-${c}`, "aria-label": c, "aria-pressed": String(editor.colour === c),
      onclick: () => { editor.colour = c; renderColours(); } }));
  }
}

function closeEditor() {
  if (editor.note) client.presence(groupRoom, null);
  $("editor").close();
  editor.section = null;
}

function setupEditor() {
  $("editor-actor-input").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === ",") {
      ev.preventDefault();
      addActor(ev.target.value);
      ev.target.value = "";
    }
  });
  $("editor-cancel").addEventListener("click", closeEditor);
  $("editor").addEventListener("cancel", () => { if (editor.note) client.presence(groupRoom, null); });
  $("editor-delete").addEventListener("click", () => {
    if (editor.note && confirm("Delete this note?")) client.op(groupRoom, "note.delete", { id: editor.note.id });
    closeEditor();
  });
  $("editor-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const s = editor.section;
    if (!s) return;
    const pending = $("editor-actor-input").value.trim();
    if (pending) addActor(pending);
    const text = $("editor-text").value.trim();
    const answer = $("editor-answer").value.trim();
    if (editor.note) {
      const data = { id: editor.note.id, text, actors: editor.actors, colour: editor.colour };
      if (s.kind === "pairs") data.answer = answer;
      client.op(groupRoom, "note.update", data);
    } else {
      if (!text && !answer) { $("editor-error").textContent = "Write something first."; return; }
      const data = { id: uuid(), section: s.key, text, actors: editor.actors, x: editor.pos.x, y: editor.pos.y, colour: editor.colour };
      if (s.kind === "pairs") data.answer = answer;
      client.op(groupRoom, "note.create", data);
    }
    closeEditor();
  });
}

// --- pick ------------------------------------------------------------------------------
function pickPanel(s) {
  const { node, head } = panelShell(s);
  const count = el("span", { class: "pick-count" });
  head.append(count);
  const msg = el("p", { class: "error", role: "alert" });
  const list = el("ul", { class: "options" });
  node.append(list, msg, el("p", { class: "changed-by" }));
  const boxes = new Map();
  for (const o of s.options || []) {
    const box = el("input", { type: "checkbox", value: o.value });
    const label = el("label", {}, box, el("span", { text: o.label }));
    box.addEventListener("change", () => onToggle(o.value, box));
    boxes.set(o.value, { box, label });
    list.append(el("li", {}, label));
  }
  const limit = s.choose || (s.options || []).length;

  function current() { return client.room(groupRoom).fields[s.key]; }

  function onToggle(value, box) {
    msg.textContent = "";
    const f = current();
    const chosen = f ? [...f.value] : [];
    let next;
    if (box.checked) {
      if (chosen.length >= limit) {
        box.checked = false;
        msg.textContent = `You can choose ${limit}. Unpick one first.`;
        return;
      }
      next = [...chosen, value];
    } else {
      next = chosen.filter((v) => v !== value);
    }
    client.op(groupRoom, "pick.set", { key: s.key, value: next, base: f ? f.version : 0 });
  }

  function render() {
    const can = isWritable(s.key);
    const f = current();
    const chosen = f ? f.value : [];
    for (const [value, { box, label }] of boxes) {
      box.checked = chosen.includes(value);
      box.disabled = !can;
      label.classList.toggle("checked", box.checked);
    }
    count.textContent = `${chosen.length} of ${limit} chosen`;
    node.querySelector(".changed-by").textContent = f && f.by_name ? `Changed by ${f.by_name}` : "";
  }
  return { node, render };
}

// --- form ------------------------------------------------------------------------------
function formPanel(s) {
  const { node } = panelShell(s);
  const inputs = [];
  for (const f of s.fields || []) {
    const key = `${s.key}.${f.key}`;
    const id = `f-${s.key}-${f.key}`;
    const maxlength = String(limits.value("max_field_text", 2000));
    const input = f.multiline
      ? el("textarea", { id, rows: "3", maxlength, placeholder: f.placeholder || "" })
      : el("input", { id, type: "text", maxlength, placeholder: f.placeholder || "" });
    const suggest = el("div", { class: "chips" });
    const changed = el("div", { class: "changed-by" });
    node.append(el("div", { class: "field" }, el("label", { for: id, text: f.label }), input, suggest, changed));
    const state = { key, input, suggest, changed, def: f, dirty: false, timer: null, sentValue: null };
    input.addEventListener("input", () => {
      state.dirty = true;
      clearTimeout(state.timer);
      state.timer = setTimeout(() => send(state), 800);
    });
    input.addEventListener("blur", () => { clearTimeout(state.timer); send(state); });
    inputs.push(state);
  }

  function send(state) {
    if (!state.dirty || !isWritable(s.key)) return;
    state.dirty = false;
    const f = client.room(groupRoom).fields[state.key];
    const value = state.input.value;
    if (f && f.value === value) return;
    client.op(groupRoom, "field.set", { key: state.key, value, base: f ? f.version : 0 });
  }

  function suggestions(def) {
    if (!def.suggest_from) return [];
    const src = template.sections.find((x) => x.key === def.suggest_from);
    if (!src) return [];
    if (src.kind === "pick") {
      const picked = (client.room(groupRoom).fields[src.key] || {}).value || [];
      return (src.options || []).filter((o) => picked.includes(o.value)).map((o) => o.label);
    }
    return [...client.room(groupRoom).notes.values()].filter((n) => n.section === src.key && n.text).map((n) => n.text).slice(0, 8);
  }

  function render() {
    const can = isWritable(s.key);
    for (const st of inputs) {
      const f = client.room(groupRoom).fields[st.key];
      st.input.disabled = !can;
      const focused = document.activeElement === st.input;
      if (!(focused && st.dirty)) st.input.value = f ? f.value : "";
      st.changed.textContent = f && f.by_name ? `Changed by ${f.by_name}` : "";
      clear(st.suggest);
      if (can) {
        for (const text of suggestions(st.def)) {
          st.suggest.append(el("button", { type: "button", class: "chip suggest", title: "Use this",
            onclick: () => { st.input.value = text; st.dirty = true; send(st); } }, text.length > 60 ? `${text.slice(0, 57)}…` : text));
        }
      }
    }
  }
  return { node, render };
}

// --- toolkit reader --------------------------------------------------------------------
async function renderReading() {
  const box = $("reader");
  if (!box || !template) return;
  const p = phase();
  const tp = p && template.phases.find((x) => x.key === p.key);
  const reading = (tp && tp.reading) || [];
  const slugs = [];
  for (const r of reading) {
    if (r === "picked") {
      for (const s of template.sections.filter((x) => x.kind === "pick")) {
        const f = client.room(groupRoom).fields[s.key];
        if (f) slugs.push(...f.value);
      }
    } else slugs.push(r);
  }
  const signature = slugs.join(",") + (reading.length ? "!" : "");
  if (signature === lastReading) return;
  lastReading = signature;
  if (!reading.length) { box.classList.add("hidden"); return; }
  box.classList.remove("hidden");
  clear(box).append(el("h2", { text: "Read in the toolkit" }));
  if (!slugs.length) { box.append(el("p", { class: "muted", text: "Pick the topics below; their toolkit sections will appear here." })); return; }
  for (const slug of slugs) {
    try {
      if (!toolkitCache.has(slug)) toolkitCache.set(slug, await get(`/api/toolkit/${encodeURIComponent(slug)}`));
    } catch (err) { box.append(el("p", { class: "error", text: err.message })); continue; }
    if (lastReading !== signature) return;
    const { entry, credit, source_url: url } = toolkitCache.get(slug);
    const art = el("article", {}, el("h3", { text: entry.title }), el("p", { text: entry.summary }));
    if (entry.who) art.append(el("p", {}, el("strong", { text: "Who it helps: " }), entry.who));
    if (entry.what_works?.length) art.append(el("strong", { text: "What works" }), el("ul", {}, entry.what_works.map((t) => el("li", { text: t }))));
    if (entry.tips?.length) art.append(el("strong", { text: "Tips" }), el("ul", {}, entry.tips.map((t) => el("li", { text: t }))));
    if (entry.example) art.append(el("p", {}, el("em", { text: `Example: ${entry.example}` })));
    art.append(el("p", { class: "small muted" }, `${credit} `, el("a", { href: url, target: "_blank", rel: "noopener", text: "Source" })));
    box.append(art);
  }
}

setupEditor();
start();
