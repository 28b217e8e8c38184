// The note editor dialog: text (and answer for pairs), actor tags, colour; create,
// save and delete. Opening it tells the group who is editing which note.
import { uuid } from "../sync.js";
import { el, clear } from "../api.js";
import { limits } from "../limits.js";
import { t } from "../i18n.js";

const COLOURS = ["yellow", "pink", "blue", "green", "orange", "purple"];

// What a person edits in a note, as one comparable value.
function content(note) {
  return JSON.stringify([note.text || "", note.answer || "", note.actors || [], note.colour || "yellow"]);
}

export function createEditor(ctx) {
  const $ = (id) => document.getElementById(id);
  const state = { section: null, note: null, pos: null, actors: [], colour: "yellow", base: null };
  // op_id -> what a save sent and what the editor started from, until the server answers.
  const saves = new Map();

  function open(s, note, pos, theirs = null) {
    state.section = s; state.note = note; state.pos = pos;
    state.base = note ? note.version : null;
    state.actors = note ? [...(note.actors || [])] : [];
    state.colour = note ? note.colour || "yellow" : "yellow";
    $("editor-title").textContent = note ? (note.step ? t("editor.title_step", { step: note.step }) : t("editor.title_edit")) : t("editor.title_new");
    const pairs = s.kind === "pairs";
    $("editor-text-label").textContent = pairs ? (s.columns || [])[0] || t("editor.text") : t("editor.text");
    $("editor-answer-label").textContent = pairs ? (s.columns || [])[1] || t("editor.answer") : t("editor.answer");
    $("editor-answer-wrap").classList.toggle("hidden", !pairs);
    $("editor-text").value = note ? note.text || "" : "";
    $("editor-answer").value = note ? note.answer || "" : "";
    $("editor-actors-wrap").classList.toggle("hidden", s.kind !== "steps" && !(s.actors && s.actors.length));
    $("editor-actor-input").value = "";
    $("editor-delete").classList.toggle("hidden", !note);
    $("editor-error").textContent = "";
    $("editor-merge").classList.toggle("hidden", !theirs);
    if (theirs) $("editor-merge-theirs").textContent = [theirs.text, theirs.answer].filter(Boolean).join(" / ") || t("note.empty");
    renderActors();
    renderColours();
    $("editor").showModal();
    $("editor-text").focus();
    if (note) ctx.client.presence(ctx.groupRoom, note.id);
  }

  function renderActors() {
    const box = clear($("editor-actors"));
    for (const a of state.actors) {
      box.append(el("span", { class: "chip" }, a, el("button", { type: "button", "aria-label": t("editor.remove_tag", { tag: a }),
        onclick: () => { state.actors = state.actors.filter((x) => x !== a); renderActors(); } }, "×")));
    }
    const sugg = clear($("editor-suggest"));
    const known = new Set(state.section.actors || []);
    for (const n of ctx.group().notes.values()) (n.actors || []).forEach((a) => known.add(a));
    for (const a of known) {
      if (state.actors.includes(a)) continue;
      sugg.append(el("button", { type: "button", class: "chip suggest", "aria-label": t("editor.add_tag", { tag: a }),
        onclick: () => addActor(a) }, `+ ${a}`));
    }
  }

  function addActor(a) {
    a = a.trim().slice(0, limits.value("max_actor", 40));
    if (!a || state.actors.includes(a)) return;
    const maxActors = limits.value("max_actors", 10);
    if (state.actors.length >= maxActors) { $("editor-error").textContent = t("editor.too_many_tags", { count: maxActors }); return; }
    state.actors.push(a);
    renderActors();
  }

  function renderColours() {
    const box = clear($("editor-colours"));
    for (const c of COLOURS) {
      box.append(el("button", { type: "button", class: `swatch c-${c}`, "aria-label": t(`colour.${c}`), "aria-pressed": String(state.colour === c),
        onclick: () => { state.colour = c; renderColours(); } }));
    }
  }

  function close() {
    if (state.note) ctx.client.presence(ctx.groupRoom, null);
    $("editor").close();
    state.section = null;
  }

  function save() {
    const s = state.section;
    if (!s) return;
    const pending = $("editor-actor-input").value.trim();
    if (pending) addActor(pending);
    const text = $("editor-text").value.trim();
    const answer = $("editor-answer").value.trim();
    if (state.note) {
      const data = { id: state.note.id, text, actors: state.actors, colour: state.colour, base: state.base };
      if (s.kind === "pairs") data.answer = answer;
      saves.set(ctx.op("note.update", data), { section: s, data, start: content(state.note) });
    } else {
      if (!text && !answer) { $("editor-error").textContent = t("editor.empty"); return; }
      const data = { id: uuid(), section: s.key, text, actors: state.actors, x: state.pos.x, y: state.pos.y, colour: state.colour };
      if (s.kind === "pairs") data.answer = answer;
      ctx.op("note.create", data);
    }
    close();
  }

  $("editor-actor-input").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === ",") {
      ev.preventDefault();
      addActor(ev.target.value);
      ev.target.value = "";
    }
  });
  $("editor-cancel").addEventListener("click", close);
  $("editor").addEventListener("cancel", () => { if (state.note) ctx.client.presence(ctx.groupRoom, null); });
  $("editor-delete").addEventListener("click", () => {
    if (state.note && confirm(t("note.confirm_delete"))) ctx.op("note.delete", { id: state.note.id });
    close();
  });
  $("editor-form").addEventListener("submit", (ev) => { ev.preventDefault(); save(); });

  // The server refused a save because the note changed since the editor opened. If only
  // its place or step changed, the save goes again on the new version; if its content
  // changed, the editor opens again with this person's text and the other one beside it.
  function conflict(err) {
    const saved = saves.get(err.op_id);
    saves.delete(err.op_id);
    if (!saved || !err.current) return false;
    const current = err.current;
    if (content(current) === saved.start) {
      const data = { ...saved.data, base: current.version };
      saves.set(ctx.op("note.update", data), { ...saved, data, start: content(current) });
      return true;
    }
    open(saved.section, current, null, current);
    $("editor-text").value = saved.data.text;
    if (saved.data.answer !== undefined) $("editor-answer").value = saved.data.answer;
    state.actors = [...saved.data.actors];
    state.colour = saved.data.colour;
    renderActors();
    renderColours();
    return true;
  }

  function settled(opId) { saves.delete(opId); }

  // Saves what is open, if it changed and its section still takes writes.
  function flush() {
    const s = state.section;
    if (!s || !$("editor").open || !ctx.isWritable(s.key)) return;
    const note = state.note;
    const text = $("editor-text").value.trim();
    const unchanged = note ? text === (note.text || "").trim() && $("editor-answer").value.trim() === (note.answer || "").trim()
      && JSON.stringify(state.actors) === JSON.stringify(note.actors || []) && state.colour === (note.colour || "yellow")
      : !text && !$("editor-answer").value.trim();
    if (unchanged) return;
    save();
  }

  $("editor-use-theirs").addEventListener("click", () => {
    if (!state.note) return;
    $("editor-text").value = state.note.text || "";
    $("editor-answer").value = state.note.answer || "";
    state.actors = [...(state.note.actors || [])];
    renderActors();
    $("editor-merge").classList.add("hidden");
  });

  ctx.openEditor = (s, note, pos) => open(s, note, pos);
  return { open, close, conflict, settled, flush };
}
