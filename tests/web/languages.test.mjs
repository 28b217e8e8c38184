// The French and German catalogues against the English one, the choice of language, and
// plurals and numbers in each language. Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

import { chooseLanguage, browserLanguage, rememberLanguage, STORE_KEY } from "../../web/js/language.js";
import { setMessages, loadMessages, currentLanguage, t, formatNumber } from "../../web/js/i18n.js";
import { api } from "../../web/js/api.js";

const web = new URL("../../web/", import.meta.url);
const catalogue = (lang) => JSON.parse(readFileSync(new URL(`i18n/${lang}.json`, web), "utf8"));
const english = catalogue("en");
const TRANSLATIONS = ["fr", "de"];

// The placeholders of a message, over all its plural forms.
function placeholders(message) {
  const forms = typeof message === "string" ? [message] : Object.values(message);
  return [...new Set(forms.flatMap((f) => [...f.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();
}

// Words of a message outside its placeholders: "{title} · {date}" has none.
const words = (message) => (message.replace(/\{\w+\}/g, "").match(/\p{L}{2,}/gu) || []).length;

for (const lang of TRANSLATIONS) {
  test(`${lang}.json has every key of en.json and no other`, () => {
    const theirs = catalogue(lang);
    const missing = Object.keys(english).filter((k) => !(k in theirs));
    const extra = Object.keys(theirs).filter((k) => !(k in english));
    assert.deepEqual(missing, [], `${lang}.json lacks these keys`);
    assert.deepEqual(extra, [], `${lang}.json has keys en.json does not`);
  });

  test(`${lang}.json keeps every message's placeholders and plural shape`, () => {
    const theirs = catalogue(lang);
    for (const [key, message] of Object.entries(english)) {
      if (!(key in theirs)) continue;
      const translated = theirs[key];
      assert.equal(typeof translated, typeof message, `${lang} ${key}: a string where en has plural forms, or the reverse`);
      if (typeof message === "object") {
        assert.equal(typeof translated.other, "string", `${lang} ${key} needs an 'other' form`);
        assert.equal(typeof translated.one, "string", `${lang} ${key} needs a 'one' form`);
      }
      assert.deepEqual(placeholders(translated), placeholders(message), `${lang} ${key}: placeholders differ from en`);
    }
  });

  test(`${lang}.json is translated, not copied`, () => {
    const theirs = catalogue(lang);
    // Short labels and names may well be the same in both (Pause, JSON, Markdown, Zoom…);
    // whole sentences are not.
    const copied = Object.keys(english).filter((k) => typeof english[k] === "string"
      && words(english[k]) >= 4 && english[k] === theirs[k]);
    assert.deepEqual(copied, [], `${lang}.json has these sentences still in English`);
  });
}

test("every key the pages and modules name is in en.json", () => {
  const named = new Set();
  for (const file of readdirSync(web).filter((f) => f.endsWith(".html"))) {
    const html = readFileSync(new URL(file, web), "utf8");
    for (const m of html.matchAll(/data-i18n(?:-placeholder|-aria-label|-title|-alt)?="([^"]+)"/g)) named.add(`${file}: ${m[1]}`);
  }
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory()
    ? walk(new URL(`${d.name}/`, dir)) : d.name.endsWith(".js") ? [new URL(d.name, dir)] : []));
  for (const file of walk(new URL("js/", web))) {
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/\bt\("([a-z0-9_.]+)"/g)) named.add(`${file.pathname.split("/web/")[1]}: ${m[1]}`);
  }
  const unknown = [...named].filter((entry) => !(entry.split(": ")[1] in english));
  assert.deepEqual(unknown, []);
});

// A Storage of our own: node has no localStorage.
function storage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), data };
}

test("the language follows the browser's first language we have, else English", () => {
  const none = storage();
  assert.equal(chooseLanguage({ storage: none, navigator: { languages: ["de-AT", "fr"] } }), "de");
  assert.equal(chooseLanguage({ storage: none, navigator: { languages: ["es", "fr-CA", "de"] } }), "fr");
  assert.equal(chooseLanguage({ storage: none, navigator: { languages: ["es", "it"] } }), "en");
  assert.equal(chooseLanguage({ storage: none, navigator: { languages: [], language: "fr-FR" } }), "fr");
  assert.equal(chooseLanguage({ storage: none, navigator: undefined }), "en");
  assert.equal(browserLanguage({ languages: ["EN-gb"] }), "en");
});

test("a language chosen on the page is remembered and wins over the browser's", () => {
  const store = storage();
  assert.equal(rememberLanguage("de", store), "de");
  assert.equal(store.data.get(STORE_KEY), "de");
  assert.equal(chooseLanguage({ storage: store, navigator: { languages: ["fr"] } }), "de");
  assert.equal(rememberLanguage("xx", store), null, "an unknown language is not kept");
  assert.equal(chooseLanguage({ storage: storage({ [STORE_KEY]: "klingon" }), navigator: { languages: ["fr"] } }), "fr");
  const broken = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("denied"); } };
  assert.equal(chooseLanguage({ storage: broken, navigator: { languages: ["de"] } }), "de");
  assert.equal(rememberLanguage("fr", broken), "fr", "private mode: the choice still applies to this page");
});

test("a workshop's own language (the projector) comes before the reader's choice", () => {
  const store = storage({ [STORE_KEY]: "de" });
  assert.equal(chooseLanguage({ preferred: "fr", storage: store, navigator: { languages: ["en"] } }), "fr");
  assert.equal(chooseLanguage({ preferred: null, storage: store, navigator: { languages: ["en"] } }), "de");
  assert.equal(chooseLanguage({ preferred: "tlh", storage: store, navigator: { languages: ["en"] } }), "de");
});

