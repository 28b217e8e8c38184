// Group signals on the facilitator's group cards: how many of those online are done, a
// "needs help" flag with a button that clears it, and a spoken word when a group calls.
import { el } from "../api.js";
import { t } from "../i18n.js";
import { readiness } from "../votes.js";

// The signals line of one group card.
export function groupSignals(g, room, { onClear }) {
  const r = readiness(g, room?.presence);
  const line = el("div", { class: "group-signals" },
    el("span", { class: `ready-count${r.all ? " all" : ""}`, text: t("fac.signals.ready", { ready: r.ready, online: r.online }) }));
  if (r.help) {
    line.append(el("span", { class: "help-flag", text: t("fac.signals.help") }),
      el("button", { type: "button", class: "help-clear", "aria-label": t("fac.signals.clear_named", { group: g.name }), onclick: onClear },
        t("fac.signals.clear")));
  }
  return line;
}

// Says "Group 2 needs help" once each time a group starts calling.
export function helpWatcher(say) {
  let calling = null;
  return function update(roster) {
    const now = new Set(roster.groups.filter((g) => g.help).map((g) => g.id));
    if (calling) {
      for (const g of roster.groups) if (now.has(g.id) && !calling.has(g.id)) say(t("fac.signals.help_announce", { group: g.name }));
    }
    calling = now;
  };
}
