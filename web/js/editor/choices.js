// The create page's additions for templates: a "Duplicate" link under each built-in, and the
// templates this browser saved (read back by key; one deleted elsewhere is forgotten) as
// choices of their own with an "Edit" link. `library` may be passed in (tests).
import { el } from "../api.js";
import { t } from "../i18n.js";
import { createLibrary } from "./library.js";

const editorLink = (text, href, name) => el("a", { class: "template-edit small", href, "aria-label": `${text}: ${name}`, text });

export function duplicateLink(tpl) {
  return editorLink(t("create.duplicate"), `/editor?from=${encodeURIComponent(tpl.key)}`, tpl.title);
}

// Appends the saved templates to `list` as radio choices (`option(tpl)` draws one as the
// page draws the built-ins); returns how many there are.
export async function appendSaved(list, option, { library = createLibrary() } = {}) {
  const mine = library.list();
  if (!mine.length) return 0;
  const found = await Promise.all(mine.map(async ({ key }) => {
    const got = await library.describe(key);
    if (got.status === 404) library.forget(key);
    return got.ok ? got.data : null;
  }));
  const saved = found.filter(Boolean);
  if (!saved.length) return 0;
  list.append(el("h2", { class: "label template-group", text: t("create.saved_templates") }));
  for (const tpl of saved) {
    list.append(option(tpl), editorLink(t("create.edit_template"), `/editor?key=${encodeURIComponent(tpl.key)}`, tpl.title));
  }
  return saved.length;
}
