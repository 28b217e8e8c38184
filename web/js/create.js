import { get, post, el, clear, saveToken } from "./api.js";
import { limits, applyLimits } from "./limits.js";
import { currentLanguage, loadMessages, t, translatePage } from "./i18n.js";
import { LANGUAGES, NAMES } from "./language.js";
import { mountLanguageSwitch } from "./language-switch.js";
import { appendSaved, duplicateLink } from "./editor/choices.js";

// With an organiser key on the server (GET /api/limits: organiser_key_required), the page
// asks for it once and keeps it in this browser; a key the server refuses is asked again.
const KEY_STORE = "flipchart:organiser-key";
const keyField = document.getElementById("organiser-key-field");
const keyInput = document.getElementById("organiser-key");

function storedKey() {
  try { return localStorage.getItem(KEY_STORE) || ""; } catch { return ""; }
}

function askForKey(message) {
  keyField.classList.remove("hidden");
  keyInput.required = true;
  if (message) { errorBox.textContent = message; keyInput.focus(); }
}

async function checkKeyNeeded() {
  const known = await limits.load();
  if (known && known.organiser_key_required && !storedKey()) askForKey();
}

// The workshop's language (its screen, report and activity texts): the page's language
// until the facilitator picks another one.
const languageSelect = document.getElementById("language");
let languagePicked = false;
for (const lang of LANGUAGES) languageSelect.append(el("option", { value: lang, lang, text: NAMES[lang] }));
languageSelect.addEventListener("change", () => { languagePicked = true; });
function followPageLanguage() { if (!languagePicked) languageSelect.value = currentLanguage(); }

const list = document.getElementById("templates");
const errorBox = document.getElementById("error");
const form = document.getElementById("create");

async function load() {
  try {
    const templates = await get("/api/templates");
    clear(list);
    const option = (tpl, checked = false) => {
      const phases = (tpl.phases || []).map((p) => `${p.title}${p.minutes ? ` ${p.minutes}′` : ""}`).join(" · ");
      return el("label", { class: "template-option" },
        el("input", { type: "radio", name: "template", value: tpl.key, checked }),
        el("span", {},
          el("strong", { text: tpl.title }),
          el("div", { class: "muted small", text: `${tpl.audience || ""}${tpl.minutes_total ? ` · ${t("create.total", { min: tpl.minutes_total })}` : ""}` }),
          tpl.summary ? el("p", { class: "small", text: tpl.summary }) : null,
          // A translated activity says whose translation it is (not Cedefop's own).
          tpl.translation_note ? el("p", { class: "small muted translation-note", text: tpl.translation_note }) : null,
          el("p", { class: "phases", text: phases })));
    };
    templates.forEach((tpl, i) => list.append(option(tpl, i === 0), duplicateLink(tpl)));
    // Templates this browser saved (web/js/editor/choices.js), and one asked for by ?template=.
    await appendSaved(list, option);
    list.append(el("a", { class: "template-edit", href: "/editor", text: t("create.new_template") }));
    const wanted = new URLSearchParams(location.search).get("template");
    const asked = wanted && list.querySelector(`input[name=template][value="${CSS.escape(wanted)}"]`);
    if (asked) asked.checked = true;
  } catch (err) {
    clear(list).append(el("p", { class: "error", text: t("create.load_failed", { error: err.message }) }));
  }
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  errorBox.textContent = "";
  const template = form.querySelector("input[name=template]:checked");
  if (!template) { errorBox.textContent = t("create.choose_activity"); return; }
  const groups = Number(document.getElementById("groups").value);
  const maxGroups = limits.value("max_groups", 20);
  if (!Number.isInteger(groups) || groups < 1 || groups > maxGroups) {
    errorBox.textContent = t("groups.range", { max: maxGroups }); return;
  }
  const title = document.getElementById("title").value.trim();
  const asking = !keyField.classList.contains("hidden");
  const key = asking ? keyInput.value.trim() : storedKey();
  if (asking && !key) { askForKey(t("create.key_empty")); return; }
  const button = document.getElementById("create-button");
  button.disabled = true;
  try {
    const headers = key ? { "X-Organiser-Key": key } : {};
    const anonymous = document.getElementById("anonymous").checked;
    const made = await post("/api/workshops", { template: template.value, title, groups, anonymous, language: languageSelect.value }, { headers });
    if (key) { try { localStorage.setItem(KEY_STORE, key); } catch { /* private mode */ } }
    saveToken(made.code, "facilitator", made.facilitator_token);
    location.href = `/w/${encodeURIComponent(made.code)}/facilitate`;
  } catch (err) {
    button.disabled = false;
    if (err.status === 401 || err.status === 403) {
      try { localStorage.removeItem(KEY_STORE); } catch { /* private mode */ }
      keyInput.value = "";
      askForKey(err.status === 401 ? t("create.key_needed") : err.message);
      return;
    }
    errorBox.textContent = err.message; // 429 says when to try again
  }
});

applyLimits();
checkKeyNeeded();
// The activities are listed once the catalogue is in, and again in a newly chosen language
// (the server describes them in the language the request asks for).
loadMessages().catch(() => {}).then(() => {
  translatePage();
  followPageLanguage();
  mountLanguageSwitch({ onChange: () => { followPageLanguage(); if (list.querySelector("input[name=template]")) reload(); } });
  load();
});

// Keeps the chosen activity across a reload of the list.
async function reload() {
  const chosen = form.querySelector("input[name=template]:checked");
  await load();
  const again = chosen && form.querySelector(`input[name=template][value="${CSS.escape(chosen.value)}"]`);
  if (again) again.checked = true;
}
