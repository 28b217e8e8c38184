// The workshop's language (its screen, report, and default titles): the facilitator changes
// it here (PATCH /api/workshops/{code} {language}); each reader's page keeps its own switch.
import { api, el } from "../api.js";
import { t } from "../i18n.js";
import { LANGUAGES, NAMES } from "../language.js";

export function mountWorkshopLanguage(root, { code, token, current = "en", request = api }) {
  const select = el("select", { id: "workshop-language", "aria-describedby": "workshop-language-hint" },
    LANGUAGES.map((lang) => el("option", { value: lang, lang, text: NAMES[lang] })));
  select.value = current;
  let saved = select.value;
  const status = el("p", { class: "small", role: "status", id: "workshop-language-status" });
  select.addEventListener("change", async () => {
    status.textContent = "";
    try {
      await request("PATCH", `/api/workshops/${encodeURIComponent(code)}`, { token, body: { language: select.value } });
      saved = select.value;
      status.textContent = t("fac.language_saved", { name: NAMES[saved] });
    } catch (err) {
      select.value = saved;
      status.textContent = err.message;
    }
  });
  root.replaceChildren(
    el("label", { for: "workshop-language", "data-i18n": "create.language", text: t("create.language") }),
    select,
    el("p", { class: "small muted", id: "workshop-language-hint", "data-i18n": "create.language_hint", text: t("create.language_hint") }),
    status);
  return select;
}
