// "Leave and erase me" in the board's sidebar (DELETE /api/workshops/{code}/participants/me):
// a dialog says exactly what happens, as the workshop's `erase_notes` decides, and how many
// of this person's notes it touches; after it, this browser forgets the workshop. Also says
// so when the facilitator deletes the whole workshop (the socket's 4410).
import { api, el, clear, storeKey } from "../api.js";
import { t } from "../i18n.js";

// What this browser keeps about one workshop (and the name typed to join), to forget it.
export function forgetWorkshop(code, storage = globalThis.localStorage) {
  try {
    // Every key of this workshop (its participant key among them) starts so.
    const prefix = storeKey(String(code), "");
    const keys = [];
    for (let i = 0; i < storage.length; i++) keys.push(storage.key(i));
    for (const key of keys) if (key && key.startsWith(prefix)) storage.removeItem(key);
    storage.removeItem("flipchart:name");
  } catch { /* storage off: nothing kept */ }
}

// The sentences the dialog shows: what happens to the name, the notes, the fields, the key.
export function eraseConsequences(mode, noteCount) {
  const notes = noteCount === 0 ? t("erase.no_notes")
    : t(mode === "delete" ? "erase.notes_deleted" : "erase.notes_kept", { count: noteCount });
  return [t("erase.name"), notes, t("erase.fields"), t("erase.key"), t("erase.final")];
}

export function mountErase(root, { code, token, client }) {
  const dialog = el("dialog", { id: "erase-dialog", class: "erase-dialog", "aria-labelledby": "erase-title" });
  // Marked with their keys, so a newly chosen language re-translates them (translatePage).
  const open = el("button", { type: "button", class: "danger", id: "erase-me", text: t("erase.button"), "data-i18n": "erase.button" });
  root.append(el("h2", { class: "card-title", id: "erase-card-title", text: t("erase.card_title"), "data-i18n": "erase.card_title" }),
              el("p", { class: "small muted", text: t("erase.card_hint"), "data-i18n": "erase.card_hint" }), open, dialog);
  let mode = "keep_anonymous";
  api("GET", `/api/workshops/${encodeURIComponent(code)}`).then((info) => { mode = info.erase_notes || mode; })
    .catch(() => {});

  const finish = (titleKey, textKey) => {
    forgetWorkshop(code);
    clear(dialog).append(el("h2", { id: "erase-title", text: t(titleKey) }),
                         el("p", { role: "status", text: t(textKey) }),
                         el("a", { class: "button primary", href: "/", text: t("erase.to_start") }));
    dialog.addEventListener("cancel", (ev) => ev.preventDefault());
    if (!dialog.open) dialog.showModal();
  };
  client.on("deleted", () => finish("erase.workshop_deleted_title", "erase.workshop_deleted"));

  open.addEventListener("click", () => {
    const you = client.you;
    const room = you ? client.room(`group:${you.group_id}`) : null;
    const mine = room ? [...room.notes.values()].filter((n) => n.author === you.id).length : 0;
    const error = el("p", { class: "error", role: "alert" });
    const confirm = el("button", { type: "button", class: "danger", id: "erase-confirm", text: t("erase.confirm") });
    const cancel = el("button", { type: "button", id: "erase-cancel", text: t("erase.cancel") });
    clear(dialog).append(
      el("h2", { id: "erase-title", text: t("erase.title") }),
      el("p", { text: t("erase.intro") }),
      el("ul", { class: "erase-list" }, eraseConsequences(mode, mine).map((line) => el("li", { text: line }))),
      error,
      el("div", { class: "row" }, confirm, cancel));
    cancel.addEventListener("click", () => dialog.close());
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      // Our own socket is about to be refused (4401): close it first, so the page does
      // not take that for a lost key and send us to the join page.
      client.close();
      try {
        await api("DELETE", `/api/workshops/${encodeURIComponent(code)}/participants/me`, { token });
      } catch (err) {
        error.textContent = err.message;
        confirm.disabled = false;
        client.connect();
        return;
      }
      finish("erase.done_title", "erase.done");
    });
    dialog.showModal();
    cancel.focus();
  });
}
