// describe(): the sentence a page shows for an HTTP error body.
import { test } from "node:test";
import assert from "node:assert/strict";

import { readFileSync } from "node:fs";
import { describe } from "../../web/js/api.js";
import { setMessages } from "../../web/js/i18n.js";

const catalogue = (lang) => JSON.parse(readFileSync(new URL(`../../web/i18n/${lang}.json`, import.meta.url), "utf8"));

test("the one error shape: message is what people read", () => {
  const body = { code: "invalid", message: "name: String should have at least 1 character.",
                 fields: [{ loc: ["body", "name"], message: "String should have at least 1 character" }] };
  assert.equal(describe(body, 422), body.message);
  assert.equal(describe({ code: "not_found", message: "There is no workshop." }, 404),
               "There is no workshop.");
});

test("older bodies with detail still read", () => {
  assert.equal(describe({ detail: "Only the facilitator may do this." }, 403),
               "Only the facilitator may do this.");
  assert.equal(describe({ detail: [{ loc: ["body", "name"], msg: "Field required" }] }, 422),
               "name: Field required");
});

test("no body: the status in words, in the page's language", () => {
  setMessages(catalogue("en"), "en");
  assert.equal(describe(null, 404), "Not found.");
  assert.equal(describe(null, 502), "The server answered 502.");
  setMessages(catalogue("de"), "de");
  assert.equal(describe(null, 502), "Der Server hat mit 502 geantwortet.");
  setMessages(catalogue("en"), "en");
});
