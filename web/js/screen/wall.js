// The plenary wall on the projector: measures the notes in the page, picks the font size
// and columns (web/js/screen/fit.js) so that nothing scrolls, and when it cannot fit at a
// readable size shows it a page at a time, turning pages at a pace. Whoever stands at the
// projector can pause (the button, or Space) and turn pages (← →, Page Up/Down); that stays
// on this screen: it is sent nowhere.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { fontSteps, columnsFor, chooseLayout, nextPage, paceSeconds } from "./fit.js";

// Never smaller than this: note text at MIN_FONT, tags and labels at .8em of it (19.2 px).
export const MIN_FONT = 24;

function storedPace() {
  try { return localStorage.getItem("flipchart:screen:pace"); } catch { return null; }
}
const pace = () => paceSeconds(new URLSearchParams(location.search).get("pace"), storedPace()) * 1000;

// One wall at a time: which page shows, whether paging is paused, when the next page turns.
const state = { key: null, page: 0, count: 1, paused: false, nextAt: 0, timer: null, wall: null, draw: null, pager: null };

function px(value) { return Number.parseFloat(value) || 0; }

// view: where the wall goes (emptied by the caller). options:
//   key: what is shown; the page number survives re-renders with the same key
//   title, subtitle: the heading; label: the region's accessible name; legend: a line under it
//   groups: [{name, items: [{node, keep}]}], keep: the item stays with the one after it
//   spotlight: one group over several columns, larger
export function renderWall(view, { key, title, subtitle = null, label, legend = null, groups, spotlight = false }) {
  // Filled in from the start, hidden or not, so that the heading keeps its height.
  const pageText = el("span", { class: "screen-page", text: t("screen.page", { page: 1, pages: 1 }) });
  const pauseButton = el("button", { type: "button", class: "wall-pause", text: t("screen.pause"), onclick: () => togglePause() });
  const progress = el("span", { class: "wall-progress", "aria-hidden": "true" }, el("span"));
  const pager = el("div", { class: "wall-pager", hidden: true }, pageText, pauseButton, progress);
  const grid = el("div", { class: "plenary-grid", role: "region", "aria-label": label });
  const wall = el("section", { class: spotlight ? "wall wall-spot spotlight" : "wall" },
    el("div", { class: "wall-head" },
      el("h2", { class: "screen-title", text: title }),
      subtitle ? el("h3", { class: "wall-subtitle", text: subtitle }) : null,
      el("span", { class: "spacer" }), pager),
    grid,
    legend ? el("p", { class: "wall-legend muted", text: legend }) : null);
  view.append(wall);

  // The wall takes the rest of the window, down to the page's bottom padding.
  const wrap = wall.closest(".screen-wrap");
  const bottom = wrap ? px(getComputedStyle(wrap).paddingBottom) : 0;
  const height = Math.max(160, innerHeight - wall.getBoundingClientRect().top - bottom);
  wall.style.height = `${Math.floor(height)}px`;

  const vh = innerHeight;
  const max = spotlight ? Math.min(64, Math.max(MIN_FONT, vh / 17)) : Math.min(44, Math.max(MIN_FONT, vh / 24));
  const minColumnEm = 14;  // about 28 characters a line
  const gridGap = () => px(getComputedStyle(grid).columnGap);

  const measure = (size, cols) => {
    grid.style.setProperty("--fit", `${size}px`);
    grid.style.setProperty("--cols", String(cols));
    clear(grid);
    const probe = column(spotlight ? null : "Mg", null);
    grid.append(probe.node);
    const box = probe.items.clientHeight;
    const width = probe.items.clientWidth;
    const gap = px(getComputedStyle(probe.items).rowGap);
    const ruler = el("div", { class: "wall-measure", "aria-hidden": "true" });
    ruler.style.width = `${width}px`;
    grid.append(ruler);
    const lists = groups.map((g) => {
      const list = el("div", { class: "col-items" }, g.items.map((i) => i.node));
      ruler.append(list);
      return list;
    });
    const measured = groups.map((g) => ({
      heights: g.items.map((i) => i.node.getBoundingClientRect().height),
      keep: g.items.map((i) => Boolean(i.keep)),
    }));
    lists.forEach((l) => l.remove());
    clear(grid);
    return { groups: measured, box, gap };
  };
  const most = (size) => {
    grid.style.setProperty("--fit", `${size}px`);
    return columnsFor(grid.clientWidth, minColumnEm * size, gridGap(), spotlight ? 4 : groups.length);
  };
  // The spotlit group is shown larger than the plenary, paged sooner: from 27 px at 720
  // px high to 40 at 1080.
  const min = spotlight ? Math.max(MIN_FONT, Math.round(vh / 27)) : MIN_FONT;
  const layout = chooseLayout({ sizes: fontSteps(Math.max(max, min), min, 2), most, measure, spotlight });
  grid.style.setProperty("--fit", `${layout.size}px`);
  grid.style.setProperty("--cols", String(layout.cols));
  wall.dataset.font = String(layout.size);
  wall.dataset.pages = String(layout.pages.length);

  function column(heading, part) {
    const items = el("div", { class: "col-items" });
    const node = el("div", { class: "plenary-col" });
    if (heading !== null) {
      node.append(el("h3", {}, heading, part ? el("span", { class: "col-part", text: ` · ${part}` }) : null));
    }
    node.append(items);
    return { node, items };
  }

  const draw = (index) => {
    const page = layout.pages[index];
    clear(grid);
    for (const c of page.columns) {
      const g = groups[c.group];
      const { node, items } = column(spotlight ? null : g.name, c.parts > 1 ? `${c.part + 1}/${c.parts}` : null);
      if (!c.items.length) items.append(el("p", { class: "muted col-done", text: t("plenary.group_done") }));
      for (const i of c.items) items.append(g.items[i].node);
      grid.append(node);
    }
  };

  if (state.key !== key) { state.key = key; state.page = 0; state.nextAt = 0; }
  if (state.count <= 1) state.nextAt = 0;
  state.count = layout.pages.length;
  state.page = Math.min(state.page, state.count - 1);
  state.wall = wall;
  state.draw = draw;
  state.pager = { pager, pageText, pauseButton, progress };
  show(state.page, false);
}

