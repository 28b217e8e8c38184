// Unit tests for web/js/limits.js. Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";

import { createLimits } from "../../web/js/limits.js";

const LIMITS = {
  board_width: 1600, board_height: 1000, max_text: 500, max_actors: 10, max_actor: 40,
  max_field_text: 2000, max_name: 40, max_title: 120, max_phase_minutes: 120,
  max_extend_seconds: 3600, colours: ["yellow", "pink"], phase_actions: ["start", "next"],
  max_groups: 7, max_notes_per_board: 300,
};

function response(status, body) {
  return { ok: status >= 200 && status < 300, status, text: async () => (body === undefined ? "" : JSON.stringify(body)) };
}

// A fetch that answers from a list, one answer a call, and records what it was asked.
function fakeFetch(...answers) {
  const calls = [];
  const fn = async (path, init) => {
    calls.push({ path, init });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (a instanceof Error) throw a;
    return a;
  };
  fn.calls = calls;
  return fn;
}

// Just enough of an element and a document for apply().
function fakeNode(data, attrs = {}) {
  return { dataset: { ...data }, attrs: { ...attrs }, setAttribute(k, v) { this.attrs[k] = v; } };
}
function fakeRoot(nodes) {
  return {
    querySelectorAll(selector) {
      const key = selector.match(/^\[data-([a-z]+)\]$/)[1];
      return nodes.filter((n) => key in n.dataset);
    },
  };
}

test("load asks GET /api/limits and returns the server's limits", async () => {
  const fetch = fakeFetch(response(200, LIMITS));
  const limits = createLimits(fetch);
  assert.deepEqual(await limits.load(), LIMITS);
  assert.equal(fetch.calls.length, 1);
  assert.equal(fetch.calls[0].path, "/api/limits");
  assert.equal(fetch.calls[0].init.method, "GET");
});

test("load fetches once and shares the answer", async () => {
  const fetch = fakeFetch(response(200, LIMITS));
  const limits = createLimits(fetch);
  const [a, b] = await Promise.all([limits.load(), limits.load()]);
  const c = await limits.load();
  assert.equal(fetch.calls.length, 1);
  assert.equal(a, b);
  assert.equal(a, c);
});

test("value gives the fallback until the limits are known, then the server's", async () => {
  const limits = createLimits(fakeFetch(response(200, LIMITS)));
  assert.equal(limits.value("max_groups", 20), 20);
  await limits.load();
  assert.equal(limits.value("max_groups", 20), 7);
  assert.equal(limits.value("max_name", 99), 40);
  assert.deepEqual(limits.value("colours", []), ["yellow", "pink"]);
  assert.equal(limits.value("no_such_limit", 5), 5);
});

test("a network failure resolves to null, keeps the fallbacks, and a later load tries again", async () => {
  const fetch = fakeFetch(new TypeError("network down"), response(200, LIMITS));
  const limits = createLimits(fetch);
  assert.equal(await limits.load(), null);
  assert.equal(limits.value("max_groups", 20), 20);
  assert.deepEqual(await limits.load(), LIMITS);
  assert.equal(fetch.calls.length, 2);
  assert.equal(limits.value("max_groups", 20), 7);
});

test("an error status resolves to null", async () => {
  const limits = createLimits(fakeFetch(response(500, { detail: "boom" })));
  assert.equal(await limits.load(), null);
  assert.equal(limits.value("max_text", 500), 500);
});

test("apply sets maxlength and max from the names in data attributes", async () => {
  const limits = createLimits(fakeFetch(response(200, LIMITS)));
  const title = fakeNode({ maxlength: "max_title" }, { maxlength: "120" });
  const groups = fakeNode({ max: "max_groups" }, { max: "20", min: "1" });
  const unknown = fakeNode({ maxlength: "no_such_limit" }, { maxlength: "12" });
  const notNumber = fakeNode({ max: "colours" }, { max: "3" });
  const root = fakeRoot([title, groups, unknown, notNumber]);

  assert.equal(limits.apply(root), 0, "nothing changes before the limits are known");
  assert.equal(groups.attrs.max, "20");

  await limits.load();
  assert.equal(limits.apply(root), 2);
  assert.equal(title.attrs.maxlength, "120");
  assert.equal(groups.attrs.max, "7");
  assert.equal(groups.attrs.min, "1");
  assert.equal(unknown.attrs.maxlength, "12");
  assert.equal(notNumber.attrs.max, "3");
});

test("apply after a failed load leaves the static attributes", async () => {
  const limits = createLimits(fakeFetch(new TypeError("offline")));
  await limits.load();
  const groups = fakeNode({ max: "max_groups" }, { max: "20" });
  assert.equal(limits.apply(fakeRoot([groups])), 0);
  assert.equal(groups.attrs.max, "20");
});