test("plurals follow each language's rules", () => {
  setMessages(catalogue("en"), "en");
  assert.equal(t("canvas.count", { count: 1 }), "1 note");
  assert.equal(t("canvas.count", { count: 2 }), "2 notes");
  assert.equal(t("canvas.count", { count: 0 }), "0 notes");
  setMessages(catalogue("fr"), "fr");
  assert.equal(t("canvas.count", { count: 1 }), "1 note");
  assert.equal(t("canvas.count", { count: 2 }), "2 notes");
  assert.equal(t("canvas.count", { count: 0 }), "0 note", "French counts zero as one");
  setMessages(catalogue("de"), "de");
  assert.equal(t("canvas.count", { count: 1 }), "1 Notiz");
  assert.equal(t("canvas.count", { count: 2 }), "2 Notizen");
  assert.equal(t("fac.wall.people", { count: 1 }), "1 Person");
  setMessages(catalogue("en"), "en");
});

test("counts are written with the language's digit grouping", () => {
  setMessages({ n: { one: "{count} note", other: "{count} notes" } }, "fr");
  assert.equal(t("n", { count: 12345 }), "12\u202f345 notes");
  setMessages({ n: { one: "{count} Notiz", other: "{count} Notizen" } }, "de");
  assert.equal(t("n", { count: 12345 }), "12.345 Notizen");
  assert.equal(formatNumber(1.5), "1,5");
  setMessages({}, "en");
});

test("a catalogue that cannot be had falls back to English", async () => {
  const asked = [];
  const fetch = async (path) => {
    asked.push(path);
    if (path.endsWith("/en.json")) return { ok: true, json: async () => ({ hello: "Hello" }) };
    return { ok: false, status: 404 };
  };
  assert.equal(await loadMessages("de", { fetch }), "en");
  assert.deepEqual(asked, ["/static/i18n/de.json", "/static/i18n/en.json"]);
  assert.equal(currentLanguage(), "en");
  assert.equal(t("hello"), "Hello");
  assert.equal(await loadMessages("xx", { fetch }), "en", "an unknown language asks for English at once");
});

test("requests ask for the page's language, even while its catalogue is still loading", async () => {
  setMessages({}, "en");
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const asked = [];
  const fetch = async (path, init = {}) => {
    asked.push({ path, language: init.headers?.["Accept-Language"] });
    if (path.startsWith("/static/i18n/")) { await held; return { ok: true, json: async () => ({}) }; }
    return { ok: true, text: async () => "{}" };
  };
  const loading = loadMessages("de", { fetch });
  await api("GET", "/api/templates/activity-2", { fetch });
  release();
  await loading;
  await api("GET", "/api/workshops/ABC", { fetch });
  assert.deepEqual(asked.filter((a) => a.path.startsWith("/api/")).map((a) => a.language), ["de", "de"]);
  setMessages({}, "en");
});

// Just enough of a DOM for translatePage: elements with a dataset, attributes, children.
function element(data = {}, children = []) {
  const node = {
    dataset: { ...data }, attributes: {}, children, textContent: "",
    setAttribute(name, value) { this.attributes[name] = value; },
    replaceChildren(...parts) { this.parts = parts; },
  };
  return node;
}
function page(nodes) {
  const dataName = (sel) => sel.slice(6, -1).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  return { querySelectorAll: (sel) => nodes.filter((n) => dataName(sel) in n.dataset) };
}

test("marked page text is translated, keeping slotted elements and filling marked values", async () => {
  const { translatePage } = await import("../../web/js/i18n.js");
  setMessages({ intro: "{head} ce que vous écrivez", head: "Les notes :", undo: "Annuler ({keys})",
                label: "Langue" }, "fr");
  const head = element({ i18nSlot: "head", i18n: "head" });
  const intro = element({ i18n: "intro" }, [head]);
  const undo = element({ i18nTitle: "undo", i18nVars: JSON.stringify({ keys: "Ctrl+Z" }) });
  const select = element({ i18nAriaLabel: "label" });
  translatePage(page([intro, head, undo, select]));
  assert.equal(intro.parts[0], head, "the <strong> is the same element, moved, not rewritten");
  assert.equal(intro.parts[1], " ce que vous écrivez");
  assert.equal(head.textContent, "Les notes :");
  assert.equal(undo.attributes.title, "Annuler (Ctrl+Z)");
  assert.equal(select.attributes["aria-label"], "Langue");
  setMessages({}, "en");
});

test("the switch offers each language named in itself, and a choice is remembered and applied", async () => {
  const { languageSwitch } = await import("../../web/js/language-switch.js");
  const doc = {
    createElement(tag) {
      return { tag, dataset: {}, children: [], listeners: {},
               append(...kids) { this.children.push(...kids); },
               addEventListener(type, fn) { this.listeners[type] = fn; } };
    },
  };
  setMessages({ "lang.label": "Language" }, "en");
  const store = storage();
  const applied = [];
  const box = languageSwitch({ doc, storage: store, change: async (lang) => { applied.push(lang); } });
  const [label, select] = box.children;
  assert.equal(label.htmlFor, select.id);
  assert.equal(label.textContent, "Language");
  assert.deepEqual(select.children.map((o) => [o.value, o.lang, o.textContent]),
                   [["en", "en", "English"], ["fr", "fr", "Français"], ["de", "de", "Deutsch"]]);
  assert.equal(select.value, "en");
  select.value = "de";
  await select.listeners.change();
  assert.deepEqual(applied, ["de"]);
  assert.equal(store.data.get(STORE_KEY), "de");
  setMessages({}, "en");
});
