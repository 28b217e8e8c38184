// The facilitator's control room.
import { SyncClient } from "./sync.js";
import { get, patch, put, el, clear, codeFromPath, loadToken, connectionBadge, toast } from "./api.js";
import { limits, applyLimits } from "./limits.js";
import { loadMessages, t, translatePage } from "./i18n.js";
import { mountLanguageSwitch } from "./language-switch.js";
import { createAnnouncer, showCountdown, statusLabel } from "./phase.js";
import { mountScreens } from "./facilitate/screens.js";
import { showJoinLink, keyForm } from "./facilitate/join.js";
import { mountReports } from "./facilitate/exports.js";
import { mountDangerZone } from "./facilitate/danger.js";
import { mountWorkshopLanguage } from "./facilitate/language.js";
import { mountSaveTemplate } from "./facilitate/save-template.js";
import { createWall } from "./facilitate/wall.js";
import { mountPeople } from "./facilitate/people.js";
import { mountCoFacilitators } from "./facilitate/cofacilitators.js";
import { mountClusters } from "./facilitate/clusters.js";
import { mountVotePanel } from "./facilitate/votes.js";
import { groupSignals, helpWatcher } from "./facilitate/signals.js";

const code = codeFromPath();
const token = loadToken(code, "facilitator");
const $ = (id) => document.getElementById(id);
let template = null;
let client = null;
let workshopRoom = null;
let wall = null;
let people = null;
let clusters = null;
let votePanel = null;
// Spoken once when a group asks for help.
const watchHelp = helpWatcher((text) => { $("announcer").textContent = text; });
// Phase changes, one minute left and time up, said once each in a polite live region.
const announce = createAnnouncer($("announcer"));

// `askKey`: this browser has no valid key, so offer to paste one (never from a URL).
function fatal(message, { askKey = false } = {}) {
  $("fatal").textContent = message;
  $("fatal").classList.remove("hidden");
  for (const id of ["side", "desk", "wall-area", "clusters-area", "groups-area", "people-area"]) $(id).classList.add("hidden");
  if ($("board-dialog").open) $("board-dialog").close();
  $("main").classList.add("single");
  if (askKey && !$("key-form")) $("fatal").after(keyForm(code));
}

async function start() {
  $("join-code").textContent = code;
  $("screen-link").href = `/w/${encodeURIComponent(code)}/screen`;
  // The catalogue is optional here: without it, t() shows its keys and the page still works.
  const messages = loadMessages().catch(() => {});
  const limitsLoaded = Promise.all([applyLimits(), messages]);
  await messages;
  translatePage();
  mountLanguageSwitch({ onChange: relabel });
  // The link and the QR code both come from the server, so they always agree.
  showJoinLink({ code, token, link: $("join-link"), qr: $("qr"), warning: $("loopback-warning") });
  if (!token) { fatal(t("fac.no_key", { code }), { askKey: true }); return; }
  try {
    const info = await get(`/api/workshops/${encodeURIComponent(code)}`);
    mountWorkshopLanguage($("language-card"), { code, token, current: info.language });
    $("workshop-title").textContent = info.title || info.template_title;
    document.title = t("fac.doc_title", { code });
    template = await get(`/api/templates/${encodeURIComponent(info.template)}`);
  } catch (err) { fatal(err.message); return; }
  await limitsLoaded;
  mountScreens($("screens-card"), code, token);
  mountReports($("reports"), { code, token });
  const danger = mountDangerZone($("danger-card"), { code, token });
  mountSaveTemplate($("template-card"), { code });

  client = new SyncClient({ code, token });
  connectionBadge($("conn"), client);
  // Every group room reaches this socket: the wall draws them from it.
  wall = createWall({ root: $("wall"), dialog: $("board-dialog"), client, template, workshopRoom: () => workshopRoom });
  clusters = mountClusters({ root: $("clusters-area"), client, template, workshopRoom: () => workshopRoom });
  people = mountPeople($("people-area"), { code, token, roster: () => (workshopRoom ? client.room(workshopRoom).roster : null) });
  const cofac = mountCoFacilitators($("cofac-card"), { code, token });
  client.on("welcome", (msg) => {
    // The lead's page, not a co-facilitator's: only the lead manages keys and deletes.
    const lead = msg.you.id === "facilitator";
    cofac.setLead(lead);
    danger.setLead(lead);
  });
  votePanel = mountVotePanel($("vote-panel"), { client, template, workshopRoom: () => workshopRoom, code, token });
  client.on("unauthorized", () => fatal(t("fac.bad_key"), { askKey: true }));
  client.on("welcome", (msg) => { workshopRoom = `workshop:${msg.you.workshop_id}`; renderGroups(); wall.render(); });
  client.on("change", ({ room, kind }) => {
    if (room === workshopRoom) {
      if (kind === "phase" || kind === "phase.warning" || kind === "snapshot") renderPhase();
      if (kind === "roster" || kind === "snapshot" || kind === "spotlight") { renderGroups(); wall.render(); people.render(); }
      if (kind === "roster" || kind === "snapshot") watchHelp(client.room(workshopRoom).roster);
      votePanel.render();
    } else wall.changed(room);
    // Clusters name notes of every group: any change may change them.
    clusters.changed();
  });
  client.on("presence", scheduleGroups);
  client.on("error", (err) => toast(err.message));
  client.connect();
  setInterval(tick, 250);
}

