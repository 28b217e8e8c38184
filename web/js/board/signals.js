// "We're done" (each participant) and "We need help" (the group) on the participant's
// board: two toggle buttons whose state comes from the workshop room's roster.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";

const ACTIVE = new Set(["running", "paused", "timeup"]);

export function mountSignals(ctx, { host, announce = () => {} }) {
  let shown = "";

  function group() {
    const roster = ctx.workshopRoom && ctx.client.room(ctx.workshopRoom).roster;
    const you = ctx.client.you;
    return roster && you ? roster.groups.find((g) => g.id === you.group_id) : null;
  }

  function render() {
    const g = group();
    const p = ctx.phase();
    const active = !!g && !!p && ACTIVE.has(p.status) && ctx.client.you?.role === "participant";
    const ready = !!g && (g.ready || []).includes(ctx.client.you?.id);
    const help = !!g && g.help;
    const sig = `${active}|${ready}|${help}|${p?.key}`;
    if (sig === shown) return;
    const was = shown;
    shown = sig;
    host.classList.toggle("hidden", !active);
    const focused = host.contains(document.activeElement) ? document.activeElement.dataset.signal : null;
    clear(host);
    if (!active) return;
    host.append(
      el("button", { type: "button", class: `signal-ready${ready ? " on" : ""}`, "data-signal": "ready", "aria-pressed": String(ready),
        "data-i18n": ready ? "signals.done_on" : "signals.done", onclick: () => ctx.op("group.ready", { ready: !ready }) }, ready ? t("signals.done_on") : t("signals.done")),
      el("button", { type: "button", class: `signal-help${help ? " on" : ""}`, "data-signal": "help", "aria-pressed": String(help),
        "data-i18n": help ? "signals.help_on" : "signals.help", onclick: () => ctx.op("group.help", { on: !help }) }, help ? t("signals.help_on") : t("signals.help")));
    if (focused) host.querySelector(`[data-signal="${focused}"]`)?.focus();
    if (was && was.split("|")[2] === "true" && !help) announce(t("signals.help_cleared"));
  }

  return { render };
}
