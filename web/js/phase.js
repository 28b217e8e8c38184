// The phase as every page shows it: its status label, the countdown, and what a screen
// reader hears (a phase change, one minute left, time up — never every second).
import { secondsLeft, formatClock } from "./sync.js";
import { t } from "./i18n.js";

export function statusLabel(status) { return t(`phase.status.${status}`); }

// Writes the time left into `node`, with warn/over classes; returns the seconds left.
export function showCountdown(node, phase, client) {
  const left = phase ? secondsLeft(phase, client) : null;
  node.textContent = left == null ? "" : formatClock(left);
  node.classList.toggle("warn", left != null && left <= 60 && left > 0);
  node.classList.toggle("over", left === 0);
  return left;
}

// Announces into a polite live region; `announce(phase, left)` is called on every tick
// and speaks only when something a listener needs has changed.
export function createAnnouncer(region) {
  let lastPhase = "";
  let warned = "";
  return function announce(phase, left) {
    if (!phase) return;
    const id = `${phase.index}:${phase.status}`;
    if (id !== lastPhase) {
      const first = lastPhase === "";
      lastPhase = id;
      if (!first) region.textContent = phase.status === "lobby" ? statusLabel("lobby")
        : t("phase.announce", { title: phase.title || "", status: statusLabel(phase.status) });
      return;
    }
    const key = `${phase.index}`;
    if (phase.status === "running" && left != null && left <= 60 && left > 0 && warned !== key) {
      warned = key;
      region.textContent = t("phase.one_minute", { title: phase.title || "" });
    }
  };
}
