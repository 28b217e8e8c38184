import { get, post, el, clear, saveToken } from "./api.js";
import { limits, applyLimits } from "./limits.js";

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

const list = document.getElementById("templates");
const errorBox = document.getElementById("error");
const form = document.getElementById("create");

async function load() {
  try {
    const templates = await get("/api/templates");
    clear(list);
    templates.forEach((t, i) => {
      const phases = (t.phases || []).map((p) => `${p.title}${p.minutes ? ` ${p.minutes}′` : ""}`).join(" · ");
      list.append(el("label", { class: "template-option" },
        el("input", { type: "radio", name: "template", value: t.key, checked: i === 0 }),
        el("span", {},
          el("strong", { text: t.title }),
          el("div", { class: "muted small", text: `${t.audience || ""}${t.minutes_total ? ` · ${t.minutes_total} min` : ""}` }),
          t.summary ? el("p", { class: "small", text: t.summary }) : null,
          el("p", { class: "phases", text: phases }))));
    });
  } catch (err) {
    clear(list).append(el("p", { class: "error", text: `Could not load the activities: ${err.message}` }));
  }
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  errorBox.textContent = "";
  const template = form.querySelector("input[name=template]:checked");
  if (!template) { errorBox.textContent = "Choose an activity."; return; }
  const groups = Number(document.getElementById("groups").value);
  const maxGroups = limits.value("max_groups", 20);
  if (!Number.isInteger(groups) || groups < 1 || groups > maxGroups) {
    errorBox.textContent = `Choose between 1 and ${maxGroups} groups.`; return;
  }
  const title = document.getElementById("title").value.trim();
  const asking = !keyField.classList.contains("hidden");
  const key = asking ? keyInput.value.trim() : storedKey();
  if (asking && !key) { askForKey("Type the organiser key."); return; }
  const button = document.getElementById("create-button");
  button.disabled = true;
  try {
    const headers = key ? { "X-Organiser-Key": key } : {};
    const made = await post("/api/workshops", { template: template.value, title, groups }, { headers });
    if (key) { try { localStorage.setItem(KEY_STORE, key); } catch { /* private mode */ } }
    saveToken(made.code, "facilitator", made.facilitator_token);
    location.href = `/w/${encodeURIComponent(made.code)}/facilitate`;
  } catch (err) {
    button.disabled = false;
    if (err.status === 401 || err.status === 403) {
      try { localStorage.removeItem(KEY_STORE); } catch { /* private mode */ }
      keyInput.value = "";
      askForKey(err.status === 401 ? "This server needs its organiser key to create a workshop." : err.message);
      return;
    }
    errorBox.textContent = err.message; // 429 says when to try again
  }
});

applyLimits();
checkKeyNeeded();
load();