// Another language chosen: the page loads again in it. Its cards come from many modules
// (people, votes, clusters, screens, reports…), and a fresh load words every one of them;
// the socket catches up at once, and nothing typed here is lost but an unsaved field.
function relabel() { location.reload(); }

let groupsTimer = null;
function scheduleGroups() { clearTimeout(groupsTimer); groupsTimer = setTimeout(renderGroups, 100); }

function phase() { return workshopRoom ? client.room(workshopRoom).phase : null; }

// --- phase + timeline --------------------------------------------------------------------
function renderPhase() {
  const p = phase();
  if (!p) return;
  const tp = template.phases.find((x) => x.key === p.key);
  // The activity's own title in the reader's language (the template was fetched in it).
  $("phase-title").textContent = p.status === "lobby" ? t("fac.lobby_title") : (tp && tp.title) || p.title;
  $("phase-status").textContent = statusLabel(p.status);
  $("phase-instructions").textContent = tp ? tp.instructions || "" : t("fac.lobby_instructions");
  // The server says which actions apply now; an extension beyond its limit is not offered.
  const actions = new Set(p.actions || []);
  for (const b of $("controls").querySelectorAll("button")) {
    const tooLong = b.dataset.action === "extend"
      && Math.abs(Number(b.dataset.seconds)) > limits.value("max_extend_seconds", Infinity);
    b.classList.toggle("hidden", !actions.has(b.dataset.action) || tooLong);
  }
  $("controls").querySelector("[data-action=next]").textContent = t(p.status === "plenary" ? "fac.control.close" : "fac.control.next");
  $("auto-advance").checked = !!p.auto_advance;
  $("group-count-card").classList.toggle("hidden", p.status !== "lobby");
  renderTimeline(p);
  renderGroups();
  wall.render();
  tick();
}

function renderTimeline(p) {
  const list = clear($("timeline"));
  const editable = p.status === "lobby";
  (p.timeline || []).forEach((step, i) => {
    const state = i === p.index && p.status !== "closed" ? "current" : i < p.index ? "done" : "";
    // The activity's own title in the reader's language (the template was fetched in it).
    const named = template.phases.find((x) => x.key === step.key);
    const title = (named && named.title) || step.title;
    const li = el("li", { class: state, "aria-current": state === "current" ? "step" : null }, el("span", { class: "t-title", text: title }));
    if (step.mode === "plenary" && !step.minutes) li.append(el("span", { class: "muted small", text: t("fac.timeline_open") }));
    else if (editable) {
      const maxMinutes = limits.value("max_phase_minutes", 120);
      const input = el("input", { type: "number", min: "1", max: String(maxMinutes), value: step.minutes, "aria-label": t("fac.minutes_for", { title }) });
      input.addEventListener("change", async () => {
        const v = Number(input.value);
        if (!Number.isInteger(v) || v < 1 || v > maxMinutes) { toast(t("fac.minutes_range", { max: maxMinutes })); input.value = step.minutes; return; }
        try { await patch(`/api/workshops/${encodeURIComponent(code)}`, { minutes: { [step.key]: v } }, { token }); }
        catch (err) { toast(err.message); input.value = step.minutes; }
      });
      li.append(input, el("span", { class: "muted small", text: t("fac.min") }));
    } else li.append(el("span", { class: "muted small", text: t("fac.minutes_short", { min: step.minutes }) }));
    list.append(li);
  });
  const total = (p.timeline || []).reduce((a, step) => a + (step.minutes || 0), 0);
  $("timeline-hint").textContent = [t("fac.total", { count: total }), editable ? t("fac.minutes_editable") : ""].filter(Boolean).join(" ");
}

