// The projector: read-only, large type.
import { SyncClient, secondsLeft, formatClock } from "./sync.js";
import { get, el, clear, codeFromPath, loadToken, connectionBadge } from "./api.js";
import { loadMessages, t } from "./i18n.js";
import { createAnnouncer } from "./phase.js";
import { startPairing } from "./screen/pairing.js";

// The workshop shown: the one in the path (/w/{code}/screen), or the one this screen is
// paired with (/screen, or a browser without the facilitator's key).
let code = codeFromPath();
let token = null;
let pairing = null;
let opened = 0;     // which opening of a workshop is current (a late one is dropped)
const $ = (id) => document.getElementById(id);
let template = null;
let client = null;
let workshopRoom = null;
let countdownNode = null;
// Phase changes, one minute left and time up, said once each in a polite live region.
const announce = createAnnouncer($("announcer"));

async function start() {
  // The catalogue is optional here: without it, t() shows its keys and the page still works.
  await loadMessages().catch(() => {});
  setInterval(tick, 250);
  // In the facilitator's browser its key opens the projector view; any other browser pairs
  // with a read-only token of its own, which the facilitator can take away again.
  const own = code ? loadToken(code, "facilitator") : null;
  if (own) return open(code, own, "screen");
  pairing = startPairing({ view: $("view"), conn: $("conn"), heading: $("workshop-title"),
                           onPaired: (workshopCode, key) => open(workshopCode, key), onUnpaired: shut });
}

async function open(workshopCode, key, role = null) {
  const mine = ++opened;
  code = workshopCode;
  token = key;
  const info = await get(`/api/workshops/${encodeURIComponent(code)}`);
  const loaded = await get(`/api/templates/${encodeURIComponent(info.template)}`);
  if (mine !== opened) return;
  $("workshop-title").textContent = info.title || info.template_title;
  document.title = t("screen.doc_title", { code });
  template = loaded;
  const c = new SyncClient({ code, token, role });
  client = c;
  connectionBadge($("conn"), c);
  c.on("welcome", (msg) => { workshopRoom = `workshop:${msg.you.workshop_id}`; });
  c.on("change", schedule);
  c.on("unauthorized", () => {
    if (c !== client) return;
    if (pairing) pairing.unpaired();
    else clear($("view")).append(el("p", { class: "screen-title", text: "This screen's key is not valid." }));
  });
  c.connect();
}

// Unpaired: close the workshop; the pairing code takes the view again.
function shut() {
  opened += 1;
  if (client) client.close();
  client = null;
  workshopRoom = null;
  template = null;
  countdownNode = null;
  clearTimeout(timer);
  $("workshop-title").textContent = "";
  clear($("view"));
}

let timer = null;
function schedule() { clearTimeout(timer); timer = setTimeout(render, 80); }

function phase() { return workshopRoom ? client.room(workshopRoom).phase : null; }

function render() {
  const p = phase();
  const roster = workshopRoom && client.room(workshopRoom).roster;
  if (!p || !roster) return;
  const view = clear($("view"));
  countdownNode = null;
  if (p.status === "lobby") return lobby(view, roster);
  if (p.status === "plenary" || p.status === "closed" || p.mode === "plenary") return plenary(view, roster, p);
  working(view, roster, p);
}

function lobby(view, roster) {
  const names = roster.groups.flatMap((g) => g.members.map((m) => m.name));
  view.append(el("div", { class: "screen-lobby" },
    el("div", {},
      el("h2", { class: "screen-title", text: template.title }),
      el("div", { class: "muted screen-url", text: `Go to ${location.host} and enter` }),
      el("div", { class: "screen-code", text: code }),
      el("div", { class: "screen-names" }, names.length ? names.map((n) => el("span", { text: n })) : el("span", { class: "muted", text: "Waiting for people to join…" }))),
    el("img", { class: "screen-qr", src: `/api/workshops/${encodeURIComponent(code)}/qr.svg`, alt: "QR code to join" })));
}

function noteSections() { return template.sections.filter((s) => ["steps", "cards", "pairs"].includes(s.kind)); }

function working(view, roster, p) {
  const tp = template.phases.find((x) => x.key === p.key);
  countdownNode = el("div", { class: "screen-countdown" });
  const status = p.status === "paused" ? "Paused" : p.status === "timeup" ? "Time is up" : "";
  view.append(el("div", { class: "screen-phase" },
    el("div", {}, el("h2", { class: "screen-title", text: p.title }), el("p", { class: "screen-instructions", text: (tp && tp.instructions) || "" })),
    el("div", {}, countdownNode, el("div", { class: "screen-title muted", text: status }))));
  const writable = p.writable || [];
  const shown = template.sections.filter((s) => writable.includes(s.key));
  const grid = el("div", { class: "screen-groups" });
  for (const g of roster.groups) {
    const room = client.room(g.room);
    const card = el("div", { class: "screen-group" }, el("h3", { text: `${g.name} · ${g.members.length}` }));
    for (const s of shown) {
      let value;
      if (s.kind === "pick") value = `${(room.fields[s.key]?.value || []).length}/${s.choose || ""}`;
      else if (s.kind === "form") value = `${(s.fields || []).filter((f) => room.fields[`${s.key}.${f.key}`]?.value).length}/${(s.fields || []).length}`;
      else value = String([...room.notes.values()].filter((n) => n.section === s.key).length);
      card.append(el("div", {}, el("span", { text: s.title.length > 30 ? `${s.title.slice(0, 28)}…` : s.title }), el("strong", { text: value })));
    }
    grid.append(card);
  }
  view.append(grid);
  tick();
}

