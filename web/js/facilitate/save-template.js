// "Save this workshop's set-up as a template": the workshop's own template (with the minutes
// the facilitator set) saved as a new template of this browser's, to open in the editor.
import { el } from "../api.js";
import { t } from "../i18n.js";
import { createLibrary } from "../editor/library.js";

// The template data with each timed phase's minutes as the workshop's timeline has them.
export function withMinutes(template, timeline = []) {
  const minutes = new Map(timeline.map((p) => [p.key, p.minutes]));
  const { key, ...rest } = template;
  rest.phases = (rest.phases || []).map((p) => (p.mode !== "plenary" && minutes.get(p.key) ? { ...p, minutes: minutes.get(p.key) } : p));
  return rest;
}

export function mountSaveTemplate(root, { code, library = createLibrary() }) {
  const status = el("p", { class: "small", role: "status" });
  const save = el("button", { type: "button", id: "save-as-template", text: t("fac.template.save") });
  root.append(el("h2", { class: "card-title", text: t("fac.template.title") }),
    el("p", { class: "small muted", text: t("fac.template.hint") }), save, status);
  save.addEventListener("click", async () => {
    save.disabled = true;
    status.replaceChildren(t("fac.template.saving"));
    const info = await library.request("GET", `/api/workshops/${encodeURIComponent(code)}`);
    const raw = info.ok ? await library.raw(info.data.template) : info;
    const saved = raw.ok ? await library.save(withMinutes(raw.data.template, info.data.phase?.timeline)) : raw;
    save.disabled = false;
    if (!saved.ok) { status.replaceChildren(saved.data?.message || t("fac.template.failed")); return; }
    status.replaceChildren(t("fac.template.saved"), " ",
      el("a", { href: `/editor?key=${encodeURIComponent(saved.data.key)}`, target: "_blank", rel: "noopener", text: t("fac.template.open") }));
  });
}
