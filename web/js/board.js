// The participant's group board: connects, shows the phase and who is online, and
// builds one panel per section of the activity.
import { SyncClient } from "./sync.js";
import { get, el, clear, codeFromPath, loadToken, storeKey, connectionBadge, toast } from "./api.js";
import { applyLimits } from "./limits.js";
import { loadMessages, t, translatePage } from "./i18n.js";
import { mountLanguageSwitch } from "./language-switch.js";
import { trackTopbarHeight } from "./sticky-offset.js";
import { statusLabel, showCountdown, createAnnouncer } from "./phase.js";
import { createBoardContext } from "./board/context.js";
import { notePanel } from "./board/canvas.js";
import { noteListPanel, loadView, bindViewSwitch } from "./board/list.js";
import { pickPanel, formPanel } from "./board/fields.js";
import { createEditor } from "./board/editor.js";
import { createReader } from "./board/reader.js";
import { mountErase } from "./board/erase.js";
import { mountUndo } from "./board/undo.js";
import { mountVotes } from "./board/votes.js";
import { mountSignals } from "./board/signals.js";
import { NOTE_KINDS } from "./notes.js";
import { boardAccess, makeReadOnly, viewBanner } from "./board/viewing.js";

const code = codeFromPath();
// ?view=N: the facilitator's read-only look at group N (board/viewing.js).
const { token, view: viewOnly } = boardAccess({ code, search: location.search, loadToken });
if (!token && viewOnly === null) location.replace(`/j/${encodeURIComponent(code)}`);
if (viewOnly !== null) document.body.classList.add("viewing");

const $ = (id) => document.getElementById(id);
const panels = new Map();       // section key -> panel controller
let ctx = null;
let reader = null;
let editor = null;
let undo = null;
let announce = () => {};
let votes = null;
let signals = null;

async function start() {
  const ready = Promise.all([applyLimits(), loadMessages()]);
  let template;
  try {
    const info = await get(`/api/workshops/${encodeURIComponent(code)}`);
    $("workshop-title").textContent = info.title || info.template_title;
    document.title = `${info.title || info.template_title} · Flipchart`;
    template = await get(`/api/templates/${encodeURIComponent(info.template)}`);
    templateKey = info.template;
    await ready;
    translatePage();
    mountLanguageSwitch({ onChange: relabel });
    showView();
  } catch (err) {
    $("phase-title").textContent = err.status === 404 ? t("board.no_workshop") : err.message;
    return;
  }
  if (!token) { stopped(t("board.view_no_key")); return; }
  const client = new SyncClient({ code, token, view: viewOnly });
  window.flipchartClient = client; // for debugging and browser tests
  ctx = createBoardContext({ client, template });
  if (viewOnly !== null) makeReadOnly(ctx);
  undo = mountUndo(ctx, { host: document.querySelector(".view-bar"), code });
  editor = createEditor(ctx);
  reader = createReader(ctx);
  announce = createAnnouncer($("announcer"));
  const say = (text) => { $("announcer").textContent = text; };
  votes = mountVotes(ctx, { bar: $("vote-bar"), root: $("sections"), announce: say });
  signals = mountSignals(ctx, { host: $("signal-bar"), announce: say });
  connectionBadge($("conn"), client);
  trackTopbarHeight(document.querySelector(".topbar"));
  client.on("unauthorized", () => (viewOnly === null ? location.replace(`/j/${encodeURIComponent(code)}`) : stopped(t("board.view_no_key"))));
  // Removed by the facilitator: say so here (the token opens nothing any more).
  client.on("removed", () => {
    stopped(t("board.removed"));
    // Nothing here may be written any more: the panels are drawn again without "Add note".
    makeReadOnly(ctx);
    builtFor = "";
    buildPanels();
  });
  client.on("replaced", () => stopped(t("board.replaced"), t("board.use_here")));
  client.on("deleted", () => stopped(t("board.deleted")));
  if (viewOnly === null) mountErase($("erase-card"), { code, token, client });
  const joined = (msg) => {
    ctx.workshopRoom = `workshop:${msg.you.workshop_id}`;
    const room = `group:${msg.you.group_id}`;
    undo.start(msg.you, room);
    if (room !== ctx.groupRoom) { ctx.groupRoom = room; buildPanels(); }
  };
  client.on("welcome", joined);
  // Moved to another group by the facilitator, on the same socket (an editor open stays).
  client.on("moved", (msg) => { joined(msg); renderGroupName(); renderPresence(); });
  client.on("change", onChange);
  client.on("drag", onRemoteDrag);
  client.on("presence", ({ room }) => { if (room === ctx.groupRoom) renderPresence(); });
  client.on("error", onError);
  client.connect();
  setInterval(tick, 250);
  new ResizeObserver(() => panels.forEach((p) => p.layout && p.layout())).observe($("sections"));
}

