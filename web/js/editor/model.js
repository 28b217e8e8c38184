// The template being edited, as plain data (the JSON the server reads and answers): pure
// changes the editor's form makes, kept here so that `node --test` can check them. Fields the
// editor does not show (translations, reading lists, whatever a newer server adds) are kept
// as they are, so a template round-trips through the editor unchanged.

export const MODES = ["individual", "group", "plenary"];
export const KINDS = ["steps", "cards", "pick", "form", "pairs"];

export function emptyTemplate() {
  return {
    title: "", audience: "", summary: "",
    sections: [{ key: "s1", kind: "cards", title: "" }],
    phases: [
      { key: "p1", title: "", mode: "group", minutes: 10, instructions: "", prompts: [], sections: ["s1"] },
      { key: "plenary", title: "", mode: "plenary", instructions: "" },
    ],
  };
}

// A built-in or saved template as the server describes it, ready to edit as a new one:
// what the server adds to its description (minutes_total, languages…) is left out.
export function fromDescription(described) {
  const { key, minutes_total, languages, translation_note, ...template } = described || {};
  return structuredClone(template);
}

function freshKey(prefix, taken) {
  let n = taken.length + 1;
  while (taken.includes(`${prefix}${n}`)) n += 1;
  return `${prefix}${n}`;
}

export function addPhase(tpl) {
  const key = freshKey("p", tpl.phases.map((p) => p.key));
  // Before the plenary, which stays last.
  const at = Math.max(0, tpl.phases.length - (last(tpl)?.mode === "plenary" ? 1 : 0));
  tpl.phases.splice(at, 0, { key, title: "", mode: "group", minutes: 10, instructions: "", prompts: [], sections: [] });
  return at;
}

export function removePhase(tpl, index) { tpl.phases.splice(index, 1); }

// Moves phase `index` by `by` (-1 up, +1 down); false when it cannot move.
export function movePhase(tpl, index, by) {
  const to = index + by;
  if (to < 0 || to >= tpl.phases.length) return false;
  const [phase] = tpl.phases.splice(index, 1);
  tpl.phases.splice(to, 0, phase);
  return true;
}

// Sections whose notes a dot vote can count (app/phases/templates.py VOTABLE_KINDS).
export const VOTABLE = ["steps", "cards", "pairs"];

// A dot vote belongs to a group phase: it opens when the phase starts, closes when it ends.
export function setVote(phase, on) {
  if (on) phase.vote = phase.vote || { per_person: 3, sections: [] };
  else delete phase.vote;
}

export function setMode(phase, mode) {
  phase.mode = mode;
  if (mode !== "group") { delete phase.vote; delete phase.reveal; }
  if (mode === "plenary") { delete phase.minutes; phase.sections = []; }
  else if (!phase.minutes) phase.minutes = 10;
}

export function blankSection(kind, key) {
  const section = { key, kind, title: "" };
  if (kind === "steps") section.actors = [];
  if (kind === "pick") { section.choose = 1; section.options = []; }
  if (kind === "form") section.fields = [{ key: "f1", label: "" }];
  if (kind === "pairs") section.columns = ["", ""];
  return section;
}

export function addSection(tpl, kind) {
  const key = freshKey("s", tpl.sections.map((s) => s.key));
  tpl.sections.push(blankSection(kind, key));
  return tpl.sections.length - 1;
}

// A section goes from every phase that wrote in it too.
export function removeSection(tpl, index) {
  const [gone] = tpl.sections.splice(index, 1);
  for (const phase of tpl.phases) {
    phase.sections = (phase.sections || []).filter((k) => k !== gone.key);
    if (phase.vote) phase.vote.sections = (phase.vote.sections || []).filter((k) => k !== gone.key);
  }
}

export function setWritable(phase, sectionKey, on) {
  const keys = (phase.sections || []).filter((k) => k !== sectionKey);
  phase.sections = on ? [...keys, sectionKey] : keys;
}

// Text areas hold lists one item a line.
export const lines = (text) => String(text || "").split("\n").map((s) => s.trim()).filter(Boolean);

export function slug(text) {
  return String(text).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "option";
}

// Pick options from one label a line: a label kept keeps its value (toolkit links use it).
export function setOptions(section, text) {
  const before = new Map((section.options || []).map((o) => [o.label, o.value]));
  const used = new Set();
  section.options = lines(text).map((label) => {
    let value = before.get(label) || slug(label);
    for (let n = 2; used.has(value); n += 1) value = `${slug(label)}-${n}`;
    used.add(value);
    return { value, label };
  });
}

export function addField(section) {
  const key = freshKey("f", section.fields.map((f) => f.key));
  section.fields.push({ key, label: "" });
}

function last(tpl) { return tpl.phases[tpl.phases.length - 1]; }

// Where private notes become visible: notes written in an individual phase stay their
// author's until the next phase that reveals them starts: a group phase unless its
// `reveal` is false, or the plenary (the server's rule, app/phases/service.py).
export function revealedBy(tpl, index) {
  if (tpl.phases[index]?.mode !== "individual") return null;
  return tpl.phases.slice(index + 1).find((p) => p.mode === "plenary" || (p.mode === "group" && p.reveal !== false)) || null;
}

export function setReveal(phase, on) {
  if (on) delete phase.reveal; else phase.reveal = false;
}

// The server's error `fields` ({loc: ["body", "phases", 1, "minutes"], message}) by path
// ("phases.1.minutes"); the editor shows each next to the control with that path, or the
// nearest one above it.
export function errorsByPath(fields) {
  const found = new Map();
  for (const f of fields || []) {
    const path = (f.loc || []).filter((p) => p !== "body").join(".");
    found.set(path, found.has(path) ? `${found.get(path)} ${f.message}` : f.message);
  }
  return found;
}

export function nearestPath(path, known) {
  const parts = path ? path.split(".") : [];
  while (parts.length) {
    const candidate = parts.join(".");
    if (known.has(candidate)) return candidate;
    parts.pop();
  }
  return "";
}

export function totalMinutes(tpl) {
  return tpl.phases.reduce((sum, p) => sum + (p.mode === "plenary" ? 0 : Number(p.minutes) || 0), 0);
}
