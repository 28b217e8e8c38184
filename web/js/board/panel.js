// The frame every section panel shares: its heading, and a Show/Hide toggle for the
// sections this phase does not open for writing (they start collapsed).
import { el } from "../api.js";
import { t } from "../i18n.js";

const expanded = new Set();     // read-only sections the participant opened

export function panelShell(ctx, s, onToggle) {
  const canWrite = ctx.isWritable(s.key);
  const open = canWrite || expanded.has(s.key);
  const headingId = `h-${s.key}`;
  const node = el("section", { class: `panel${canWrite ? "" : " readonly"}${open ? "" : " collapsed"}`,
                               "data-section": s.key, "aria-labelledby": headingId });
  const head = el("div", { class: "panel-head" }, el("h2", { class: "panel-title", id: headingId, text: s.title, "data-read-only": t("panel.read_only") }));
  node.append(head);
  if (!canWrite) {
    const toggle = el("button", { type: "button", class: "small toggle", "aria-expanded": String(open) },
      open ? t("panel.hide") : t("panel.show"));
    toggle.addEventListener("click", () => {
      const nowOpen = node.classList.toggle("collapsed") === false;
      if (nowOpen) expanded.add(s.key); else expanded.delete(s.key);
      toggle.textContent = nowOpen ? t("panel.hide") : t("panel.show");
      toggle.setAttribute("aria-expanded", String(nowOpen));
      onToggle();
    });
    head.append(toggle);
  }
  if (s.hint) node.append(el("p", { class: "hint", text: s.hint }));
  return { node, head, canWrite };
}
