// The language switch every page shows: a labelled <select> of the languages, each named
// in itself (with its `lang`), applied at once and remembered in this browser.
import { LANGUAGES, NAMES, rememberLanguage } from "./language.js";
import { changeLanguage, currentLanguage, onLanguageChange, t } from "./i18n.js";

export function languageSwitch({ doc = document, storage = globalThis.localStorage, change = changeLanguage } = {}) {
  const box = doc.createElement("div");
  box.className = "lang-switch";
  const label = doc.createElement("label");
  label.htmlFor = "language-select";
  label.className = "visually-hidden";
  label.dataset.i18n = "lang.label";
  label.textContent = t("lang.label");
  const select = doc.createElement("select");
  select.id = "language-select";
  for (const lang of LANGUAGES) {
    const option = doc.createElement("option");
    option.value = lang;
    option.lang = lang;
    option.textContent = NAMES[lang];
    select.append(option);
  }
  select.value = currentLanguage();
  select.addEventListener("change", async () => {
    const lang = rememberLanguage(select.value, storage);
    if (lang) await change(lang);
  });
  box.append(label, select);
  return box;
}

// Where the switch goes: the page's own slot, else the end of its top bar, else a bar of
// its own at the top of the page. `onChange(lang)` re-renders what the page drew itself.
export function mountLanguageSwitch({ onChange = null, doc = document } = {}) {
  if (onChange) onLanguageChange(onChange);
  if (doc.getElementById("language-select")) return doc.getElementById("language-select");
  const box = languageSwitch({ doc });
  const slot = doc.querySelector("[data-language-switch]") || doc.querySelector(".topbar, .screen-top");
  if (slot) slot.append(box);
  else {
    // A banner of its own, so the switch is inside a landmark like everything else.
    const bar = doc.createElement("header");
    bar.className = "lang-bar";
    bar.append(box);
    doc.body.prepend(bar);
  }
  const select = box.querySelector("select");
  onLanguageChange((lang) => { select.value = lang; });
  return select;
}
