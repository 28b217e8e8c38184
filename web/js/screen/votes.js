// Votes and readiness on the projector: each group's readiness during group phases, and
// once a vote is closed its results, most votes first, the top notes marked (a star as
// well as a colour). Never who voted: the server sends counts only.
import { el } from "../api.js";
import { t } from "../i18n.js";
import { NOTE_KINDS } from "../notes.js";
import { voteState, votable, ranked, readiness } from "../votes.js";

const SHOWN = 5;

// "2 of 3 done" for a group card, or null before anyone is online.
export function readyLine(g, room) {
  const r = readiness(g, room.presence);
  if (!r.online) return null;
  return el("div", { class: `screen-ready${r.all ? " all" : ""}` }, r.all ? "✓ " : "",
    t("screen.ready", { ready: r.ready, online: r.online }));
}

// The closed vote's counts for a group room, or null.
export function closedCounts(client, workshopRoom, room) {
  const s = voteState(room, client.room(workshopRoom));
  return s && s.status === "closed" && s.counts ? { state: s, counts: s.counts } : null;
}

// The results of the closed vote, per group: its most voted notes.
export function resultsPanel({ template, client, workshopRoom, roster }) {
  const groups = [];
  for (const g of roster.groups) {
    const room = client.room(g.room);
    const found = closedCounts(client, workshopRoom, room);
    if (!found) continue;
    const notes = [...room.notes.values()].filter((n) => {
      const s = template.sections.find((x) => x.key === n.section);
      return s && NOTE_KINDS.has(s.kind) && votable(found.state, s, n);
    });
    const list = ranked(notes, found.counts).filter((r) => r.votes > 0).slice(0, SHOWN);
    groups.push(el("div", { class: "screen-group vote-results" }, el("h3", { text: g.name }),
      list.length ? el("ol", {}, list.map((r) => el("li", { class: r.top ? "top" : "" },
        el("span", { class: "vote-n", text: r.top ? `★ ${r.votes}` : String(r.votes) }),
        el("span", { class: "visually-hidden", text: t("votes.count", { count: r.votes }) }),
        el("span", { class: "note-text", text: r.note.text || "" }))))
        : el("p", { class: "muted", text: t("screen.no_votes") })));
  }
  if (!groups.length) return null;
  return el("section", { class: "screen-votes", "aria-label": t("screen.vote_results") },
    el("h3", { class: "screen-sub", text: t("screen.vote_results") }), el("div", { class: "screen-groups" }, groups));
}
