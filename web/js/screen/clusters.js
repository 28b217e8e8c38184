// The plenary synthesis on the projector, as the facilitator chose it: the clusters, each
// in a column (laid out and paged by ./wall.js like the boards), or the groups' procedures
// side by side with clustered steps on one row, its type sized to fit the screen.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { renderWall, MIN_FONT } from "./wall.js";
import { fontSteps, largestFitting } from "./fit.js";
import { noteIndex, clusterNotes, comparisons } from "../clusters.js";
import { comparisonTable } from "../compare_table.js";

const PAGE_SECONDS = 15;  // a comparison too long for the screen shows its rows in pages
let pager = null;
let shownPage = 0;  // a redraw (a note changed) stays on the page being shown

// ctx: {template, client, workshopRoom, roster, phase}; kind: "clusters" or "comparison".
export function synthesis(view, { template, client, workshopRoom, roster }, kind) {
  clearTimeout(pager);
  const list = client.room(workshopRoom).clusters || [];
  const roomOf = (name) => client.room(name);
  if (kind === "comparison") return comparison(view, comparisons(template, roster.groups, roomOf, list));
  if (!list.length) {
    view.append(el("h2", { class: "screen-title", text: t("clusters.screen_empty") }));
    return;
  }
  const index = noteIndex(roster.groups, roomOf);
  renderWall(view, {
    key: "clusters", title: t("clusters.screen_title"), label: t("clusters.a11y_clusters"),
    // The column's heading (one line) says the kind; the label, however long, comes first
    // among its items, so that it wraps and is measured with them.
    groups: list.map((c, i) => ({
      name: `${i + 1}. ${t(`clusters.kind.${c.kind}`)}`,
      items: [{ node: el("p", { class: `cluster-title kind-${c.kind}`, text: c.label }), keep: true },
        ...clusterNotes(c, index).map(({ note, group }) => ({
          node: el("div", { class: `mini-note c-${note.colour || "yellow"}` },
            note.step ? el("span", { class: "step-no", text: String(note.step) }) : null,
            el("span", { class: "note-text", text: note.text || "" }),
            el("span", { class: "cluster-from", text: group.name })) }))],
    })),
  });
}

// The comparison tables, the largest type that fits; at the smallest, rows in pages.
function comparison(view, found) {
  const wall = el("section", { class: "wall compare-wall" },
    el("div", { class: "wall-head" }, el("h2", { class: "screen-title", text: t("clusters.screen_compare") })));
  view.append(wall);
  if (!found.length) { wall.append(el("p", { class: "muted", text: t("clusters.compare_none") })); return; }
  const box = el("div", { class: "compare-fit" });
  wall.append(box);
  const wrap = wall.closest(".screen-wrap");
  const bottom = wrap ? Number.parseFloat(getComputedStyle(wrap).paddingBottom) || 0 : 0;
  box.style.height = `${Math.max(160, Math.floor(innerHeight - box.getBoundingClientRect().top - bottom))}px`;
  const draw = (parts) => clear(box).append(...parts.map((cmp) => comparisonTable(cmp, { large: true })));
  const fits = (size) => { box.style.setProperty("--fit", `${size}px`); draw(found); return box.scrollHeight <= box.clientHeight + 0.5; };
  const max = Math.min(40, Math.max(MIN_FONT, innerHeight / 26));
  const size = largestFitting(fontSteps(max, MIN_FONT, 2), fits);
  if (size !== null) return;
  // Too long even at the smallest type: a page of rows at a time, each table's header kept.
  box.style.setProperty("--fit", `${MIN_FONT}px`);
  const pages = [];
  for (const cmp of found) {
    let rows = [];
    for (const row of cmp.rows) {
      draw([{ ...cmp, rows: [...rows, row] }]);
      if (rows.length && box.scrollHeight > box.clientHeight) { pages.push({ ...cmp, rows }); rows = []; }
      rows.push(row);
    }
    if (rows.length) pages.push({ ...cmp, rows });
  }
  const note = el("p", { class: "screen-page", "aria-live": "off" });
  wall.querySelector(".wall-head").append(el("span", { class: "spacer" }), note);
  const turn = (i) => {
    shownPage = i;
    draw([pages[i]]);
    note.textContent = t("screen.page", { page: i + 1, pages: pages.length });
    if (pages.length > 1) pager = setTimeout(() => { if (box.isConnected) turn((i + 1) % pages.length); }, PAGE_SECONDS * 1000);
  };
  turn(Math.min(shownPage, pages.length - 1));
}
