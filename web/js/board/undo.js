// The board's Undo and Redo: two buttons, the keyboard shortcuts, and a status line that
// says what was undone or why not. Every change the board makes goes through ctx.op,
// which this wraps so history.js remembers it.
import { el } from "../api.js";
import { t } from "../i18n.js";
import { createHistory, shortcut } from "./history.js";

const mac = () => /Mac|iPhone|iPad/.test(globalThis.navigator?.platform || "");

export function mountUndo(ctx, { host, code, storage = globalThis.sessionStorage, doc = document }) {
  const send = ctx.op;
  let history = null;
  let room = "";
  let clearTimer = 0;

  const mod = mac() ? "⌘" : "Ctrl+";
  const button = (action, icon, keys) => el("button", {
    type: "button", class: "history-btn", id: `history-${action}`, disabled: true,
    // Marked with their keys: a newly chosen language re-translates them (translatePage).
    title: t(`history.${action}_hint`, { keys }), "data-i18n-title": `history.${action}_hint`, "data-i18n-vars": JSON.stringify({ keys }), "aria-keyshortcuts": action === "undo" ? "Control+Z Meta+Z" : "Control+Shift+Z Meta+Shift+Z Control+Y",
    onclick: () => history && history[action](),
  }, el("span", { class: "icon", "aria-hidden": "true", text: icon }), el("span", { text: t(`history.${action}`), "data-i18n": `history.${action}` }));
  const undoBtn = button("undo", "↶", `${mod}Z`);
  const redoBtn = button("redo", "↷", mac() ? "⇧⌘Z" : "Ctrl+Y");
  // A live region: what an undo did, or why it was skipped, is read out as well as shown.
  const status = el("p", { class: "history-status", id: "history-status", role: "status" });
  host.prepend(el("div", { class: "history-bar", role: "group", "aria-label": t("history.label"), "data-i18n-aria-label": "history.label" }, undoBtn, redoBtn));
  host.append(status);

  ctx.op = (kind, data) => (history ? history.track(kind, data) : send(kind, data));

  function update({ canUndo, canRedo }) {
    undoBtn.disabled = !canUndo;
    redoBtn.disabled = !canRedo;
  }

  function say(key, vars = {}) {
    const what = vars.what ? t(vars.what) : "";
    status.textContent = t(key, { ...vars, what });
    clearTimeout(clearTimer);
    clearTimer = setTimeout(() => { status.textContent = ""; }, 8000);
  }

  // After each welcome: one history per person and group, kept in this tab's storage.
  function start(you, groupRoom) {
    if (history && groupRoom === room) return;
    room = groupRoom;
    let store = null;
    try { store = storage || null; } catch { store = null; }   // storage may be switched off
    history = createHistory({
      send, storage: store, room, key: `flipchart:history:${code}:${you.id}`,
      read: {
        note: (id) => ctx.group().notes.get(id),
        field: (key) => ctx.group().fields[key],
        notes: () => [...ctx.group().notes.values()],
      },
      isPending: (opId) => ctx.client.pending.has(opId),
      onChange: update, announce: say,
    });
    update({ canUndo: history.canUndo, canRedo: history.canRedo });
  }

  doc.addEventListener("keydown", (ev) => {
    const action = shortcut(ev);
    // An open dialog (the note editor) has its own fields and buttons: the board waits.
    if (!action || !history || doc.querySelector("dialog[open]")) return;
    ev.preventDefault();
    history[action]();
  });

  return {
    start,
    // Every event and snapshot of the group room, after the client applied it.
    observe(change) { if (history && change.room === room && !change.local && change.kind !== "undo") history.observe(change); },
    // True when the error was an undo's or redo's (already explained in the status line).
    refused(err) { return !!history && history.refused(err); },
  };
}