// Another language chosen mid-workshop: the activity's texts are fetched again in it and
// everything this page drew is drawn again (the static markup is already translated).
let templateKey = "";
async function relabel() {
  if (!ctx) return;
  // At once with what is here (the markup's translation reset the phase title), then
  // again with the activity's texts in the new language.
  renderPhase();
  try { ctx.template = await get(`/api/templates/${encodeURIComponent(templateKey)}`); } catch { /* the old texts stay */ }
  showView();
  builtFor = "";
  renderPhase();
  renderGroupName();
  renderPresence();
}

// The server closed this page's socket for good: say why, and offer what can be done.
function stopped(message, action = null) {
  const box = el("div", { class: "stop-banner", role: "alert" }, el("p", { text: message }));
  if (action) box.append(el("button", { type: "button", class: "primary", onclick: () => location.reload() }, action));
  $("phasebar").before(box);
}

function onError(err) {
  // An undo that could not apply: the status line by the buttons says why.
  if (undo.refused(err)) { renderAll(); return; }
  if (err.code === "conflict" && err.current) {
    const handled = err.current.key
      ? [...panels.values()].some((p) => p.conflict && p.conflict(err.current))
      : editor.conflict(err);
    if (handled) return;
  }
  ctx.localPos.clear();
  renderAll();
  toast(err.message);
}

function onChange(change) {
  const { room, kind, data, op_id: opId } = change;
  undo.observe(change);
  if (opId) editor.settled(opId);
  if (room === ctx.workshopRoom) {
    if (kind === "phase" || kind === "phase.warning" || kind === "snapshot") renderPhase();
    if (kind === "roster" || kind === "snapshot") renderGroupName();
    renderSignals();
    return;
  }
  if (room !== ctx.groupRoom) return;
  if (kind.startsWith("note.") && data) {
    if (kind === "note.move" && ctx.localPos.has(data.id)) ctx.localPos.delete(data.id);
    const p = panels.get(data.section);
    if (p && p.settle && (kind === "note.move" || kind === "note.delete")) p.settle(data.id);
    if (data.renumbered) panels.forEach((q) => q.render && q.render());
    else if (p && p.render) p.render();
  } else {
    renderAll();
  }
  if (kind === "pick.set" || kind === "snapshot") reader.render();
  renderSignals();
}

function renderAll() {
  panels.forEach((p) => p.render && p.render());
  if (reader) reader.render();
  renderSignals();
}

// Votes sit on the notes the panels drew; signals follow the roster and the phase.
function renderSignals() {
  if (votes) votes.render();
  if (signals) signals.render();
}

// --- phase bar -------------------------------------------------------------------------
function renderPhase() {
  const p = ctx.phase();
  if (!p) return;
  // The activity's own title in the reader's language (the template was fetched in it).
  const titled = ctx.template.phases.find((x) => x.key === p.key);
  $("phase-title").textContent = p.status === "lobby" ? t("board.lobby_title") : (titled && titled.title) || p.title;
  const label = ["lobby", "paused", "timeup", "plenary", "closed"].includes(p.status) ? statusLabel(p.status) : "";
  $("phase-status").textContent = label;
  $("phase-status").classList.toggle("hidden", !label);
  const tp = ctx.template.phases.find((x) => x.key === p.key);
  const instructions = p.status === "lobby" ? t("board.lobby_instructions") : (tp && tp.instructions) || "";
  $("phase-instructions").textContent = instructions;
  $("phase-summary-text").textContent = instructions.split(/(?<=[.!?])\s|\n/)[0] || p.title;
  const prompts = $("phase-prompts");
  const ul = clear(prompts.querySelector("ul"));
  const list = (tp && tp.prompts) || [];
  list.forEach((q) => ul.append(el("li", { text: q })));
  prompts.classList.toggle("hidden", !list.length || p.status === "lobby");
  openBriefOnce(p);
  buildPanels();
  tick();
}

