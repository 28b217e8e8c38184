// Unit tests for web/js/screen/fit.js: the projector's font step, columns and pages.
// Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";

import { fontSteps, largestFitting, columnsFor, evenChunks, paginate, oversize, planWall, planSpotlight, chooseLayout, nextPage, paceSeconds } from "../../web/js/screen/fit.js";

test("font sizes step down from the largest to the smallest, which is always tried", () => {
  assert.deepEqual(fontSteps(30, 24, 2), [30, 28, 26, 24]);
  assert.deepEqual(fontSteps(29, 24, 2), [29, 27, 25, 24]);
  assert.deepEqual(fontSteps(20, 24, 2), [24]);
  assert.equal(largestFitting([30, 28, 26], (s) => s <= 28), 28);
  assert.equal(largestFitting([30, 28], () => false), null);
});

test("columns: as many of the minimum width as fit, at least one, at most asked", () => {
  assert.equal(columnsFor(1178, 264, 12), 4);
  assert.equal(columnsFor(1766, 264, 12), 6);
  assert.equal(columnsFor(1766, 264, 12, 2), 2);
  assert.equal(columnsFor(100, 264, 12), 1);
  assert.equal(columnsFor(540, 264, 12), 2); // 264 + 12 + 264 exactly
});

test("groups split evenly over pages", () => {
  assert.deepEqual(evenChunks(8, 6), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.deepEqual(evenChunks(5, 4), [[0, 1, 2], [3, 4]]);
  assert.deepEqual(evenChunks(3, 4), [[0, 1, 2]]);
  assert.deepEqual(evenChunks(7, 3), [[0, 1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(evenChunks(0, 3), []);
});

test("items fill a box, gap included, then the next", () => {
  assert.deepEqual(paginate([40, 40, 40], 100, { gap: 10 }), [[0, 1], [2]]);
  assert.deepEqual(paginate([40, 50], 100, { gap: 10 }), [[0, 1]]);  // exactly full
  assert.deepEqual(paginate([], 100), []);
  // Too tall for any box: a box of its own, the others around it.
  assert.deepEqual(paginate([30, 150, 30], 100, { gap: 10 }), [[0], [1], [2]]);
  assert.ok(oversize([30, 150], 100));
  assert.ok(!oversize([30, 100.3], 100));
});

test("a heading never ends a box: it moves on with what follows it", () => {
  // heading (20) + note (50) would end box 1 after the heading alone
  assert.deepEqual(paginate([60, 20, 50], 100, { gap: 0, keep: [false, true, false] }), [[0], [1, 2]]);
  // two headings in a row stay with the note after them
  assert.deepEqual(paginate([50, 10, 10, 50], 100, { keep: [false, true, true, false] }), [[0], [1, 2, 3]]);
  // a heading whose note is taller than a box still starts a fresh box with it
  assert.deepEqual(paginate([10, 20, 200], 100, { keep: [false, true, false] }), [[0], [1, 2]]);
});

test("every item lands in exactly one box, in order, none overflowing one that holds more", () => {
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let run = 0; run < 200; run++) {
    const n = Math.floor(rand() * 40);
    const heights = Array.from({ length: n }, () => 10 + rand() * 120);
    const keep = heights.map(() => rand() < 0.2);
    const box = 150 + rand() * 300;
    const boxes = paginate(heights, box, { gap: 6, keep });
    assert.deepEqual(boxes.flat(), heights.map((_, i) => i));
    for (const b of boxes) {
      const used = b.reduce((sum, i) => sum + heights[i], 0) + 6 * (b.length - 1);
      // Over full only with one item too tall for any box (and the headings before it).
      assert.ok(used <= box + 0.5 || b.slice(0, -1).every((i) => keep[i]), `box over: ${used} > ${box}`);
      // No box ends on a heading while there is more to come.
      const last = b[b.length - 1];
      assert.ok(!keep[last] || last + 1 === n, `box ends on heading ${last}`);
    }
  }
});

test("the plenary: groups side by side, a group's overflow on its column of the next page", () => {
  const groups = [{ heights: [50, 50, 50] }, { heights: [50] }, { heights: [] }];
  const pages = planWall(groups, { box: 110, cols: 3, gap: 10 });
  assert.equal(pages.length, 2);
  assert.deepEqual(pages[0].columns.map((c) => [c.group, c.items, c.part, c.parts]), [[0, [0, 1], 0, 2], [1, [0], 0, 1], [2, [], 0, 1]]);
  assert.deepEqual(pages[1].columns.map((c) => [c.group, c.items]), [[0, [2]], [1, []], [2, []]]);
  // more groups than columns: sets of groups, each paged on its own
  const eight = Array.from({ length: 8 }, () => ({ heights: [40, 40] }));
  const p8 = planWall(eight, { box: 100, cols: 6, gap: 0 });
  assert.deepEqual(p8.map((p) => p.columns.map((c) => c.group)), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  // every item of every group is shown on some page
  for (const [g, group] of eight.entries()) {
    const shown = p8.flatMap((p) => p.columns.filter((c) => c.group === g).flatMap((c) => c.items));
    assert.deepEqual(shown, group.heights.map((_, i) => i));
  }
});

test("the spotlight: one group down its columns, then the next page", () => {
  const pages = planSpotlight({ heights: [60, 60, 60, 60, 60] }, { box: 130, cols: 2, gap: 10 });
  assert.deepEqual(pages.map((p) => p.columns.map((c) => c.items)), [[[0, 1], [2, 3]], [[4]]]);
  assert.deepEqual(planSpotlight({ heights: [] }, { box: 100, cols: 3 }).length, 1);
});

test("layout: the largest size that fits one page, else the smallest, paged", () => {
  // Text height grows with the font size: items of 3 lines at 1.3 line height.
  const measure = (count) => (size) => ({ groups: [{ heights: Array(count).fill(size * 3.9), keep: [] }, { heights: [size * 3.9], keep: [] }], box: 600, gap: 8 });
  const few = chooseLayout({ sizes: fontSteps(44, 24, 2), most: () => 2, measure: measure(3) });
  assert.equal(few.size, 44);
  assert.equal(few.pages.length, 1);
  const some = chooseLayout({ sizes: fontSteps(44, 24, 2), most: () => 2, measure: measure(5) });
  assert.ok(some.size < 44 && some.size >= 24 && some.pages.length === 1, JSON.stringify(some));
  const many = chooseLayout({ sizes: fontSteps(44, 24, 2), most: () => 2, measure: measure(15) });
  assert.equal(many.size, 24);
  assert.ok(many.pages.length > 1);
});

test("layout: a note too tall for a narrow column gets fewer, wider columns", () => {
  // A long note is 900 px tall in one of 4 columns, 450 in one of 2.
  const measure = (size, cols) => ({ groups: [0, 1, 2, 3].map(() => ({ heights: [225 * cols, 40], keep: [] })), box: 500, gap: 0 });
  const layout = chooseLayout({ sizes: [28, 26, 24], most: () => 4, measure });
  assert.equal(layout.size, 24);
  assert.equal(layout.cols, 2);
  assert.equal(layout.clipped, false);
  assert.equal(layout.pages.length, 2);
});

test("pages go round; the pace comes from the query, a setting or the default", () => {
  assert.equal(nextPage(0, 3), 1);
  assert.equal(nextPage(2, 3), 0);
  assert.equal(nextPage(0, 3, -1), 2);
  assert.equal(nextPage(0, 0), 0);
  assert.equal(paceSeconds("3", "20"), 3);
  assert.equal(paceSeconds(null, "20"), 20);
  assert.equal(paceSeconds("x", null), 12);
  assert.equal(paceSeconds("0.2", null), 1);
});
