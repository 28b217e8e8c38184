// The toolkit reading a phase asks for: fixed topics, or the topics the group picked.
import { get, el, clear } from "../api.js";
import { currentLanguage, t } from "../i18n.js";

export function createReader(ctx) {
  const cache = new Map();
  let shown = "";
  const box = el("section", { class: "panel reader hidden", id: "reader", "aria-labelledby": "reader-title" });

  function slugsFor(reading) {
    const slugs = [];
    for (const r of reading) {
      if (r !== "picked") { slugs.push(r); continue; }
      for (const s of ctx.template.sections.filter((x) => x.kind === "pick")) {
        const f = ctx.group().fields[s.key];
        if (f) slugs.push(...f.value);
      }
    }
    return slugs;
  }

  async function render() {
    const p = ctx.phase();
    const tp = p && ctx.template.phases.find((x) => x.key === p.key);
    const reading = (tp && tp.reading) || [];
    const slugs = slugsFor(reading);
    const signature = slugs.join(",") + (reading.length ? "!" : "");
    if (signature === shown) return;
    shown = signature;
    if (!reading.length) { box.classList.add("hidden"); return; }
    box.classList.remove("hidden");
    clear(box).append(el("h2", { id: "reader-title", text: t("reader.title") }));
    if (!slugs.length) { box.append(el("p", { class: "muted", text: t("reader.pick_first") })); return; }
    for (const slug of slugs) {
      // Titles come in the page's language (api.js asks for it): one entry per language.
      const key = `${currentLanguage()}:${slug}`;
      try {
        if (!cache.has(key)) cache.set(key, await get(`/api/toolkit/${encodeURIComponent(slug)}`));
      } catch (err) { box.append(el("p", { class: "error", text: err.message })); continue; }
      if (shown !== signature) return;
      box.append(article(cache.get(key)));
    }
  }

  function article({ entry, credit, source_url: url, language, texts_language: textsLang }) {
    // The long texts exist in English only: marked as such (screen readers switch voice)
    // and said so in the page's language.
    const other = textsLang && textsLang !== language;
    const art = el("article", {}, el("h3", { text: entry.title }),
      other ? el("p", { class: "small muted english-only", text: t("toolkit.english_only") }) : null,
      el("p", { lang: other ? textsLang : null, text: entry.summary }));
    const inTexts = other ? textsLang : null;
    if (entry.who) art.append(el("p", {}, el("strong", { text: t("reader.who") }), " ", el("span", { lang: inTexts, text: entry.who })));
    if (entry.what_works?.length) art.append(el("strong", { text: t("reader.what_works") }), el("ul", { lang: inTexts }, entry.what_works.map((x) => el("li", { text: x }))));
    if (entry.tips?.length) art.append(el("strong", { text: t("reader.tips") }), el("ul", { lang: inTexts }, entry.tips.map((x) => el("li", { text: x }))));
    if (entry.example) art.append(el("p", {}, el("em", { lang: inTexts, text: t("reader.example", { text: entry.example }) })));
    art.append(el("p", { class: "small muted" }, `${credit} `, el("a", { href: url, target: "_blank", rel: "noopener", text: t("reader.source") })));
    return art;
  }

  // A rebuilt board gets a fresh box; what it showed must be drawn again.
  function reset() { shown = ""; }

  return { node: box, render, reset };
}
