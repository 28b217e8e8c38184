// The wall of boards: every group's board as a read-only miniature that updates live, and
// an Open dialog with the whole board as the group sees it. Private notes (individual
// work) are never drawn: the facilitator's socket receives them, so the wall says how
// many are being written, and counts shared notes exactly as the projector does.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { NOTE_KINDS, sharedNotes, privateCount, pickedLabels, sectionCount, noteLanes } from "../notes.js";
import { voteState } from "../votes.js";

const MINI_NOTES = 12;   // notes drawn per section in a miniature; the dialog has them all

function hasContent(s, room) {
  if (NOTE_KINDS.has(s.kind)) return sharedNotes(room, s.key).length > 0;
  if (s.kind === "pick") return (room.fields[s.key]?.value || []).length > 0;
  if (s.kind === "form") return (s.fields || []).some((f) => room.fields[`${s.key}.${f.key}`]?.value);
  return false;
}

function noteNode(tag, n, s, full, counts = null) {
  const node = el(tag, { class: `fw-note c-${n.colour || "yellow"}` });
  // A closed vote's count (only then does the server send counts).
  const votes = counts ? counts[n.id] || 0 : 0;
  if (votes) node.append(el("span", { class: "fw-votes", text: t("votes.count", { count: votes }) }));
  const body = el("span", { class: full ? "fw-text" : "fw-text clamp" });
  if (n.step) body.append(el("b", { text: `${n.step}.` }));
  body.append(n.text || "");
  node.append(body);
  if (s.kind === "pairs" && n.answer) node.append(el("span", { class: "fw-answer", text: `→ ${n.answer}` }));
  if (n.actors?.length) {
    node.append(el("span", { class: "visually-hidden", text: t("fac.wall.tags") }),
      el("span", { class: "fw-tags" }, n.actors.map((a) => el("span", { class: "fw-tag", text: a }))));
  }
  if (full && n.author_name) node.append(el("span", { class: "fw-author small", text: n.author_name }));
  return node;
}

// The notes of one section; `limit` cuts a miniature short.
function notesBlock(s, room, limit, full, counts = null) {
  const box = el("div", { class: "fw-notes" });
  const all = noteLanes(s.kind, sharedNotes(room, s.key));
  let drawn = 0;
  let total = 0;
  for (const lane of all) {
    total += lane.notes.length;
    const shown = lane.notes.slice(0, Math.max(0, limit - drawn));
    drawn += shown.length;
    if (!shown.length) continue;
    if (lane.name && all.length > 1) box.append(el("p", { class: "fw-lane small muted", text: t("fac.wall.lane", { name: lane.name }) }));
    const list = el(s.kind === "steps" ? "ol" : "ul", { class: "fw-list" });
    for (const n of shown) list.append(noteNode("li", n, s, full, counts));
    box.append(list);
  }
  if (total > drawn) box.append(el("p", { class: "small muted", text: t("fac.wall.more", { count: total - drawn }) }));
  return box;
}

function fieldsBlock(s, room, full) {
  if (s.kind === "pick") {
    const labels = pickedLabels(s, room);
    if (!labels.length) return el("p", { class: "small muted", text: t("fac.wall.nothing_picked") });
    return el("ul", { class: "fw-list" }, labels.map((l) => el("li", { class: "fw-note c-blue", text: l })));
  }
  const dl = el("dl", { class: "fw-fields" });
  for (const f of s.fields || []) {
    const v = room.fields[`${s.key}.${f.key}`]?.value;
    if (!v && !full) continue;
    dl.append(el("dt", { text: f.label }), el("dd", { class: full ? "fw-text" : "fw-text clamp", text: v || "—" }));
  }
  return dl.childNodes.length ? dl : el("p", { class: "small muted", text: t("fac.wall.nothing_written") });
}