function sectionBlock(s, room) {
  const block = el("div", {}, el("h4", { text: s.title }));
  if (s.kind === "pick") {
    const chosen = room.fields[s.key]?.value || [];
    (s.options || []).filter((o) => chosen.includes(o.value)).forEach((o) => block.append(el("div", { class: "mini-note c-blue", text: o.label })));
  } else if (s.kind === "form") {
    for (const f of s.fields || []) {
      const v = room.fields[`${s.key}.${f.key}`]?.value;
      if (v) block.append(el("div", { class: "mini-note c-green" }, el("b", { text: `${f.label}:` }), v));
    }
  } else {
    const notes = [...room.notes.values()].filter((n) => n.section === s.key)
      .sort((a, b) => (a.lane || "").localeCompare(b.lane || "") || (a.step || 0) - (b.step || 0) || a.y - b.y || a.x - b.x);
    for (const n of notes) {
      const node = el("div", { class: `mini-note c-${n.colour || "yellow"}` });
      if (n.step) node.append(el("b", { text: `${n.step}.` }));
      node.append(n.text || "");
      if (s.kind === "pairs" && n.answer) node.append(el("div", { text: `→ ${n.answer}` }));
      if (n.actors?.length) node.append(el("div", { class: "small", text: n.actors.join(", ") }));
      block.append(node);
    }
  }
  return block.childNodes.length > 1 ? block : null;
}

function plenary(view, roster, p) {
  view.append(el("h2", { class: "screen-title", text: p.status === "closed" ? "Thank you!" : p.title }));
  const spot = client.room(workshopRoom).spotlight;
  const g = roster.groups.find((x) => x.id === spot);
  if (g) {
    const room = client.room(g.room);
    const col = el("div", { class: "plenary-col" }, el("h3", { text: g.name }));
    const secs = el("div", { class: "spot-sections" });
    template.sections.forEach((s) => { const b = sectionBlock(s, room); if (b) secs.append(b); });
    col.append(secs);
    view.append(el("div", { class: "spotlight" }, col));
    return;
  }
  // It scrolls sideways when the groups do not fit: focusable, so the keyboard scrolls it too.
  const grid = el("div", { class: "plenary-grid", tabindex: "0", role: "region", "aria-label": t("a11y.plenary_groups") });
  for (const group of roster.groups) {
    const room = client.room(group.room);
    const col = el("div", { class: "plenary-col" }, el("h3", { text: group.name }));
    template.sections.forEach((s) => { const b = sectionBlock(s, room); if (b) col.append(b); });
    if (col.childNodes.length === 1) col.append(el("p", { class: "muted", text: "Nothing on this board yet." }));
    grid.append(col);
  }
  view.append(grid);
  const overviewNode = overview(roster);
  if (overviewNode) view.append(overviewNode);
}

// Every group's procedure side by side, step by step. Actor tags that every group
// named are marked as shared, so commonalities and differences stand out.
function overview(roster) {
  const section = template.sections.find((s) => s.kind === "steps");
  if (!section) return null;
  const byGroup = roster.groups.map((g) => [...client.room(g.room).notes.values()]
    .filter((n) => n.section === section.key && n.step));
  const longest = Math.max(0, ...byGroup.flatMap((notes) => notes.map((n) => n.step)));
  if (!longest) return null;
  const actorSets = byGroup.map((notes) => new Set(notes.flatMap((n) => n.actors || [])));
  const shared = new Set([...(actorSets[0] || [])].filter((a) => actorSets.every((set) => set.has(a))));
  const head = el("tr", {}, el("th", { text: "Step" }), ...roster.groups.map((g) => el("th", { text: g.name })));
  const rows = [];
  for (let step = 1; step <= longest; step++) {
    const cells = byGroup.map((notes) => {
      const cell = el("td");
      for (const n of notes.filter((x) => x.step === step)) {
        cell.append(el("div", { text: n.text || "" }));
        const tags = el("div");
        // Shared tags carry a mark as well as their colour, so colour is not the only cue.
        for (const actor of n.actors || []) tags.append(el("span", { class: shared.has(actor) ? "actor shared" : "actor", text: shared.has(actor) ? `✓ ${actor}` : actor }));
        cell.append(tags);
      }
      return cell;
    });
    rows.push(el("tr", {}, el("th", { text: String(step) }), ...cells));
  }
  return el("section", { class: "overview" },
    el("h3", { text: `${section.title}: all groups step by step` }),
    el("p", { class: "muted", text: t("a11y.overview_legend") }),
    el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function tick() {
  const p = phase();
  if (!p) return;
  const left = secondsLeft(p, client);
  announce(p, left);
  if (!countdownNode) return;
  countdownNode.textContent = left == null ? "" : formatClock(left);
  countdownNode.classList.toggle("warn", left != null && left <= 60 && left > 0);
  countdownNode.classList.toggle("over", left === 0);
}

start();
