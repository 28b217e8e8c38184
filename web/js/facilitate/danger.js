// The facilitator's data card: what "leave and erase me" does to a participant's notes,
// how long the server keeps the workshop, and deleting it now (DELETE /api/workshops/{code}),
// behind a dialog that names the workshop, offers the full JSON download first and asks for
// the join code to be typed. Every socket of a deleted workshop closes with 4410.
import { api, el, clear, storeKey } from "../api.js";
import { t } from "../i18n.js";
import { FORMATS, saveExport } from "./exports.js";

const JSON_EXPORT = FORMATS.find((f) => f.id === "json");

// Whether what was typed is the join code (case and spaces do not matter).
export function codeMatches(typed, code) {
  return String(typed || "").replace(/\s+/g, "").toUpperCase() === String(code).toUpperCase();
}

export function mountDangerZone(root, { code, token }) {
  const path = `/api/workshops/${encodeURIComponent(code)}`;
  root.classList.add("danger-zone");
  const status = el("p", { class: "small", role: "status", id: "danger-status" });
  const retention = el("p", { class: "small muted", id: "retention-note" });
  const modes = el("fieldset", { class: "erase-modes" },
    el("legend", { class: "small", text: t("danger.erase_legend") }),
    ...["keep_anonymous", "delete"].map((mode) => el("label", { class: "small check" },
      el("input", { type: "radio", name: "erase-notes", value: mode, id: `erase-notes-${mode}` }),
      ` ${t(`danger.erase_${mode}`)}`)));
  const open = el("button", { type: "button", class: "danger", id: "delete-workshop", text: t("danger.delete") });
  // Only the lead may delete (the server answers a co-facilitator 403): until the socket's
  // welcome says who this page is, the button waits hidden.
  open.hidden = true;
  const leadOnly = el("p", { class: "small muted", id: "delete-lead-only", hidden: "", text: t("danger.lead_only") });
  const dialog = buildDialog(code);
  root.append(el("h2", { class: "card-title", id: "danger-title", text: t("danger.title") }),
              retention, modes, status, open, leadOnly, dialog.node);

  let title = code;
  api("GET", path).then((info) => {
    title = info.title || info.template_title || code;
    const current = modes.querySelector(`input[value="${info.erase_notes}"]`);
    if (current) current.checked = true;
  }).catch(() => {});
  api("GET", "/api/limits").then((limits) => {
    if (limits.retention_days) retention.textContent = t("danger.retention", { days: limits.retention_days });
  }).catch(() => {});

  modes.addEventListener("change", async (ev) => {
    status.textContent = "";
    try {
      await api("PATCH", path, { token, body: { erase_notes: ev.target.value } });
      status.textContent = t("danger.erase_saved");
    } catch (err) { status.textContent = err.message; }
  });
  open.addEventListener("click", () => dialog.show(title));

  dialog.download.addEventListener("click", async () => {
    dialog.error.textContent = "";
    try {
      await saveExport(code, token, JSON_EXPORT);
      dialog.downloaded.textContent = t("danger.downloaded");
    } catch (err) { dialog.error.textContent = err.message; }
  });
  dialog.confirm.addEventListener("click", async () => {
    if (!codeMatches(dialog.typed.value, code)) { dialog.error.textContent = t("danger.type_code_wrong", { code }); return; }
    dialog.confirm.disabled = true;
    try {
      await api("DELETE", path, { token });
    } catch (err) {
      dialog.error.textContent = err.message;
      dialog.confirm.disabled = false;
      return;
    }
    try { localStorage.removeItem(storeKey(code, "facilitator")); } catch { /* storage off */ }
    dialog.done(title);
  });

  return {
    setLead(isLead) {
      open.hidden = !isLead;
      leadOnly.hidden = isLead;
    },
  };
}

function buildDialog(code) {
  const heading = el("h2", { id: "delete-dialog-title" });
  const typed = el("input", { type: "text", id: "delete-code", autocomplete: "off", spellcheck: "false",
                              class: "short", "aria-describedby": "delete-code-hint" });
  const download = el("button", { type: "button", class: "primary", id: "delete-download", text: t("danger.download") });
  const downloaded = el("p", { class: "small", role: "status" });
  const confirm = el("button", { type: "button", class: "danger", id: "delete-confirm", text: t("danger.confirm") });
  const cancel = el("button", { type: "button", id: "delete-cancel", text: t("danger.cancel") });
  const error = el("p", { class: "error", role: "alert" });
  const body = el("div", { class: "stack" },
    el("p", { text: t("danger.explain") }),
    el("p", { class: "small", text: t("danger.download_first") }),
    el("div", { class: "row" }, download), downloaded,
    el("div", {},
      el("label", { for: "delete-code", text: t("danger.type_code", { code }) }),
      el("p", { class: "small muted", id: "delete-code-hint", text: t("danger.type_code_hint") }),
      typed),
    error,
    el("div", { class: "row" }, confirm, cancel));
  const node = el("dialog", { id: "delete-dialog", class: "danger-dialog", "aria-labelledby": "delete-dialog-title" },
    heading, body);
  cancel.addEventListener("click", () => node.close());
  return {
    node, typed, download, downloaded, confirm, error,
    show(title) {
      heading.textContent = t("danger.dialog_title", { title, code });
      typed.value = "";
      error.textContent = "";
      downloaded.textContent = "";
      confirm.disabled = false;
      node.showModal();
      download.focus();
    },
    // Deleted: the page behind holds nothing real any more, so the dialog stays, saying so.
    done(title) {
      heading.textContent = t("danger.deleted_title", { title });
      clear(body).append(el("p", { role: "status", text: t("danger.deleted", { title }) }),
                         el("a", { class: "button primary", href: "/create", text: t("danger.new_workshop") }));
      node.addEventListener("cancel", (ev) => ev.preventDefault());
    },
  };
}
