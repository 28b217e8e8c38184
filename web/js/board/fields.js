// Sections that are not notes: "pick N of a list" and forms of text fields. Both send
// the version they started from, so a change someone made meanwhile is a conflict.
import { el, clear } from "../api.js";
import { limits } from "../limits.js";
import { t } from "../i18n.js";
import { panelShell } from "./panel.js";

export function pickPanel(ctx, s, onToggle) {
  const { node, head } = panelShell(ctx, s, () => { render(); onToggle(); });
  const count = el("span", { class: "pick-count" });
  head.append(count);
  const msg = el("p", { class: "error", role: "alert" });
  const list = el("ul", { class: "options" });
  const changed = el("p", { class: "changed-by" });
  node.append(list, msg, changed);
  const boxes = new Map();
  for (const o of s.options || []) {
    const box = el("input", { type: "checkbox", value: o.value });
    const label = el("label", {}, box, el("span", { text: o.label }));
    box.addEventListener("change", () => onToggle_(o.value, box));
    boxes.set(o.value, { box, label });
    list.append(el("li", {}, label));
  }
  const limit = s.choose || (s.options || []).length;

  function current() { return ctx.group().fields[s.key]; }

  function onToggle_(value, box) {
    msg.textContent = "";
    const f = current();
    const chosen = f ? [...f.value] : [];
    let next;
    if (box.checked) {
      if (chosen.length >= limit) {
        box.checked = false;
        msg.textContent = t("pick.full", { count: limit });
        return;
      }
      next = [...chosen, value];
    } else {
      next = chosen.filter((v) => v !== value);
    }
    ctx.op("pick.set", { key: s.key, value: next, base: f ? f.version : 0 });
  }

  function render() {
    const can = ctx.isWritable(s.key);
    const f = current();
    const chosen = f ? f.value : [];
    for (const [value, { box, label }] of boxes) {
      box.checked = chosen.includes(value);
      box.disabled = !can;
      label.classList.toggle("checked", box.checked);
    }
    count.textContent = t("pick.count", { count: chosen.length, limit });
    changed.textContent = f && f.by_name ? t("field.changed_by", { name: f.by_name }) : "";
  }
  return { node, render };
}

export function formPanel(ctx, s, onToggle) {
  const { node } = panelShell(ctx, s, () => { render(); onToggle(); });
  const inputs = [];
  for (const f of s.fields || []) {
    const key = `${s.key}.${f.key}`;
    const id = `f-${s.key}-${f.key}`;
    const maxlength = String(limits.value("max_field_text", 2000));
    const input = f.multiline
      ? el("textarea", { id, rows: "3", maxlength, placeholder: f.placeholder || "" })
      : el("input", { id, type: "text", maxlength, placeholder: f.placeholder || "" });
    const suggest = el("div", { class: "chips" });
    const changed = el("div", { class: "changed-by" });
    node.append(el("div", { class: "field" }, el("label", { for: id, text: f.label }), input, suggest, changed));
    const state = { key, input, suggest, changed, def: f, dirty: false, timer: null };
    input.addEventListener("input", () => {
      state.dirty = true;
      clearTimeout(state.timer);
      state.timer = setTimeout(() => send(state), 800);
    });
    input.addEventListener("blur", () => { clearTimeout(state.timer); send(state); });
    inputs.push(state);
  }

  function send(state) {
    if (!state.dirty || !ctx.isWritable(s.key)) return;
    state.dirty = false;
    const f = ctx.group().fields[state.key];
    const value = state.input.value;
    if (f && f.value === value) return;
    ctx.op("field.set", { key: state.key, value, base: f ? f.version : 0 });
  }

  function suggestions(def) {
    if (!def.suggest_from) return [];
    const src = ctx.template.sections.find((x) => x.key === def.suggest_from);
    if (!src) return [];
    if (src.kind === "pick") {
      const picked = (ctx.group().fields[src.key] || {}).value || [];
      return (src.options || []).filter((o) => picked.includes(o.value)).map((o) => o.label);
    }
    return ctx.notesOf(src.key).filter((n) => n.text).map((n) => n.text).slice(0, 8);
  }

  function render() {
    const can = ctx.isWritable(s.key);
    for (const st of inputs) {
      const f = ctx.group().fields[st.key];
      st.input.disabled = !can;
      const focused = document.activeElement === st.input;
      if (!(focused && st.dirty)) st.input.value = f ? f.value : "";
      st.changed.textContent = f && f.by_name ? t("field.changed_by", { name: f.by_name }) : "";
      clear(st.suggest);
      if (can) {
        for (const text of suggestions(st.def)) {
          st.suggest.append(el("button", { type: "button", class: "chip suggest", title: t("field.use_suggestion"),
            onclick: () => { st.input.value = text; st.dirty = true; send(st); } }, text.length > 60 ? `${text.slice(0, 57)}…` : text));
        }
      }
    }
  }
  return { node, render };
}