// --- the wall --------------------------------------------------------------------------------
export function createWall({ root, dialog, client, template, workshopRoom }) {
  const minis = new Map();      // group id -> { region, body, open, room }
  let openGroup = null;         // the group whose board the dialog shows
  let opener = null;
  let timer = null;
  const dirty = new Set();      // group rooms changed since the last render; "*" for all

  const wsRoom = () => client.room(workshopRoom());
  const groups = () => wsRoom().roster?.groups || [];
  const phase = () => wsRoom().phase;

  function miniature(g) {
    let m = minis.get(g.id);
    if (!m) {
      const headingId = `wall-g-${g.id}`;
      const title = el("h3", { id: headingId, class: "fw-title" });
      const people = el("span", { class: "small muted fw-people" });
      const help = el("span", { class: "help-flag hidden", text: t("fac.signals.help") });
      const open = el("button", { type: "button", class: "fw-open", "data-group": g.id });
      open.addEventListener("click", () => show(g.id, open));
      const body = el("div", { class: "fw-body" });
      const region = el("section", { class: "mini-board", role: "region", tabindex: "0", "data-group": g.id },
        el("div", { class: "fw-head" }, el("div", { class: "fw-name" }, title, people, help), open), body);
      m = { region, body, open, title, people, help };
      minis.set(g.id, m);
    }
    m.title.textContent = g.name;
    m.region.setAttribute("aria-label", t("fac.wall.region", { name: g.name }));
    m.people.textContent = t("fac.wall.people", { count: g.members.length });
    m.help.textContent = t("fac.signals.help");
    m.help.classList.toggle("hidden", !g.help);
    m.region.classList.toggle("needs-help", !!g.help);
    clear(m.open).append(t("fac.wall.open"), el("span", { class: "visually-hidden", text: t("fac.wall.open_which", { name: g.name }) }));
    return m;
  }

  function drawMini(g, m) {
    const room = client.room(g.room);
    const writable = new Set(phase()?.writable || []);
    const body = clear(m.body);
    const hidden = privateCount(room);
    if (hidden) body.append(el("p", { class: "fw-private", text: t("fac.wall.private", { count: hidden }) }));
    let shown = 0;
    for (const s of template.sections) {
      const now = writable.has(s.key);
      if (!now && !hasContent(s, room)) continue;
      shown += 1;
      const count = sectionCount(s, room);
      const head = el("h4", { class: "fw-section-title" },
        el("span", { class: "fw-section-name", text: s.title }),
        el("span", { class: "fw-count", "data-section": s.key, "aria-label": t("fac.wall.count", { count }), text: count }));
      const block = el("div", { class: `fw-section${now ? " now" : ""}`, "data-section": s.key }, head);
      block.append(NOTE_KINDS.has(s.kind) ? notesBlock(s, room, MINI_NOTES, false, closedCounts(room)) : fieldsBlock(s, room, false));
      body.append(block);
    }
    if (!shown && !hidden) body.append(el("p", { class: "small muted", text: t("fac.wall.empty") }));
  }

  function closedCounts(room) {
    const v = voteState(room, wsRoom());
    return v && v.status === "closed" ? v.counts : null;
  }

  function render() {
    timer = null;
    if (!workshopRoom() || !wsRoom().roster) return;
    const all = dirty.has("*");
    const list = groups();
    const wanted = new Set(list.map((g) => g.id));
    for (const [id, m] of minis) if (!wanted.has(id)) { m.region.remove(); minis.delete(id); }
    let previous = null;
    for (const g of list) {
      const m = miniature(g);
      if (all || dirty.has(g.room) || !m.region.isConnected) drawMini(g, m);
      // Kept in roster order, moving only what is out of place (a moved node loses focus).
      const want = previous ? previous.nextSibling : root.firstChild;
      if (want !== m.region) root.insertBefore(m.region, want);
      previous = m.region;
    }
    if (openGroup != null && dialog.open) {
      const g = list.find((x) => x.id === openGroup);
      if (!g) dialog.close();
      else if (all || dirty.has(g.room)) drawDialog(g);
    }
    dirty.clear();
  }

  function changed(room = "*") {
    dirty.add(room);
    if (!timer) timer = setTimeout(render, 100);
  }

  // --- the Open dialog ----------------------------------------------------------------------
  const dialogTitle = dialog.querySelector("#board-dialog-title");
  const dialogBody = dialog.querySelector(".board-dialog-body");

  function drawDialog(g) {
    const room = client.room(g.room);
    const top = dialogBody.scrollTop;
    dialogTitle.textContent = t("fac.board.title", { name: g.name });
    const body = clear(dialogBody);
    const hidden = privateCount(room);
    body.append(el("p", { class: "small muted", text: g.members.length ? t("fac.board.members", { names: g.members.map((m) => m.name).join(", ") }) : t("fac.board.nobody") }));
    if (hidden) body.append(el("p", { class: "fw-private", text: t("fac.wall.private", { count: hidden }) }));
    const writable = new Set(phase()?.writable || []);
    template.sections.forEach((s, i) => {
      const id = `board-s-${i}`;
      const sec = el("section", { class: `board-section${writable.has(s.key) ? " now" : ""}`, "aria-labelledby": id, "data-section": s.key },
        el("h3", { id }, el("span", { text: s.title }), " ", el("span", { class: "fw-count", text: sectionCount(s, room) })));
      if (s.hint) sec.append(el("p", { class: "small muted hint", text: s.hint }));
      if (NOTE_KINDS.has(s.kind)) {
        sec.append(sharedNotes(room, s.key).length ? notesBlock(s, room, Infinity, true, closedCounts(room)) : el("p", { class: "small muted", text: t("fac.wall.nothing_written") }));
      } else sec.append(fieldsBlock(s, room, true));
      body.append(sec);
    });
    dialogBody.scrollTop = top;
  }

  function show(groupId, from) {
    const g = groups().find((x) => x.id === groupId);
    if (!g) return;
    openGroup = groupId;
    opener = from;
    drawDialog(g);
    dialogBody.scrollTop = 0;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector(".board-dialog-close").focus();
  }

  // Focus stays inside while it is open: Tab from the last control goes to the first.
  dialog.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); dialog.close(); return; }
    if (ev.key !== "Tab") return;
    const focusable = [...dialog.querySelectorAll("button, a[href], [tabindex]:not([tabindex='-1'])")]
      .filter((x) => !x.disabled && x.getClientRects().length);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (ev.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) { ev.preventDefault(); first.focus(); }
  });
  dialog.querySelector(".board-dialog-close").addEventListener("click", () => dialog.close());
  // A click on the backdrop (outside the box) closes it too.
  dialog.addEventListener("click", (ev) => { if (ev.target === dialog) dialog.close(); });
  dialog.addEventListener("close", () => {
    const back = opener && opener.isConnected ? opener : minis.get(openGroup)?.open;
    openGroup = null;
    opener = null;
    if (back) back.focus();
  });

  return { changed, render: () => { changed("*"); } };
}
