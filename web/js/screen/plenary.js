// The plenary on the projector: every group's board side by side, or the one group the
// facilitator put in the spotlight, large; laid out to fit (or paged) by ./wall.js.
import { el } from "../api.js";
import { t } from "../i18n.js";
import { renderWall } from "./wall.js";
import { NOTE_KINDS, sharedNotes, pickedLabels, noteLanes } from "../notes.js";
import { closedCounts } from "./votes.js";

// Per notes section, the actor tags every group named (only with two groups or more), so
// that what the groups share stands out; a mark as well as a colour.
function sharedActors(template, rooms) {
  const shared = new Map();
  for (const s of template.sections.filter((x) => NOTE_KINDS.has(x.kind))) {
    const sets = rooms.map((room) => new Set(sharedNotes(room, s.key).flatMap((n) => n.actors || [])));
    const common = rooms.length < 2 ? [] : [...sets[0]].filter((a) => sets.every((set) => set.has(a)));
    shared.set(s.key, new Set(common));
  }
  return shared;
}

function noteNode(n, { badge = null, shared, pairs, votes = null }) {
  const count = votes ? votes.counts[n.id] || 0 : 0;
  const top = count > 0 && count === votes.best;
  const node = el("div", { class: `mini-note c-${n.colour || "yellow"}${top ? " top-voted" : ""}` });
  if (badge) node.append(el("span", { class: "step-no", text: badge }));
  // A closed vote's count: a star marks the top notes as well as their outline.
  if (count) node.append(el("span", { class: "vote-n", text: top ? `★ ${count}` : `● ${count}` }),
    el("span", { class: "visually-hidden", text: t("votes.count", { count }) }));
  node.append(el("span", { class: "note-text", text: n.text || "" }));
  if (pairs && n.answer) node.append(el("div", { class: "note-text note-answer", text: `→ ${n.answer}` }));
  if (n.actors?.length) {
    // Shared tags carry a mark as well as their colour, so colour is not the only cue.
    node.append(el("div", { class: "tags" }, n.actors.map((actor) => (shared.has(actor)
      ? el("span", { class: "actor shared", text: `✓ ${actor}` })
      : el("span", { class: "actor", text: actor })))));
  }
  return node;
}

// One group's board as a list of items for the wall: each section's heading (kept with its
// first note) and its notes, picks and form fields.
function groupItems(template, room, shared, votes = null) {
  const items = [];
  for (const s of template.sections) {
    const start = items.length;
    if (s.kind === "pick") {
      for (const label of pickedLabels(s, room)) {
        items.push({ node: el("div", { class: "mini-note c-blue" }, el("span", { class: "note-text", text: label })) });
      }
    } else if (s.kind === "form") {
      for (const f of s.fields || []) {
        const v = room.fields[`${s.key}.${f.key}`]?.value;
        if (v) {
          items.push({ node: el("div", { class: "mini-note c-green" },
            el("span", { class: "field-label", text: f.label }), el("span", { class: "note-text", text: v })) });
        }
      }
    } else if (s.kind === "steps") {
      // The group's own numbering first, then each author's lane (their private steps,
      // revealed) by name, each by step number.
      const lanes = noteLanes(s.kind, sharedNotes(room, s.key));
      for (const lane of lanes) {
        // Whose steps: the author's name before each number; the group's agreed order
        // (numbered together) by number alone, unless authors' lanes stand beside it.
        for (const n of lane.notes) {
          const badge = lane.key === ""
            ? (lanes.length > 1 ? t("plenary.step_together", { step: n.step }) : String(n.step))
            : t("plenary.step_of", { name: n.author_name || t("plenary.someone"), step: n.step });
          items.push({ node: noteNode(n, { badge, shared: shared.get(s.key), pairs: false, votes }) });
        }
      }
    } else if (NOTE_KINDS.has(s.kind)) {
      // After a vote, the most voted first.
      const voted = (n) => (votes ? votes.counts[n.id] || 0 : 0);
      const notes = sharedNotes(room, s.key).sort((a, b) => voted(b) - voted(a) || a.y - b.y || a.x - b.x);
      for (const n of notes) items.push({ node: noteNode(n, { shared: shared.get(s.key), pairs: s.kind === "pairs", votes }) });
    }
    if (items.length > start) items.splice(start, 0, { node: el("h4", { text: s.title }), keep: true });
  }
  if (!items.length) items.push({ node: el("p", { class: "muted", text: t("plenary.empty") }) });
  return items;
}

// The plenary (status plenary or closed, or a plenary-mode phase): the spotlit group alone
// if the facilitator chose one, else every group side by side.
export function plenary(view, { template, client, workshopRoom, roster, phase }) {
  // The activity's own title in the screen's language (the template was fetched in it).
  const tp = template.phases.find((x) => x.key === phase.key);
  const title = phase.status === "closed" ? t("plenary.thanks") : (tp && tp.title) || phase.title;
  const rooms = roster.groups.map((g) => client.room(g.room));
  const shared = sharedActors(template, rooms);
  const tagged = rooms.some((room) => [...room.notes.values()].some((n) => n.actors?.length));
  const legend = tagged && rooms.length > 1 ? t("a11y.overview_legend") : null;
  const spot = client.room(workshopRoom).spotlight;
  const index = roster.groups.findIndex((x) => x.id === spot);
  if (index >= 0) {
    const g = roster.groups[index];
    renderWall(view, { key: `spotlight:${g.id}`, title, subtitle: g.name, label: g.name, legend, spotlight: true,
                       groups: [{ name: g.name, items: groupItems(template, rooms[index], shared, votesOf(client, workshopRoom, rooms[index])) }] });
    return;
  }
  renderWall(view, { key: "plenary", title, label: t("a11y.plenary_groups"), legend,
                     groups: roster.groups.map((g, i) => ({ name: g.name, items: groupItems(template, rooms[i], shared, votesOf(client, workshopRoom, rooms[i])) })) });
}

// A closed vote's counts in a group room and its highest count, or null.
function votesOf(client, workshopRoom, room) {
  const found = closedCounts(client, workshopRoom, room);
  if (!found) return null;
  return { counts: found.counts, best: Math.max(0, ...Object.values(found.counts)) };
}
