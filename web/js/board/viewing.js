// "View as a participant of group N" (/w/{code}?view=N): the facilitator's read-only look
// at one group's board. The socket says hello with the facilitator's key and `view`, and
// the server refuses every write from it anyway; here nothing offers to write.
import { el } from "../api.js";
import { t } from "../i18n.js";

// The group asked for in the address, or null (any other value is no view).
export function viewedGroup(search) {
  const raw = new URLSearchParams(search || "").get("view");
  return raw && /^[0-9]{1,10}$/.test(raw) ? Number(raw) : null;
}

// Which key this page uses and how: a participant's own, or the facilitator's to view.
export function boardAccess({ code, search, loadToken }) {
  const view = viewedGroup(search);
  if (view === null) return { view: null, token: loadToken(code, "participant") };
  return { view, token: loadToken(code, "facilitator") };
}

// Nothing is writable in a view, whatever the phase says.
export function makeReadOnly(ctx) {
  ctx.isWritable = () => false;
  ctx.op = () => null;
  return ctx;
}

export function viewBanner(groupName) {
  return el("p", { class: "view-banner", role: "status", id: "view-banner", text: t("board.view_banner", { group: groupName }) });
}