function tick() {
  const p = phase();
  if (!p) return;
  announce(p, showCountdown($("countdown"), p, client));
}

$("controls").addEventListener("click", (ev) => {
  const b = ev.target.closest("button[data-action]");
  if (!b || !workshopRoom) return;
  const action = b.dataset.action;
  if (action === "next" && phase()?.status === "plenary" && !confirm(t("fac.confirm_close"))) return;
  const data = action === "extend" ? { seconds: Number(b.dataset.seconds) } : {};
  // What this page showed when it was clicked: if another facilitator (or the clock) moved
  // the phase meanwhile, the server answers `conflict` and the toast says so.
  const seen = phase()?.version;
  if (Number.isInteger(seen)) data.base = seen;
  client.op(workshopRoom, `phase.${action}`, data);
});

$("auto-advance").addEventListener("change", async (ev) => {
  try { await patch(`/api/workshops/${encodeURIComponent(code)}`, { auto_advance: ev.target.checked }, { token }); }
  catch (err) { toast(err.message); }
});

$("group-count-set").addEventListener("click", async () => {
  const count = Number($("group-count").value);
  const maxGroups = limits.value("max_groups", 20);
  if (!Number.isInteger(count) || count < 1 || count > maxGroups) { toast(t("groups.range", { max: maxGroups })); return; }
  try { await put(`/api/workshops/${encodeURIComponent(code)}/groups`, { count }, { token }); }
  catch (err) { toast(err.message); }
});

// --- groups ----------------------------------------------------------------------------
let dragging = null;

