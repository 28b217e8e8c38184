// The editor's form, drawn from the template data: every control carries `data-path` (the
// place in the template, as the server's error `fields` name it), typing changes the data
// in place, and adding, removing or moving parts draws the form again (`onStructure`).
import { el } from "../api.js";
import { t } from "../i18n.js";
import { LANGUAGES, NAMES } from "../language.js";
import * as model from "./model.js";

let uid = 0;
const nextId = () => `ed-${++uid}`;

// A labelled input, text area, number or select bound to `get`/`set` on the data.
function control(label, path, { type = "text", value, set, hint, options, rows, min, max, maxlength }) {
  const id = nextId();
  let input;
  if (type === "textarea") {
    input = el("textarea", { id, rows: rows || 3 });
    input.value = value ?? "";
  } else if (type === "select") {
    input = el("select", { id }, options.map(([v, text]) => el("option", { value: v, text })));
    input.value = value;
  } else {
    input = el("input", { id, type, min, max, maxlength, inputmode: type === "number" ? "numeric" : undefined });
    input.value = value ?? "";
  }
  input.dataset.path = path;
  input.addEventListener(type === "select" ? "change" : "input", () => set(input.value));
  const hintNode = hint ? el("p", { class: "hint", id: `${id}-hint`, text: hint }) : null;
  if (hintNode) input.setAttribute("aria-describedby", hintNode.id);
  return el("div", { class: "field" }, el("label", { for: id, text: label }), hintNode, input);
}

function button(text, onclick, attrs = {}) {
  return el("button", { type: "button", ...attrs, onclick }, text);
}

export function renderForm(root, tpl, { onChange, onStructure, onPreview }) {
  const structure = (fn) => () => { fn(); onStructure(); };
  const changed = (fn) => (value) => { fn(value); onChange(); };
  root.replaceChildren(
    el("fieldset", { class: "card ed-block", "data-path": "" },
      el("legend", { class: "ed-legend", text: t("editor.about") }),
      control(t("editor.title"), "title", { value: tpl.title, maxlength: 200, set: changed((v) => { tpl.title = v; }) }),
      control(t("editor.audience"), "audience", { value: tpl.audience, set: changed((v) => { tpl.audience = v; }) }),
      control(t("editor.summary"), "summary", { type: "textarea", value: tpl.summary, set: changed((v) => { tpl.summary = v; }) }),
      control(t("editor.language"), "language", { type: "select", value: tpl.language || "en", options: LANGUAGES.map((l) => [l, NAMES[l]]), set: changed((v) => { tpl.language = v; }) }),
      translationsNote(tpl, structure)),
    sectionsBlock(tpl, structure, changed),
    phasesBlock(tpl, structure, changed, onPreview));
}

// Translations come with a duplicated or imported file; the editor does not edit them, so
// it says so, and they can be dropped when changed texts no longer match them.
function translationsNote(tpl, structure) {
  const langs = Object.keys(tpl.translations || {});
  if (!langs.length) return null;
  return el("div", { class: "ed-sub", "data-path": "translations" },
    el("p", { class: "hint", text: t("editor.translations", { langs: langs.map((l) => NAMES[l] || l).join(", ") }) }),
    button(t("editor.drop_translations"), structure(() => { delete tpl.translations; }), { id: "ed-drop-translations" }));
}

function sectionsBlock(tpl, structure, changed) {
  const kind = el("select", { id: "ed-new-kind" },
    model.KINDS.map((k) => el("option", { value: k, text: t(`editor.kind.${k}`) })));
  return el("fieldset", { class: "card ed-block", "data-path": "sections" },
    el("legend", { class: "ed-legend", text: t("editor.sections") }),
    el("p", { class: "hint", text: t("editor.sections_hint") }),
    tpl.sections.map((s, i) => sectionEditor(tpl, s, i, structure, changed)),
    el("div", { class: "row ed-add" },
      el("label", { for: "ed-new-kind", text: t("editor.new_section_kind") }), kind,
      button(t("editor.add_section"), structure(() => model.addSection(tpl, kind.value)), { id: "ed-add-section" })));
}

