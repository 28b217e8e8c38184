// The projector's lobby and working views, each sized to fit the window: the view's font
// size (every size in it is in em) steps down until nothing scrolls.
import { el } from "../api.js";
import { t } from "../i18n.js";
import { fontSteps, largestFitting } from "./fit.js";
import { sectionCount } from "../notes.js";
import { readyLine, resultsPanel } from "./votes.js";

function fitsWindow() {
  const d = document.scrollingElement || document.documentElement;
  return d.scrollHeight <= innerHeight && d.scrollWidth <= innerWidth;
}

// The largest font size (px) from max down to min at which the page does not scroll;
// min if none does. Returns whether it fits.
export function fitView(view, max, min) {
  const size = largestFitting(fontSteps(max, min, 1), (s) => {
    view.style.fontSize = `${s}px`;
    return fitsWindow();
  });
  if (size === null) view.style.fontSize = `${min}px`;
  return size !== null;
}

export function lobby(view, { template, roster, code, client }) {
  // An anonymous workshop's screen says how many joined, never who.
  const anonymous = !!client?.workshop?.anonymous;
  const joined = roster.groups.reduce((sum, g) => sum + g.members.length, 0);
  const names = anonymous ? [] : roster.groups.flatMap((g) => g.members.map((m) => m.name));
  const list = el("div", { class: "screen-names" });
  const showNames = (count) => {
    list.replaceChildren(...(names.length
      ? names.slice(0, count).map((n) => el("span", { text: n }))
      : [el("span", { class: "muted", text: anonymous && joined ? t("screen.joined_count", { count: joined }) : t("screen.waiting_people") })]));
    if (count < names.length) list.append(el("span", { class: "more", text: t("screen.more_people", { count: names.length - count }) }));
  };
  showNames(names.length);
  view.append(el("div", { class: "screen-lobby" },
    el("div", {},
      el("h2", { class: "screen-title", text: template.title }),
      el("div", { class: "muted screen-url", text: t("screen.go_to", { host: location.host }) }),
      el("div", { class: "screen-code", text: code }),
      list),
    el("img", { class: "screen-qr", src: `/api/workshops/${encodeURIComponent(code)}/qr.svg`, alt: t("screen.qr_alt"), width: 520, height: 520 })));
  const max = Math.max(14, Math.min(40, innerHeight / 30));
  if (fitView(view, max, 12) || !names.length) return;
  // A crowd at the minimum size: as many names as fit, and how many more joined.
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    showNames(mid);
    if (fitsWindow()) lo = mid; else hi = mid - 1;
  }
  showNames(lo);
}

// The group phases: the phase, its instructions and the countdown, and each group's
// progress. Returns the countdown's node (the page's tick fills it).
export function working(view, { template, client, workshopRoom, roster, phase: p }) {
  const tp = template.phases.find((x) => x.key === p.key);
  const countdown = el("div", { class: "screen-countdown" });
  const status = p.status === "paused" ? t("screen.paused") : p.status === "timeup" ? t("screen.time_up") : "";
  view.append(el("div", { class: "screen-phase" },
    el("div", {}, el("h2", { class: "screen-title", text: (tp && tp.title) || p.title }), el("p", { class: "screen-instructions", text: (tp && tp.instructions) || "" })),
    el("div", {}, countdown, el("div", { class: "screen-title muted", text: status }))));
  const writable = p.writable || [];
  const shown = template.sections.filter((s) => writable.includes(s.key));
  const grid = el("div", { class: "screen-groups" });
  for (const g of roster.groups) {
    const room = client.room(g.room);
    const card = el("div", { class: "screen-group" }, el("h3", { text: `${g.name} · ${g.members.length}` }));
    const ready = readyLine(g, room);
    if (ready) card.append(ready);
    for (const s of shown) {
      card.append(el("div", {}, el("span", { class: "section-name", text: s.title }), el("strong", { text: sectionCount(s, room) })));
    }
    grid.append(card);
  }
  view.append(grid);
  const results = resultsPanel({ template, client, workshopRoom, roster });
  if (results) view.append(results);
  // The countdown's widest reading, while sizing, so that it does not grow afterwards.
  countdown.textContent = "88:88";
  fitView(view, Math.max(14, Math.min(36, innerHeight / 34)), 10);
  countdown.textContent = "";
  return countdown;
}