function renderGroups() {
  if (!workshopRoom) return;
  const roster = client.room(workshopRoom).roster;
  if (!roster) return;
  // Not while renaming a group, choosing where to move someone or dragging a name:
  // rebuilding the cards would cancel it (their blur renders again).
  if (document.activeElement && document.activeElement.matches(".gname, .move-to")) return;
  if (dragging) { scheduleGroups(); return; }
  const box = clear($("groups"));
  const p = phase();
  const spot = client.room(workshopRoom).spotlight;
  $("group-count").value = roster.groups.length;
  for (const g of roster.groups) {
    const room = client.rooms.get(g.room) || client.room(g.room);
    const online = new Set((room.presence || []).map((m) => m.id));
    const card = el("div", { class: "group", "data-group": g.id });
    const name = el("input", { class: "gname", type: "text", value: g.name, maxlength: String(limits.value("max_name", 40)), "aria-label": t("fac.group_name") });
    name.addEventListener("keydown", (ev) => { if (ev.key === "Enter") name.blur(); if (ev.key === "Escape") { name.value = g.name; name.blur(); } });
    name.addEventListener("blur", async () => {
      const v = name.value.trim();
      if (!v || v === g.name) { name.value = g.name; scheduleGroups(); return; }
      try { await patch(`/api/workshops/${encodeURIComponent(code)}/groups/${g.id}`, { name: v }, { token }); }
      catch (err) { toast(err.message); name.value = g.name; }
      scheduleGroups();
    });
    card.append(name);
    card.classList.toggle("needs-help", !!g.help);
    card.append(groupSignals(g, room, { onClear: () => client.op(g.room, "group.help", { on: false }) }));
    // Anonymous: presence says how many of a group are online, not who.
    const anonymous = !!client.workshop?.anonymous;
    $("anonymous-note").classList.toggle("hidden", !anonymous);
    if (anonymous && g.members.length) {
      const count = (room.presence || []).filter((m) => m.role === "participant").length;
      card.append(el("p", { class: "small muted online-count", text: t("fac.online_count", { count }) }));
    }
    const members = el("ul", { class: "people members" });
    if (!g.members.length) members.append(el("li", { class: "muted small", text: t("fac.nobody") }));
    for (const m of g.members) {
      const on = online.has(m.id);
      const li = el("li", { draggable: "true", "data-pid": m.id }, anonymous ? null : el("span", { class: `dot${on ? " on" : ""}`, title: t(on ? "a11y.online" : "a11y.offline") }),
        el("span", { text: m.name }), anonymous ? null : el("span", { class: "visually-hidden", text: ` (${t(on ? "a11y.online" : "a11y.offline")})` }),
        moveSelect(m, g, roster.groups));
      li.addEventListener("dragstart", (ev) => { dragging = { pid: m.id, from: g.id }; ev.dataTransfer.setData("text/plain", m.id); ev.dataTransfer.effectAllowed = "move"; });
      li.addEventListener("dragend", () => { dragging = null; scheduleGroups(); });
      members.append(li);
    }
    card.append(members);
    card.addEventListener("dragover", (ev) => { if (dragging && dragging.from !== g.id) { ev.preventDefault(); card.classList.add("drop-target"); } });
    card.addEventListener("dragleave", () => card.classList.remove("drop-target"));
    card.addEventListener("drop", async (ev) => {
      ev.preventDefault();
      card.classList.remove("drop-target");
      const pid = dragging ? dragging.pid : ev.dataTransfer.getData("text/plain");
      dragging = null;
      if (pid) await moveTo(pid, g.id);
    });
    // What the group has written is on the wall of boards (facilitate/wall.js).
    if (p && (p.status === "plenary" || p.status === "closed")) {
      const on = spot === g.id;
      card.append(el("button", { type: "button", class: on ? "primary" : "", onclick: () => spotlight(on ? null : g.id) },
        t(on ? "fac.spotlight_on" : "fac.spotlight")));
    }
    box.append(card);
  }
  if (refocus) {
    const moved = box.querySelector(`.group[data-group="${CSS.escape(refocus.group)}"] li[data-pid="${CSS.escape(refocus.pid)}"] .move-to`);
    if (moved) { refocus = null; moved.focus(); }
  }
}

let refocus = null;

// A group in the spotlight is shown on the projector's boards: off the clusters, if they are up.
function spotlight(groupId) {
  if (groupId !== null && client.room(workshopRoom).clusterView !== "boards") client.op(workshopRoom, "cluster.show", { view: "boards" });
  client.op(workshopRoom, "plenary.spotlight", { group_id: groupId });
}

async function moveTo(pid, groupId) {
  try { await patch(`/api/workshops/${encodeURIComponent(code)}/participants/${encodeURIComponent(pid)}`, { group_id: groupId }, { token }); return true; }
  catch (err) { toast(err.message); return false; }
}

// Moving someone without dragging: a list of the other groups next to each name.
function moveSelect(m, g, groups) {
  const others = groups.filter((x) => x.id !== g.id);
  if (!others.length) return null;
  const select = el("select", { class: "move-to", "aria-label": t("a11y.move_person", { name: m.name }) },
    el("option", { value: "", text: t("a11y.move_to") }),
    others.map((x) => el("option", { value: String(x.id), text: x.name })));
  select.addEventListener("change", async () => {
    const to = others.find((x) => String(x.id) === select.value);
    if (!to || !await moveTo(m.id, to.id)) { select.value = ""; return; }
    // Focus follows the person to their new group once the roster shows them there.
    refocus = { pid: String(m.id), group: String(to.id) };
    select.blur();
  });
  select.addEventListener("blur", scheduleGroups);
  return select;
}

start();