function show(index, turned) {
  const now = Date.now();
  state.page = index;
  if (turned || !state.nextAt) state.nextAt = now + pace();
  state.draw(index);
  const { pager, pageText, pauseButton, progress } = state.pager;
  const paging = state.count > 1;
  pager.hidden = !paging;
  pager.classList.toggle("paused", state.paused);
  pageText.textContent = t(state.paused ? "screen.page_paused" : "screen.page", { page: index + 1, pages: state.count });
  pauseButton.textContent = state.paused ? t("screen.resume") : t("screen.pause");
  pauseButton.setAttribute("aria-keyshortcuts", "Space");
  // The bar fills over the time this page is shown (restarted, partly filled if need be).
  const total = pace();
  const bar = progress.firstChild;
  bar.style.animation = "none";
  void bar.offsetWidth;
  bar.style.animation = "";
  bar.style.animationDuration = `${total}ms`;
  bar.style.animationDelay = `${-Math.min(total, Math.max(0, total - (state.nextAt - now)))}ms`;
  progress.classList.toggle("stopped", state.paused);
  clearTimeout(state.timer);
  if (paging && !state.paused) state.timer = setTimeout(advance, Math.max(0, state.nextAt - now));
}

function advance() {
  if (!state.wall?.isConnected || state.paused || state.count <= 1) return;
  show(nextPage(state.page, state.count), true);
}

function togglePause() {
  if (!state.wall?.isConnected || state.count <= 1) return;
  state.paused = !state.paused;
  show(state.page, !state.paused);  // resuming gives the page its full time again
}

function turn(step) {
  if (!state.wall?.isConnected || state.count <= 1) return;
  show(nextPage(state.page, state.count, step), true);
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.altKey || e.metaKey || !state.wall?.isConnected) return;
  if (e.target instanceof Element && e.target.closest("button, input, textarea, select, a")) {
    if (e.key === " " || e.key === "Enter") return;  // the focused control handles it
  }
  if (e.key === " ") { e.preventDefault(); togglePause(); }
  else if (e.key === "ArrowRight" || e.key === "PageDown") { e.preventDefault(); turn(1); }
  else if (e.key === "ArrowLeft" || e.key === "PageUp") { e.preventDefault(); turn(-1); }
});
