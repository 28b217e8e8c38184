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
  // A pick that lost a race: show the group's picks as they are now.
  function conflict(current) {
    if (current.key !== s.key) return false;
    ctx.group().fields[s.key] = current;
    render();
    msg.textContent = t("pick.conflict", { name: current.by_name || t("people.someone") });
    return true;
  }
  return { node, render, conflict };
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
    const merge = el("div", { class: "merge hidden", role: "alert" });
    node.lastChild.append(merge);
    // base: the version this edit started from, fixed at the first keystroke, so a write
    // that lands while we type is a conflict rather than silently replaced.
    const state = { key, input, suggest, changed, merge, def: f, dirty: false, timer: null, base: null, theirs: null };
    input.addEventListener("input", () => {
      if (state.base === null) state.base = version(state.key);
      state.dirty = true;
      clearTimeout(state.timer);
      state.timer = setTimeout(() => send(state), 800);
    });
    input.addEventListener("blur", () => { clearTimeout(state.timer); send(state); });
    inputs.push(state);
  }

  function version(key) {
    const f = ctx.group().fields[key];
    return f ? f.version : 0;
  }

  function send(state) {
    if (!state.dirty || !ctx.isWritable(s.key) || state.theirs) return;
    state.dirty = false;
    const f = ctx.group().fields[state.key];
    const value = state.input.value;
    const base = state.base ?? version(state.key);
    if (f && f.value === value) { state.base = null; return; }
    ctx.op("field.set", { key: state.key, value, base });
    // Our own write will be version base + 1: typing on before its echo builds on it.
    state.base = base + 1;
  }

  // Someone else's write landed first: keep what this person typed, show theirs beside
  // it, and let them choose or combine.
  function conflict(current) {
    const st = inputs.find((x) => x.key === current.key);
    if (!st) return false;
    st.theirs = current;
    st.base = current.version;
    clear(st.merge).classList.remove("hidden");
    st.merge.append(
      el("p", { text: t("field.merge_intro", { name: current.by_name || t("people.someone") }) }),
      el("blockquote", { class: "theirs", text: current.value || t("field.merge_empty") }),
      el("div", { class: "row" },
        el("button", { type: "button", class: "primary", onclick: () => resolve(st, st.input.value) }, t("field.merge_keep_mine")),
        el("button", { type: "button", onclick: () => resolve(st, current.value) }, t("field.merge_use_theirs"))));
    return true;
  }

  function resolve(st, value) {
    st.input.value = value;
    st.theirs = null;
    st.merge.classList.add("hidden");
    st.dirty = true;
    send(st);
    render();
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
      if (!(focused && st.dirty) && !st.theirs) st.input.value = f ? f.value : "";
      // Once the board holds our last write, the next edit starts from what it shows.
      if (!st.dirty && !st.theirs && st.base !== null && (f ? f.version : 0) >= st.base) st.base = null;
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
  function flush() {
    for (const st of inputs) { clearTimeout(st.timer); send(st); }
  }
  return { node, render, conflict, flush };
}
