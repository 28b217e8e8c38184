// /pair?code=…: the link a screen's QR code opens. In the facilitator's browser it offers
// the workshops whose key this browser holds and pairs the screen with the one chosen. It
// always asks first: a link alone must never show a workshop to a screen someone else runs.
import { get, el, clear } from "./api.js";
import { loadMessages, t, translatePage } from "./i18n.js";
import { mountLanguageSwitch } from "./language-switch.js";
import { pairScreen, pairError, tidyCode } from "./facilitate/screens.js";

const $ = (id) => document.getElementById(id);
const KEY = /^flipchart:([^:]+):facilitator$/;

// The workshops this browser runs: [{code, token}] from localStorage.
function facilitatorKeys(storage = localStorage) {
  const found = [];
  for (let i = 0; i < storage.length; i++) {
    const m = KEY.exec(storage.key(i) || "");
    const token = m && storage.getItem(storage.key(i));
    if (token) found.push({ code: m[1].toUpperCase(), token });
  }
  return found.sort((a, b) => a.code.localeCompare(b.code));
}

// Once paired, what the page says then; another language redraws the page from here.
let paired = null;

async function start() {
  await loadMessages().catch(() => {});
  translatePage();
  mountLanguageSwitch({ onChange: () => (paired ? showDone(...paired) : draw()) });
  await draw();
}

async function draw() {
  document.title = t("pair.doc_title");
  const pairing = tidyCode(new URLSearchParams(location.search).get("code"));
  $("code").textContent = pairing || "—";
  if (!pairing) { $("message").textContent = t("pair.no_code"); return; }
  $("message").textContent = t("pair.loading");
  // Workshops deleted since are left out; the rest are offered by code.
  const workshops = (await Promise.all(facilitatorKeys().map(async (w) => {
    try { return { ...w, info: await get(`/api/workshops/${encodeURIComponent(w.code)}`) }; } catch { return null; }
  }))).filter(Boolean);
  if (!workshops.length) { $("message").textContent = t("pair.no_key", { code: pairing }); return; }
  $("message").textContent = workshops.length === 1
    ? t("pair.confirm", { code: pairing }) : t("pair.choose", { code: pairing });
  const choices = clear($("choices"));
  for (const w of workshops) {
    const title = w.info.title || w.info.template_title;
    const button = el("button", { type: "button", class: "primary", text: t("pair.with", { title, code: w.code }) });
    button.addEventListener("click", () => pair(w, title, pairing));
    choices.append(button);
  }
}

async function pair(w, title, pairing) {
  const buttons = [...$("choices").querySelectorAll("button")];
  buttons.forEach((b) => { b.disabled = true; });
  $("error").textContent = "";
  try {
    await pairScreen(w.code, w.token, pairing);
  } catch (err) {
    $("error").textContent = pairError(err, pairing);
    buttons.forEach((b) => { b.disabled = false; });
    return;
  }
  paired = [w, title, pairing];
  showDone(w, title, pairing);
}

function showDone(w, title, pairing) {
  $("message").textContent = t("pair.done", { title, code: w.code, pairing });
  clear($("choices")).append(el("a", { class: "button", href: `/w/${encodeURIComponent(w.code)}/facilitate`,
                                       text: t("pair.back") }));
}

start();
