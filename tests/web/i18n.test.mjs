// The message catalogue: placeholders, plural forms, and a valid English catalogue.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { setMessages, t } from "../../web/js/i18n.js";

const english = JSON.parse(readFileSync(new URL("../../web/i18n/en.json", import.meta.url), "utf8"));

test("placeholders are filled and plural forms follow the count", () => {
  setMessages({ hi: "Hello {name}", notes: { one: "{count} note", other: "{count} notes" } });
  assert.equal(t("hi", { name: "Ana" }), "Hello Ana");
  assert.equal(t("notes", { count: 1 }), "1 note");
  assert.equal(t("notes", { count: 3 }), "3 notes");
  assert.equal(t("notes", { count: 0 }), "0 notes");
});

test("a missing key shows the key rather than nothing", () => {
  setMessages({});
  assert.equal(t("board.nothing"), "board.nothing");
});

test("every English message is a string or a set of plural forms with 'other'", () => {
  for (const [key, message] of Object.entries(english)) {
    if (typeof message === "string") continue;
    assert.equal(typeof message, "object", key);
    assert.equal(typeof message.other, "string", `${key} needs an 'other' form`);
  }
});
