// The message catalogue: every string the pages show, by key. `t(key, {name})` fills
// `{name}` placeholders; a message given as {one, other, …} picks its plural form from
// `count` with the language's own rules (Intl.PluralRules). Dates, times and numbers are
// formatted for the same language (formatTime, formatDate, formatNumber).
import { chooseLanguage, supported } from "./language.js";

let messages = {};
let language = "en";
let requested = null;   // the language being loaded, until its catalogue is in
let plurals = new Intl.PluralRules("en");
let numbers = new Intl.NumberFormat("en");
const listeners = new Set();

export function setMessages(catalogue, lang = "en") {
  messages = catalogue || {};
  language = lang;
  plurals = new Intl.PluralRules(lang);
  numbers = new Intl.NumberFormat(lang);
  if (globalThis.document && document.documentElement) document.documentElement.lang = lang;
}

// Loads /static/i18n/<lang>.json (by default the reader's language, see language.js);
// a catalogue that cannot be had falls back to English. `fetch` may be passed in (tests).
export async function loadMessages(lang = chooseLanguage(), { fetch: send = globalThis.fetch } = {}) {
  const wanted = supported(lang) || "en";
  requested = wanted;
  try {
    const res = await send(`/static/i18n/${encodeURIComponent(wanted)}.json`);
    if (!res.ok) throw new Error(`No message catalogue for ${wanted}.`);
    setMessages(await res.json(), wanted);
  } catch (err) {
    if (wanted === "en") { requested = null; throw err; }
    return loadMessages("en", { fetch: send });
  }
  requested = null;
  return language;
}

export function currentLanguage() { return language; }

// The language the page is in or is switching to: what its requests ask the server for,
// even while the catalogue is still on its way (a page fetches its data meanwhile).
export function requestLanguage() { return requested || language; }

// Pages re-render what they drew when the reader picks another language.
export function onLanguageChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

export async function changeLanguage(lang, options = {}) {
  const loaded = await loadMessages(lang, options);
  if (globalThis.document) translatePage();
  for (const fn of [...listeners]) fn(loaded);
  return loaded;
}

// Counts and limits read in the language's own digits and grouping ("1 234" in French).
const NUMERIC = new Set(["count", "limit", "days", "total", "page", "pages", "min", "s", "max"]);

export function t(key, vars = {}) {
  let message = messages[key];
  if (message && typeof message === "object") {
    message = message[plurals.select(Number(vars.count ?? 0))] ?? message.other;
  }
  // A missing key shows itself, so a gap in a catalogue is visible, never blank.
  if (typeof message !== "string") return key;
  return message.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in vars)) return whole;
    const value = vars[name];
    return NUMERIC.has(name) && typeof value === "number" ? numbers.format(value) : String(value);
  });
}

export function formatNumber(value, options) {
  return options ? new Intl.NumberFormat(language, options).format(value) : numbers.format(value);
}

// A time of day (hours and minutes) in the reader's language and this computer's zone.
export function formatTime(date, options = {}) {
  return new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", ...options }).format(new Date(date));
}

export function formatDate(date, options = { dateStyle: "long" }) {
  return new Intl.DateTimeFormat(language, options).format(new Date(date));
}

// Static page text marked `data-i18n="key"` takes its words from the catalogue; so do
// placeholders, aria-labels, titles and image alternatives marked
// `data-i18n-placeholder`, `data-i18n-aria-label`, `data-i18n-title`, `data-i18n-alt`.
const ATTRIBUTES = [["i18nPlaceholder", "placeholder"], ["i18nAriaLabel", "aria-label"], ["i18nTitle", "title"], ["i18nAlt", "alt"]];

// `data-i18n-vars` (JSON) fills a marked message's placeholders, so a module can mark
// what it drew ({"keys": "Ctrl+Z"}) and a newly chosen language re-translates it too.
// A message may hold marked-up parts: `{name}` is filled by the element's own child
// marked `data-i18n-slot="name"` (kept as it is, e.g. a <code> or a <strong>), so prose
// with markup is translated whole without ever writing HTML.
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) fill(node, t(node.dataset.i18n, varsOf(node)));
  for (const [data, attribute] of ATTRIBUTES) {
    const marked = `[data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const node of root.querySelectorAll(marked)) node.setAttribute(attribute, t(node.dataset[data], varsOf(node)));
  }
}

function varsOf(node) {
  try { return node.dataset.i18nVars ? JSON.parse(node.dataset.i18nVars) : {}; } catch { return {}; }
}

function fill(node, message) {
  const slots = new Map();
  for (const child of node.children) if (child.dataset.i18nSlot) slots.set(child.dataset.i18nSlot, child);
  if (!slots.size) { node.textContent = message; return; }
  const parts = message.split(/\{(\w+)\}/).map((part, i) => (i % 2 ? slots.get(part) || `{${part}}` : part));
  node.replaceChildren(...parts.filter((part) => part !== ""));
}