function sectionEditor(tpl, s, i, structure, changed) {
  const at = `sections.${i}`;
  const parts = [
    control(t("editor.section_title"), `${at}.title`, { value: s.title, set: changed((v) => { s.title = v; }) }),
    control(t("editor.hint"), `${at}.hint`, { type: "textarea", rows: 2, value: s.hint, set: changed((v) => { s.hint = v; }) }),
  ];
  if (s.kind === "steps") {
    parts.push(control(t("editor.actors"), `${at}.actors`, { type: "textarea", hint: t("editor.one_a_line"), value: (s.actors || []).join("\n"), set: changed((v) => { s.actors = model.lines(v); }) }));
  }
  if (s.kind === "steps" || s.kind === "cards") {
    parts.push(control(t("editor.examples"), `${at}.example`, { type: "textarea", hint: t("editor.one_a_line"), value: (s.example || []).join("\n"), set: changed((v) => { s.example = model.lines(v); }) }));
  }
  if (s.kind === "pick") {
    parts.push(control(t("editor.choose"), `${at}.choose`, { type: "number", min: 1, value: s.choose, set: changed((v) => { s.choose = v === "" ? null : Number(v); }) }),
      control(t("editor.options"), `${at}.options`, { type: "textarea", rows: 5, hint: t("editor.one_a_line"), value: (s.options || []).map((o) => o.label).join("\n"), set: changed((v) => model.setOptions(s, v)) }));
  }
  if (s.kind === "form") parts.push(formFields(s, at, structure, changed));
  if (s.kind === "pairs") {
    const columns = s.columns || ["", ""];
    s.columns = columns;
    parts.push(el("div", { class: "ed-pair", "data-path": `${at}.columns` },
      control(t("editor.left_column"), `${at}.columns.0`, { value: columns[0], set: changed((v) => { columns[0] = v; }) }),
      control(t("editor.right_column"), `${at}.columns.1`, { value: columns[1], set: changed((v) => { columns[1] = v; }) })));
  }
  return el("fieldset", { class: "ed-item", "data-path": at },
    el("legend", { text: t("editor.section_legend", { n: i + 1, kind: t(`editor.kind.${s.kind}`) }) }),
    ...parts,
    el("div", { class: "row" }, button(t("editor.remove_section_short"), structure(() => model.removeSection(tpl, i)), { class: "danger", "aria-label": t("editor.remove_section", { n: i + 1 }) })));
}

function formFields(s, at, structure, changed) {
  return el("fieldset", { class: "ed-sub", "data-path": `${at}.fields` },
    el("legend", { text: t("editor.form_fields") }),
    s.fields.map((f, j) => {
      const id = nextId();
      const multi = el("input", { type: "checkbox", id, checked: !!f.multiline });
      multi.dataset.path = `${at}.fields.${j}.multiline`;
      multi.addEventListener("change", () => { f.multiline = multi.checked; changed(() => {})(); });
      return el("div", { class: "ed-field-row", "data-path": `${at}.fields.${j}` },
        control(t("editor.field_label"), `${at}.fields.${j}.label`, { value: f.label, set: changed((v) => { f.label = v; }) }),
        control(t("editor.placeholder"), `${at}.fields.${j}.placeholder`, { value: f.placeholder, set: changed((v) => { f.placeholder = v; }) }),
        el("label", { class: "check", for: id }, multi, t("editor.multiline")),
        button(t("editor.remove_field", { n: j + 1 }), structure(() => s.fields.splice(j, 1)), { class: "danger" }));
    }),
    button(t("editor.add_field"), structure(() => model.addField(s))));
}

function phasesBlock(tpl, structure, changed, onPreview) {
  return el("fieldset", { class: "card ed-block", "data-path": "phases" },
    el("legend", { class: "ed-legend", text: t("editor.phases") }),
    el("p", { class: "hint", text: t("editor.phases_hint", { min: model.totalMinutes(tpl) }) }),
    tpl.phases.map((p, i) => phaseEditor(tpl, p, i, structure, changed, onPreview)),
    button(t("editor.add_phase"), structure(() => model.addPhase(tpl)), { id: "ed-add-phase" }));
}

function phaseEditor(tpl, p, i, structure, changed, onPreview) {
  const at = `phases.${i}`;
  const plenary = p.mode === "plenary";
  const reveal = model.revealedBy(tpl, i);
  const writable = el("fieldset", { class: "ed-sub", "data-path": `${at}.sections` },
    el("legend", { text: t("editor.writable") }),
    tpl.sections.length ? tpl.sections.map((s) => {
      const id = nextId();
      const box = el("input", { type: "checkbox", id, checked: (p.sections || []).includes(s.key) });
      box.addEventListener("change", () => { model.setWritable(p, s.key, box.checked); changed(() => {})(); });
      return el("label", { class: "check", for: id }, box, s.title || t(`editor.kind.${s.kind}`));
    }) : el("p", { class: "hint", text: t("editor.no_sections") }));
  return el("fieldset", { class: "ed-item", "data-path": at },
    el("legend", { text: t("editor.phase_legend", { n: i + 1 }) }),
    control(t("editor.phase_title"), `${at}.title`, { value: p.title, set: changed((v) => { p.title = v; }) }),
    el("div", { class: "ed-pair" },
      control(t("editor.mode"), `${at}.mode`, { type: "select", value: p.mode, options: model.MODES.map((m) => [m, t(`editor.mode.${m}`)]), set: (v) => { model.setMode(p, v); structure(() => {})(); } }),
      plenary ? null : control(t("editor.minutes"), `${at}.minutes`, { type: "number", min: 1, max: 120, value: p.minutes, set: changed((v) => { p.minutes = v === "" ? null : Number(v); }) })),
    control(t("editor.instructions"), `${at}.instructions`, { type: "textarea", rows: 4, value: p.instructions, set: changed((v) => { p.instructions = v; }) }),
    control(t("editor.prompts"), `${at}.prompts`, { type: "textarea", hint: t("editor.one_a_line"), value: (p.prompts || []).join("\n"), set: changed((v) => { p.prompts = model.lines(v); }) }),
    plenary ? el("p", { class: "hint", text: t("editor.plenary_note") }) : writable,
    p.mode === "group" ? revealChoice(tpl, p, i, at, structure) : null,
    p.mode === "group" ? voteEditor(tpl, p, at, structure, changed) : null,
    p.mode === "individual" ? el("p", { class: "hint ed-reveal", text: reveal ? t("editor.revealed_by", { phase: reveal.title || t("editor.phase_legend", { n: tpl.phases.indexOf(reveal) + 1 }) }) : t("editor.never_revealed") }) : null,
    el("div", { class: "row" },
      button(t("editor.preview_phase"), () => onPreview(i), { "aria-label": t("editor.preview_named", { n: i + 1 }), "data-focus": `${p.key}:preview` }),
      button(t("editor.move_up"), structure(() => model.movePhase(tpl, i, -1)), { disabled: i === 0, "aria-label": t("editor.move_up_named", { n: i + 1 }), "data-focus": `${p.key}:up` }),
      button(t("editor.move_down"), structure(() => model.movePhase(tpl, i, 1)), { disabled: i === tpl.phases.length - 1, "aria-label": t("editor.move_down_named", { n: i + 1 }), "data-focus": `${p.key}:down` }),
      button(t("editor.remove_phase"), structure(() => model.removePhase(tpl, i)), { class: "danger", "aria-label": t("editor.remove_phase_named", { n: i + 1 }) })));
}

