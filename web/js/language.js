// Which language the interface speaks: the reader's own choice (remembered in this
// browser), else the first of the browser's languages we have, else English. Storage and
// navigator are passed in so node --test can check the choice without a browser.

export const LANGUAGES = ["en", "fr", "de"];
// Each language named in itself: a reader looks for the name they can read.
export const NAMES = { en: "English", fr: "Français", de: "Deutsch" };
export const STORE_KEY = "flipchart:language";

// "fr-CA" -> "fr"; anything we have no catalogue for -> null.
export function supported(tag) {
  if (typeof tag !== "string") return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.includes(base) ? base : null;
}

// The first of the browser's preferred languages that we have (navigator.languages is
// in the reader's order of preference), or null.
export function browserLanguage(nav = globalThis.navigator) {
  if (!nav) return null;
  const tags = Array.isArray(nav.languages) && nav.languages.length ? nav.languages : [nav.language];
  for (const tag of tags) {
    const lang = supported(tag);
    if (lang) return lang;
  }
  return null;
}

export function storedLanguage(storage = globalThis.localStorage) {
  try { return supported(storage ? storage.getItem(STORE_KEY) : null); } catch { return null; }
}

export function rememberLanguage(lang, storage = globalThis.localStorage) {
  const chosen = supported(lang);
  if (!chosen) return null;
  try { if (storage) storage.setItem(STORE_KEY, chosen); } catch { /* private mode: this page only */ }
  return chosen;
}

// `preferred` (e.g. a workshop's default language on the projector) comes before the
// remembered choice and the browser's; anything unknown is passed over.
export function chooseLanguage({ preferred = null, storage = globalThis.localStorage, navigator: nav = globalThis.navigator } = {}) {
  return supported(preferred) || storedLanguage(storage) || browserLanguage(nav) || "en";
}
