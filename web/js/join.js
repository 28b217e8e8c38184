import { get, post, codeFromPath, saveToken, loadToken } from "./api.js";
import { applyLimits } from "./limits.js";
import { loadMessages, t, translatePage } from "./i18n.js";
import { mountLanguageSwitch } from "./language-switch.js";

applyLimits();
// Until the catalogue arrives the page shows its English markup; then its own language.
loadMessages().catch(() => {}).then(() => {
  translatePage();
  mountLanguageSwitch({ onChange: () => { if (shownCode) lookUp(shownCode); } });
});
let shownCode = "";

const form = document.getElementById("join");
const codeInput = document.getElementById("code");
const nameInput = document.getElementById("name");
const errorBox = document.getElementById("error");
const titleBox = document.getElementById("workshop-title");

const fromPath = codeFromPath();
if (fromPath) {
  codeInput.value = fromPath;
  lookUp(fromPath);
  nameInput.focus();
} else {
  codeInput.focus();
}
const savedName = localStorage.getItem("flipchart:name");
if (savedName) nameInput.value = savedName;

let lookupTimer = null;
codeInput.addEventListener("input", () => {
  clearTimeout(lookupTimer);
  titleBox.textContent = "";
  shownCode = "";
  const code = codeInput.value.trim().toUpperCase();
  if (code.length >= 4) lookupTimer = setTimeout(() => lookUp(code), 300);
});

async function lookUp(code) {
  try {
    const info = await get(`/api/workshops/${encodeURIComponent(code)}`);
    shownCode = code;
    titleBox.textContent = info.title || info.template_title || "";
    if (loadToken(code, "participant")) {
      titleBox.textContent += ` · ${t("join.already")} `;
      const a = document.createElement("a");
      a.href = `/w/${encodeURIComponent(info.code)}`;
      a.textContent = t("join.back");
      titleBox.append(a);
    }
  } catch {
    titleBox.textContent = "";
  }
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  errorBox.textContent = "";
  const code = codeInput.value.trim().toUpperCase();
  const name = nameInput.value.trim();
  if (!code) { errorBox.textContent = t("join.err_code"); codeInput.focus(); return; }
  if (!name) { errorBox.textContent = t("join.err_name"); nameInput.focus(); return; }
  const button = document.getElementById("join-button");
  button.disabled = true;
  try {
    const joined = await post(`/api/workshops/${encodeURIComponent(code)}/participants`, { name });
    saveToken(code, "participant", joined.token);
    localStorage.setItem("flipchart:name", name);
    location.href = `/w/${encodeURIComponent(code)}`;
  } catch (err) {
    errorBox.textContent = err.status === 404 ? t("join.err_not_found") : err.message;
    button.disabled = false;
  }
});
