// The template editor page (/editor): start from empty, a built-in or a saved template
// (?from=<key> duplicates it; ?key=<key> edits one this browser saved), edit, preview each
// phase as a participant sees it, save (the edit token stays in this browser), import and
// export TOML files.
import { get } from "../api.js";
import { loadMessages, t, translatePage } from "../i18n.js";
import { mountLanguageSwitch } from "../language-switch.js";
import { createLibrary } from "./library.js";
import * as model from "./model.js";
import { renderForm, showErrors } from "./form.js";
import { renderPreview } from "./preview.js";

const $ = (id) => document.getElementById(id);
const library = createLibrary();
const form = $("editor-form");
const preview = $("preview");
let tpl = model.emptyTemplate();
let key = null; // the saved template being edited, when this browser holds its token
let previewAt = 0;
let lastErrors = [];
let previewTimer = null;

function say(message) { $("status").textContent = message; }
function fail(message) { $("error").textContent = message; }

// Redraws the form, keeping the focus on the control (or button) it was on.
function draw() {
  const active = document.activeElement;
  const focus = active?.dataset?.focus || active?.dataset?.path;
  const byFocus = !!active?.dataset?.focus;
  renderForm(form, tpl, { onChange: schedulePreview, onStructure: draw, onPreview: showPhase });
  drawPreview();
  if (lastErrors.length) showErrors(form, lastErrors, fail);
  if (focus) {
    const attr = byFocus ? "data-focus" : "data-path";
    const again = form.querySelector(`[${attr}="${CSS.escape(focus)}"]`);
    if (again && !again.disabled) again.focus();
    else if (active && !document.contains(active)) $("ed-add-phase")?.focus();
  }
}

function drawPreview() { renderPreview(preview, tpl, previewAt); }

function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(drawPreview, 150);
}

function showPhase(index) {
  previewAt = index;
  drawPreview();
  preview.querySelector(`[data-preview="${index}"]`)?.focus();
}

preview.addEventListener("click", (ev) => {
  const button = ev.target.closest("[data-preview]");
  if (button) showPhase(Number(button.dataset.preview));
});

function showSaved() {
  const own = key && library.token(key);
  $("saved-as").textContent = own ? t("editor.saved_as", { key }) : t("editor.not_saved");
  for (const id of ["export", "use", "delete"]) $(id).classList.toggle("hidden", !own);
  if (own) {
    $("export").href = `/api/templates/${encodeURIComponent(key)}.toml`;
    $("export").setAttribute("download", `${key}.toml`);
    $("use").href = `/create?template=${encodeURIComponent(key)}`;
  }
}

function edit(data, savedKey = null) {
  const { key: _ignored, ...rest } = data;
  tpl = rest;
  tpl.sections = tpl.sections || [];
  tpl.phases = tpl.phases || [];
  key = savedKey;
  previewAt = 0;
  lastErrors = [];
  fail("");
  history.replaceState(null, "", savedKey ? `/editor?key=${encodeURIComponent(savedKey)}` : "/editor");
  showSaved();
  draw();
}

async function startFrom(source) {
  fail("");
  if (!source) { edit(model.emptyTemplate()); say(t("editor.started_empty")); return; }
  const got = await library.raw(source);
  if (!got.ok) { fail(got.data?.message || t("editor.load_failed")); return; }
  const own = library.token(source) ? source : null;
  edit(got.data.template, own);
  say(own ? t("editor.editing", { title: tpl.title }) : t("editor.duplicated", { title: tpl.title }));
}

async function fillStartList() {
  const select = $("start-from");
  const options = [["", t("editor.start_empty")]];
  try {
    for (const builtIn of await get("/api/templates")) options.push([builtIn.key, t("editor.start_builtin", { title: builtIn.title })]);
  } catch { /* the empty start still works */ }
  for (const mine of library.list()) options.push([mine.key, t("editor.start_mine", { title: mine.title || mine.key })]);
  select.replaceChildren(...options.map(([value, text]) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = text;
    return option;
  }));
}

$("start").addEventListener("click", () => startFrom($("start-from").value));

$("save").addEventListener("click", async () => {
  fail("");
  say(t("editor.saving"));
  const result = await library.save(tpl, key);
  if (!result.ok) {
    say("");
    lastErrors = result.data?.fields || [];
    const first = showErrors(form, lastErrors, () => {});
    fail(result.data?.message || (result.status ? t("api.status", { status: result.status }) : t("api.unreachable")));
    first?.focus();
    return;
  }
  lastErrors = [];
  showErrors(form, [], () => {});
  const was = key;
  key = result.data.key;
  history.replaceState(null, "", `/editor?key=${encodeURIComponent(key)}`);
  showSaved();
  await fillStartList();
  say(was === key ? t("editor.saved") : t("editor.saved_new", { key }));
});

$("import").addEventListener("change", async (ev) => {
  const file = ev.target.files?.[0];
  ev.target.value = "";
  if (!file) return;
  fail("");
  const result = await library.check(await file.text(), "application/toml");
  if (!result.ok) { fail(result.data?.message || t("editor.import_failed")); return; }
  edit(result.data.template);
  lastErrors = result.data.fields || [];
  if (lastErrors.length) {
    fail(t("editor.import_problems", { count: lastErrors.length }));
    showErrors(form, lastErrors, () => {})?.focus();
  }
  say(t("editor.imported", { name: file.name }));
});

$("delete").addEventListener("click", async () => {
  if (!key || !confirm(t("editor.delete_confirm", { title: tpl.title || key }))) return;
  const result = await library.remove(key);
  if (!result.ok && result.status !== 404) { fail(result.data?.message || t("editor.delete_failed")); return; }
  await fillStartList();
  edit(tpl); // what was on screen stays, as a new unsaved template
  say(t("editor.deleted"));
});

async function start() {
  await loadMessages().catch(() => {});
  translatePage();
  mountLanguageSwitch({ onChange: () => { showSaved(); draw(); fillStartList(); } });
  await fillStartList();
  const params = new URLSearchParams(location.search);
  const source = params.get("key") || params.get("from");
  if (source) {
    await startFrom(source);
    $("start-from").value = source;
  } else {
    edit(model.emptyTemplate());
  }
}

start();
