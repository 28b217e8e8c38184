import { get, post, el, clear, saveToken } from "./api.js";
import { limits, applyLimits } from "./limits.js";

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
  const button = document.getElementById("create-button");
  button.disabled = true;
  try {
    const made = await post("/api/workshops", { template: template.value, title, groups });
    saveToken(made.code, "facilitator", made.facilitator_token);
    location.href = `/w/${encodeURIComponent(made.code)}/facilitate`;
  } catch (err) {
    errorBox.textContent = err.message;
    button.disabled = false;
  }
});

applyLimits();
load();
