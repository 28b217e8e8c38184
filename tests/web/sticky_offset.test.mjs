import { test } from "node:test";
import assert from "node:assert/strict";
import { trackTopbarHeight } from "../../web/js/sticky-offset.js";

function fakeRoot() {
  const props = new Map();
  return { props, style: { setProperty: (k, v) => props.set(k, v) } };
}

test("the offset follows the top bar's height, rounded up, as the bar resizes", () => {
  let height = 52.4;
  const topbar = { getBoundingClientRect: () => ({ height }) };
  let notify = null;
  let disconnected = false;
  class Observer {
    constructor(cb) { notify = cb; }
    observe(node) { assert.equal(node, topbar); }
    disconnect() { disconnected = true; }
  }
  const root = fakeRoot();
  const stop = trackTopbarHeight(topbar, { root, Observer });
  assert.equal(root.props.get("--topbar-height"), "53px");
  height = 96;  // the bar wrapped onto a second line
  notify();
  assert.equal(root.props.get("--topbar-height"), "96px");
  stop();
  assert.ok(disconnected);
});

test("without ResizeObserver the offset is still set once", () => {
  const root = fakeRoot();
  trackTopbarHeight({ getBoundingClientRect: () => ({ height: 40 }) }, { root, Observer: undefined });
  assert.equal(root.props.get("--topbar-height"), "40px");
});