// The brief is open the first time this device sees a phase, then folds to one line so
// the board is in sight.
function openBriefOnce(p) {
  const key = storeKey(code, `seen:${p.key || "lobby"}:${p.status === "lobby" ? "lobby" : "phase"}`);
  let seen = false;
  try { seen = localStorage.getItem(key) === "1"; localStorage.setItem(key, "1"); } catch { /* storage off */ }
  $("phase-brief").open = !seen;
}

function renderGroupName() {
  const roster = ctx.workshopRoom && ctx.client.room(ctx.workshopRoom).roster;
  const you = ctx.client.you;
  if (!roster || !you) return;
  const g = roster.groups.find((x) => x.id === you.group_id);
  $("group-name").textContent = g ? g.name : "";
  if (viewOnly !== null && g && !$("view-banner")) $("phasebar").before(viewBanner(g.name));
}

function tick() {
  const p = ctx.phase();
  const left = showCountdown($("countdown"), p, ctx.client);
  announce(p, left);
  const closing = !!p && p.status === "running" && left != null && left <= 60 && (p.writable || []).length > 0;
  $("phase-warning").classList.toggle("hidden", !closing);
  $("editor-closing").classList.toggle("hidden", !closing);
  // What is open when the phase locks would be refused: save it while it still counts.
  if (closing && left <= 3) {
    editor.flush();
    panels.forEach((panel) => panel.flush && panel.flush());
  }
}

// --- presence --------------------------------------------------------------------------
function renderPresence() {
  const list = clear($("people"));
  $("anonymous-note").classList.toggle("hidden", !ctx.client.workshop?.anonymous);
  const members = (ctx.group().presence || []).filter((m) => m.role === "participant");
  for (const m of members) {
    // An anonymous workshop's presence names only you; the others count, unnamed.
    const name = m.id === ctx.client.you?.id ? t("people.name_you", { name: m.name }) : m.name || t("people.anonymous");
    const text = m.editing ? t("people.editing", { name }) : name;
    list.append(el("li", {}, el("span", { class: "dot on", "aria-hidden": "true" }), el("span", { text })));
  }
  // The panels show only who is editing which note (ctx.editorsOf): someone joining or
  // leaving without a note open redraws nothing there.
  const editing = (ctx.group().presence || []).filter((m) => m.editing).map((m) => `${m.id}:${m.editing}:${m.name}`).join("|");
  if (editing !== shownEditing) { shownEditing = editing; panels.forEach((p) => p.render && p.render()); }
}
let shownEditing = "";

function onRemoteDrag(msg) {
  if (msg.room !== ctx.groupRoom) return;
  for (const p of panels.values()) if (p.drag && p.drag(msg.id, msg.x, msg.y)) return;
}

// --- sections --------------------------------------------------------------------------
// Board or list: this device's choice, switchable at any time (the panels are rebuilt).
let view = loadView();
let viewBound = false;
function showView() {
  document.body.dataset.view = view;
  const help = $("board-help");
  help.dataset.i18n = view === "list" ? "list.help" : "board.help";
  help.textContent = t(help.dataset.i18n);
  if (!viewBound) { viewBound = true; bindViewSwitch($("view-switch"), view, (v) => { view = v; showView(); if (ctx) buildPanels(); }); }
}

let builtFor = "";
function buildPanels() {
  if (!ctx.groupRoom) return;
  const p = ctx.phase();
  const w = (p && p.writable) || [];
  const signature = `${ctx.groupRoom}|${w.join(",")}|${p ? p.status : ""}|${view}`;
  if (signature === builtFor) { renderAll(); return; }
  builtFor = signature;
  const root = clear($("sections"));
  panels.clear();
  reader.reset();
  root.append(reader.node);
  // Sections open for writing come first.
  const sections = [...ctx.template.sections].sort((a, b) => (w.includes(b.key) ? 1 : 0) - (w.includes(a.key) ? 1 : 0));
  for (const s of sections) {
    const make = NOTE_KINDS.has(s.kind) ? (view === "list" ? noteListPanel : notePanel) : s.kind === "pick" ? pickPanel : s.kind === "form" ? formPanel : null;
    if (!make) continue;
    const ctl = make(ctx, s, () => {});
    panels.set(s.key, ctl);
    root.append(ctl.node);
  }
  renderAll();
  panels.forEach((c) => c.layout && c.layout());
}

start();
