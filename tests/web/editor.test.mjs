// Unit tests for the template editor's data changes and its store of saved templates
// (web/js/editor/model.js, library.js). Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";

import * as model from "../../web/js/editor/model.js";
import { createLibrary, STORE } from "../../web/js/editor/library.js";
import { withMinutes } from "../../web/js/facilitate/save-template.js";

test("a new phase goes before the plenary and phases move within bounds", () => {
  const tpl = model.emptyTemplate();
  const at = model.addPhase(tpl);
  assert.equal(at, 1);
  assert.deepEqual(tpl.phases.map((p) => p.mode), ["group", "group", "plenary"]);
  assert.notEqual(tpl.phases[0].key, tpl.phases[1].key);
  assert.equal(model.movePhase(tpl, 0, -1), false);
  assert.equal(model.movePhase(tpl, 0, 1), true);
  assert.equal(tpl.phases[1].key, "p1");
});

test("a plenary has no minutes or writable sections; a timed mode gets minutes back", () => {
  const phase = { key: "p", mode: "group", minutes: 7, sections: ["s1"] };
  model.setMode(phase, "plenary");
  assert.equal(phase.minutes, undefined);
  assert.deepEqual(phase.sections, []);
  model.setMode(phase, "individual");
  assert.equal(phase.minutes, 10);
});

test("a dot vote belongs to a group phase and forgets a removed section", () => {
  const tpl = model.emptyTemplate();
  model.setVote(tpl.phases[0], true);
  tpl.phases[0].vote.sections = ["s1"];
  model.removeSection(tpl, 0);
  assert.deepEqual(tpl.phases[0].vote, { per_person: 3, sections: [] });
  model.setMode(tpl.phases[0], "individual");
  assert.equal(tpl.phases[0].vote, undefined);
});

test("every kind of section starts with what the server requires of it", () => {
  const tpl = model.emptyTemplate();
  for (const kind of model.KINDS) model.addSection(tpl, kind);
  const byKind = Object.fromEntries(tpl.sections.slice(1).map((s) => [s.kind, s]));
  assert.equal(byKind.pick.choose, 1);
  assert.deepEqual(byKind.form.fields.map((f) => f.key), ["f1"]);
  assert.deepEqual(byKind.pairs.columns, ["", ""]);
  assert.equal(new Set(tpl.sections.map((s) => s.key)).size, tpl.sections.length);
});

test("removing a section takes it out of every phase that wrote in it", () => {
  const tpl = model.emptyTemplate();
  model.addSection(tpl, "cards");
  model.setWritable(tpl.phases[0], "s2", true);
  model.removeSection(tpl, 0);
  assert.deepEqual(tpl.phases[0].sections, ["s2"]);
});

test("pick options keep their values when their labels stay, and never share one", () => {
  const section = { kind: "pick", options: [{ value: "community-involvement", label: "Community" }] };
  model.setOptions(section, "Community\nSecond chance\nSecond chance");
  assert.deepEqual(section.options.map((o) => o.value),
    ["community-involvement", "second-chance", "second-chance-2"]);
});

test("private notes are revealed by the next phase that reveals: a group phase unless told not to, or the plenary", () => {
  const tpl = { phases: [{ mode: "individual" }, { mode: "individual" }, { mode: "group", title: "G" }, { mode: "plenary", title: "P" }] };
  assert.equal(model.revealedBy(tpl, 0).title, "G");
  assert.equal(model.revealedBy(tpl, 2), null);
  model.setReveal(tpl.phases[2], false);
  assert.equal(tpl.phases[2].reveal, false);
  assert.equal(model.revealedBy(tpl, 0).title, "P");
  model.setReveal(tpl.phases[2], true);
  assert.equal("reveal" in tpl.phases[2], false);
  model.setReveal(tpl.phases[2], false);
  model.setMode(tpl.phases[2], "plenary");
  assert.equal("reveal" in tpl.phases[2], false);
});

test("server errors are placed at the control of their path, or the nearest above it", () => {
  const found = model.errorsByPath([{ loc: ["body", "phases", 1, "minutes"], message: "needs minutes" },
    { loc: ["body", "sections", 2, "options", 3], message: "twice" }]);
  assert.equal(found.get("phases.1.minutes"), "needs minutes");
  const known = new Set(["phases.1.minutes", "sections.2.options", "sections.2"]);
  assert.equal(model.nearestPath("sections.2.options.3", known), "sections.2.options");
  assert.equal(model.nearestPath("translations.fr", known), "");
});

test("a described template becomes editable data without what the server added", () => {
  const data = model.fromDescription({ key: "activity-2", minutes_total: 60, languages: ["en"], title: "T", phases: [], sections: [], translations: {} });
  assert.deepEqual(data, { title: "T", phases: [], sections: [], translations: {} });
});

function memoryStorage() {
  const items = new Map();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)), items };
}

function answer(status, body) {
  return { ok: status >= 200 && status < 300, status, headers: { get: () => "application/json" }, text: async () => JSON.stringify(body) };
}

test("saving keeps the key and edit token in storage and sends the token only as a header", async () => {
  const calls = [];
  const answers = [answer(201, { key: "t-1", edit_token: "secret" }), answer(200, { key: "t-1", edit_token: "secret" })];
  const storage = memoryStorage();
  const library = createLibrary({ storage, fetch: async (path, init) => { calls.push({ path, init }); return answers.shift(); } });
  assert.equal((await library.save({ title: "Mine" })).ok, true);
  assert.deepEqual(library.list(), [{ key: "t-1", title: "Mine" }]);
  assert.equal(JSON.parse(storage.items.get(STORE))["t-1"].token, "secret");
  await library.save({ title: "Mine 2" }, "t-1");
  assert.equal(calls[1].init.method, "PUT");
  assert.equal(calls[1].path, "/api/templates/t-1");
  assert.equal(calls[1].init.headers.Authorization, "Bearer secret");
  assert.ok(calls.every((c) => !c.path.includes("secret")));
});

test("a refused save returns the server's located problems and stores nothing", async () => {
  const storage = memoryStorage();
  const library = createLibrary({ storage, fetch: async () => answer(422, { code: "invalid", message: "m", fields: [{ loc: ["body", "title"], message: "x" }] }) });
  const result = await library.save({});
  assert.equal(result.status, 422);
  assert.deepEqual(result.data.fields[0].loc, ["body", "title"]);
  assert.deepEqual(library.list(), []);
});

test("a workshop's set-up keeps the minutes the facilitator set, not the template's key", () => {
  const tpl = { key: "w-1", title: "T", phases: [{ key: "a", mode: "group", minutes: 10 }, { key: "p", mode: "plenary" }] };
  const made = withMinutes(tpl, [{ key: "a", minutes: 25 }, { key: "p", minutes: null }]);
  assert.equal(made.key, undefined);
  assert.equal(made.phases[0].minutes, 25);
  assert.equal(made.phases[1].minutes, undefined);
});
