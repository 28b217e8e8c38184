// A read-only picture of one phase as a participant sees it: the phase bar (title, mode,
// minutes), the instructions and prompts, then each section of the board, the writable ones
// first, drawn as the board draws them (empty, with their hint and examples).
import { el } from "../api.js";
import { t } from "../i18n.js";
import { revealedBy } from "./model.js";

export function renderPreview(root, tpl, index) {
  const phases = tpl.phases;
  const at = Math.min(Math.max(index, 0), phases.length - 1);
  const phase = phases[at];
  const tabs = el("div", { class: "ed-tabs", role: "group", "aria-label": t("editor.preview_choose") },
    phases.map((p, i) => el("button", {
      type: "button", class: i === at ? "primary" : "", "aria-pressed": String(i === at),
      "data-preview": String(i), text: `${i + 1}. ${p.title || t("editor.untitled")}`,
    })));
  if (!phase) { root.replaceChildren(tabs); return; }
  const writable = new Set(phase.sections || []);
  const sections = [...tpl.sections].sort((a, b) => Number(writable.has(b.key)) - Number(writable.has(a.key)));
  const reveal = revealedBy(tpl, at);
  root.replaceChildren(
    tabs,
    el("div", { class: "phasebar ed-phasebar" },
      el("div", { class: "row" },
        el("strong", { class: "spacer", text: phase.title || t("editor.untitled") }),
        el("span", { class: "status-pill", text: t(`editor.mode.${phase.mode}`) }),
        phase.mode === "plenary" ? null : el("span", { class: "countdown", text: t("editor.minutes_short", { min: Number(phase.minutes) || 0 }) })),
      el("p", { class: "instructions small", text: phase.instructions || "" }),
      (phase.prompts || []).length ? el("ul", { class: "small" }, phase.prompts.map((q) => el("li", { text: q }))) : null,
      phase.vote ? el("p", { class: "small", text: t("editor.preview_vote", { count: Number(phase.vote.per_person) || 0 }) }) : null,
      phase.mode === "individual" ? el("p", { class: "hint", text: reveal ? t("editor.private_until", { phase: reveal.title || "…" }) : t("editor.never_revealed") }) : null),
    ...(phase.mode === "plenary"
      ? [el("p", { class: "hint", text: t("editor.preview_plenary") })]
      : sections.map((s) => sectionPreview(s, writable.has(s.key)))));
}

function sectionPreview(s, writable) {
  return el("section", { class: `panel${writable ? "" : " readonly"}` },
    el("h3", { class: "panel-title", text: `${s.title || "…"}${writable ? "" : ` · ${t("editor.read_only")}`}` }),
    s.hint ? el("p", { class: "hint", text: s.hint }) : null,
    (s.example || []).length ? el("p", { class: "example", text: t("editor.example", { text: s.example[0] }) }) : null,
    body(s, writable));
}

function body(s, writable) {
  if (s.kind === "steps") {
    return el("div", {},
      el("p", { class: "small", text: t("editor.preview_steps") }),
      (s.actors || []).length ? el("ul", { class: "ed-chips", "aria-label": t("editor.actors") }, s.actors.map((a) => el("li", { class: "chip", text: a }))) : null,
      writable ? el("p", { class: "small muted", text: t("editor.preview_can_write") }) : null);
  }
  if (s.kind === "cards") {
    return el("p", { class: "small", text: writable ? t("editor.preview_cards") : t("editor.preview_cards_ro") });
  }
  if (s.kind === "pick") {
    return el("div", {},
      el("p", { class: "small", text: t("editor.preview_pick", { count: Number(s.choose) || 0 }) }),
      el("ul", { class: "ed-options" }, (s.options || []).map((o) => el("li", { text: `☐ ${o.label}` }))));
  }
  if (s.kind === "form") {
    return el("dl", { class: "ed-form" }, (s.fields || []).flatMap((f) => [
      el("dt", { text: f.label || "…" }), el("dd", { class: "muted", text: f.placeholder || "—" })]));
  }
  if (s.kind === "pairs") {
    const [left, right] = s.columns || ["", ""];
    return el("table", { class: "ed-pairs" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: left || "…" }), el("th", { scope: "col", text: right || "…" }))),
      el("tbody", {}, el("tr", {}, el("td", { text: "—" }), el("td", { text: "—" }))));
  }
  return null;
}
