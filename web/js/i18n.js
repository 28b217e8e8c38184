// The message catalogue: every string the pages show, by key. `t("key", {name})` fills
// `{name}` placeholders; a message given as {one, other, …} picks its plural form from
// `count` with the language's own rules (Intl.PluralRules).

let messages = {};
let language = "en";
let plurals = new Intl.PluralRules("en");

export function setMessages(catalogue, lang = "en") {
  messages = catalogue || {};
  language = lang;
  plurals = new Intl.PluralRules(lang);
}

// Loads /static/i18n/<lang>.json; `fetch` may be passed in (tests).
export async function loadMessages(lang = "en", { fetch: send = globalThis.fetch } = {}) {
  const res = await send(`/static/i18n/${encodeURIComponent(lang)}.json`);
  if (!res.ok) throw new Error(`No message catalogue for ${lang}.`);
  setMessages(await res.json(), lang);
}

export function currentLanguage() { return language; }

export function t(key, vars = {}) {
  let message = messages[key];
  if (message && typeof message === "object") {
    message = message[plurals.select(Number(vars.count ?? 0))] ?? message.other;
  }
  // A missing key shows itself, so a gap in a catalogue is visible, never blank.
  if (typeof message !== "string") return key;
  return message.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

// Static page text marked `data-i18n="key"` (and placeholders marked
// `data-i18n-placeholder`) takes its words from the catalogue.
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
}