// Whether starting a group phase reveals the private notes of the individual work before it.
function revealChoice(tpl, p, i, at, structure) {
  if (!tpl.phases.slice(0, i).some((q) => q.mode === "individual")) return null;
  const id = nextId();
  const box = el("input", { type: "checkbox", id, checked: p.reveal !== false });
  box.dataset.path = `${at}.reveal`;
  box.addEventListener("change", () => { model.setReveal(p, box.checked); structure(() => {})(); });
  return el("label", { class: "check", for: id }, box, t("editor.reveal"));
}

// A group phase's dot vote: on or off, dots per person, and which sections of notes.
function voteEditor(tpl, p, at, structure, changed) {
  const id = nextId();
  const on = el("input", { type: "checkbox", id, checked: !!p.vote });
  on.dataset.path = `${at}.vote`;
  on.addEventListener("change", () => { model.setVote(p, on.checked); structure(() => {})(); });
  const box = el("fieldset", { class: "ed-sub", "data-path": `${at}.vote` },
    el("legend", { text: t("editor.vote") }),
    el("label", { class: "check", for: id }, on, t("editor.vote_on")));
  if (!p.vote) return box;
  const votable = tpl.sections.filter((s) => model.VOTABLE.includes(s.kind));
  box.append(
    control(t("editor.vote_per_person"), `${at}.vote.per_person`, { type: "number", min: 1, max: 20, value: p.vote.per_person, set: changed((v) => { p.vote.per_person = v === "" ? null : Number(v); }) }),
    el("fieldset", { class: "ed-sub", "data-path": `${at}.vote.sections` },
      el("legend", { text: t("editor.vote_sections") }),
      el("p", { class: "hint", text: t("editor.vote_sections_hint") }),
      votable.map((s) => {
        const boxId = nextId();
        const tick = el("input", { type: "checkbox", id: boxId, checked: (p.vote.sections || []).includes(s.key) });
        tick.addEventListener("change", () => {
          const keys = (p.vote.sections || []).filter((k) => k !== s.key);
          p.vote.sections = tick.checked ? [...keys, s.key] : keys;
          changed(() => {})();
        });
        return el("label", { class: "check", for: boxId }, tick, s.title || t(`editor.kind.${s.kind}`));
      })));
  return box;
}

// Shows the server's problems next to their controls; returns the first control marked.
export function showErrors(root, fields, fallback) {
  for (const node of root.querySelectorAll(".field-error")) node.remove();
  for (const node of root.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    const described = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.startsWith("err-"));
    if (described.length) node.setAttribute("aria-describedby", described.join(" ")); else node.removeAttribute("aria-describedby");
  }
  const byPath = model.errorsByPath(fields);
  const known = new Set([...root.querySelectorAll("[data-path]")].map((n) => n.dataset.path));
  let first = null;
  const loose = [];
  for (const [path, message] of byPath) {
    const where = model.nearestPath(path, known);
    const target = where ? root.querySelector(`[data-path="${CSS.escape(where)}"]`) : null;
    if (!target) { loose.push(message); continue; }
    const id = `err-${++uid}`;
    const note = el("p", { class: "field-error", id, text: message });
    if (target.matches("input, textarea, select")) {
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", `${target.getAttribute("aria-describedby") || ""} ${id}`.trim());
      target.after(note);
      first = first || target;
    } else {
      const legend = target.querySelector(":scope > legend");
      if (legend) legend.after(note); else target.prepend(note);
      first = first || target.querySelector("input, textarea, select") || target;
    }
  }
  fallback(loose.join(" "));
  return first;
}
