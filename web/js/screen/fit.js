// Fitting the projector's plenary on one screen, and paging it when it cannot fit at a
// readable size. Pure: heights and boxes in, pages out; web/js/screen/wall.js measures the
// DOM and draws what is planned here. Tested in tests/web/fit.test.mjs.

const SLACK = 0.5; // measured heights are fractional: half a pixel is not an overflow

// The font sizes to try, largest first: max, max - step, …, down to min (always included).
export function fontSteps(max, min, step = 2) {
  const sizes = [];
  for (let s = Math.max(max, min); s > min; s -= step) sizes.push(Math.round(s * 100) / 100);
  sizes.push(min);
  return sizes;
}

// The first size (sizes go largest first) for which fits(size) is true, else null.
export function largestFitting(sizes, fits) {
  for (const size of sizes) if (fits(size)) return size;
  return null;
}

// How many columns of at least `min` px (with `gap` between) a width holds: 1 to `most`.
export function columnsFor(width, min, gap = 0, most = Infinity) {
  const n = Math.floor((width + gap + SLACK) / (min + gap));
  return Math.max(1, Math.min(most, n));
}

// n things in chunks of at most `size`, as even as possible (8 by 6: 4 + 4, not 6 + 2),
// the larger chunks first. Returns the chunks as lists of indices.
export function evenChunks(n, size) {
  if (n <= 0) return [];
  const count = Math.ceil(n / Math.max(1, size));
  const base = Math.floor(n / count);
  const extra = n % count;
  const chunks = [];
  let next = 0;
  for (let c = 0; c < count; c++) {
    const len = base + (c < extra ? 1 : 0);
    chunks.push(Array.from({ length: len }, (_, i) => next + i));
    next += len;
  }
  return chunks;
}

// Items stacked top to bottom, `gap` apart, into boxes `box` px tall: which box holds which
// item (lists of indices). keep[i] true: item i does not end a box (a heading stays with
// what follows it). An item taller than a box gets a box of its own. No items: no boxes.
export function paginate(heights, box, { gap = 0, keep = [] } = {}) {
  const boxes = [];
  let current = [];
  let used = 0;
  for (let i = 0; i < heights.length; i++) {
    // The item and every item it must stay with, as far as the first that may end a box.
    let chain = heights[i];
    for (let j = i; keep[j] && j + 1 < heights.length; j++) chain += gap + heights[j + 1];
    const room = box - (current.length ? used + gap : 0) + SLACK;
    // A box of headings alone is never closed: they go on with their too-tall item.
    const onlyHeadings = current.every((j) => keep[j]);
    if (current.length && !onlyHeadings && (chain > room || heights[i] > room)) {
      boxes.push(current);
      current = [];
      used = 0;
    }
    used += (current.length ? gap : 0) + heights[i];
    current.push(i);
  }
  if (current.length) boxes.push(current);
  return boxes;
}

// Whether some item cannot fit a box even alone.
export function oversize(heights, box) {
  return heights.some((h) => h > box + SLACK);
}

// The plenary: groups side by side, at most `cols` of them on a page (evenly split), each
// group's items flowing down its column and on to its column on the next page when they
// do not fit. groups: [{heights, keep}]. Returns pages: [{columns: [{group, items, part,
// parts}]}], part/parts: which of the group's boxes this is, of how many.
export function planWall(groups, { box, cols, gap = 0 }) {
  const pages = [];
  for (const set of evenChunks(groups.length, cols)) {
    const boxes = set.map((g) => {
      const b = paginate(groups[g].heights, box, { gap, keep: groups[g].keep });
      return b.length ? b : [[]];
    });
    const count = Math.max(...boxes.map((b) => b.length));
    for (let k = 0; k < count; k++) {
      pages.push({ columns: set.map((g, i) => ({ group: g, items: boxes[i][k] || [], part: k, parts: boxes[i].length })) });
    }
  }
  return pages;
}

// The spotlight: one group's items flowing down `cols` columns, then on to the next page.
export function planSpotlight(group, { box, cols, gap = 0 }) {
  const boxes = paginate(group.heights, box, { gap, keep: group.keep });
  if (!boxes.length) boxes.push([]);
  const pages = [];
  for (let k = 0; k < boxes.length; k += cols) {
    pages.push({ columns: boxes.slice(k, k + cols).map((items, i) => ({ group: 0, items, part: k + i, parts: boxes.length })) });
  }
  return pages;
}

// The layout: the largest font size at which everything fits one page; failing that, the
// smallest size, paged, with the number of columns that needs the fewest pages (fewer,
// wider columns make long notes shorter and waste less at a column's foot; a tie goes to
// more columns) among those where no single item is taller than a box.
//   sizes: fontSteps(…); most(size): how many columns fit at that size;
//   measure(size, cols): {groups: [{heights, keep}], box, gap} as laid out at that size;
//   spotlight: plan one group over the columns instead of the groups side by side.
// Returns {size, cols, pages, clipped} (clipped: some item is taller than a box anyway).
export function chooseLayout({ sizes, most, measure, spotlight = false }) {
  const plan = (m, cols) => (spotlight ? planSpotlight(m.groups[0], { box: m.box, cols, gap: m.gap })
    : planWall(m.groups, { box: m.box, cols, gap: m.gap }));
  const tooTall = (m) => m.groups.some((g) => oversize(g.heights, m.box));
  for (const size of sizes) {
    const cols = most(size);
    const m = measure(size, cols);
    const pages = plan(m, cols);
    if (pages.length === 1 && !tooTall(m)) return { size, cols, pages, clipped: false };
  }
  const size = sizes[sizes.length - 1];
  let best = null;
  for (let cols = most(size); cols >= 1; cols--) {
    const m = measure(size, cols);
    const result = { size, cols, pages: plan(m, cols), clipped: tooTall(m) };
    if (!best || (best.clipped && !result.clipped)
        || (best.clipped === result.clipped && result.pages.length < best.pages.length)) best = result;
  }
  return best;
}

// Which page to show after `page` when there are `count`: the next, round to the first.
export function nextPage(page, count, step = 1) {
  if (count <= 0) return 0;
  return (((page + step) % count) + count) % count;
}

// The pace of the paging in seconds: ?pace=N (tests, or a facilitator's own choice), else
// a stored setting, else the default; never under a second.
export function paceSeconds(query, stored, fallback = 12) {
  for (const v of [query, stored]) {
    const n = Number.parseFloat(v);
    if (Number.isFinite(n) && n > 0) return Math.max(1, n);
  }
  return fallback;
}
