// Unit tests for web/js/board/layout.js: where new notes go, how big the canvas is, the
// zoom that shows every note. Run: node --test tests/web/
import { test } from "node:test";
import assert from "node:assert/strict";

import { BOARD, NOTE, GAP, ROOM, ZOOM, setBoard, clampX, clampY, overlaps, freeSpot, contentBounds, canvasExtent, fitView } from "../../web/js/board/layout.js";

// A small deterministic generator (mulberry32), so a failure can be replayed.
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const intersects = (a, b) => a.x < b.x + NOTE.w && b.x < a.x + NOTE.w && a.y < b.y + NOTE.h && b.y < a.y + NOTE.h;
const inView = (p, v) => p.x >= v.x && p.y >= v.y && p.x + NOTE.w <= v.x + v.w && p.y + NOTE.h <= v.y + v.h;
const onBoard = (p) => p.x >= 0 && p.y >= 0 && p.x <= BOARD.w - NOTE.w && p.y <= BOARD.h - NOTE.h;

// A board as people leave it: notes dropped anywhere (some on top of each other), some
// clustered near the top-left, where most work happens.
function board(rand, count) {
  const notes = [];
  for (let i = 0; i < count; i++) {
    const near = rand() < 0.6;
    const w = near ? 2400 : BOARD.w - NOTE.w, h = near ? 1600 : BOARD.h - NOTE.h;
    notes.push({ x: Math.round(rand() * w), y: Math.round(rand() * h) });
  }
  return notes;
}

function view(rand) {
  const scale = ZOOM.min + rand() * 1.2;
  const w = (320 + rand() * 1100) / scale, h = (260 + rand() * 500) / scale;
  return { x: rand() * (BOARD.w - w / 2), y: rand() * (BOARD.h - h / 2), w, h };
}

test("the server's bounds replace the fallback, and positions stay inside them", () => {
  const before = { ...BOARD };
  setBoard(1600, 1000);
  assert.deepEqual(BOARD, { w: 1600, h: 1000 });
  assert.equal(clampX(5000), 1600 - NOTE.w);
  assert.equal(clampY(-20), 0);
  setBoard(undefined, NaN);   // unknown limits leave the bounds alone
  assert.deepEqual(BOARD, { w: 1600, h: 1000 });
  setBoard(before.w, before.h);
  assert.deepEqual(BOARD, before);
  assert.ok(BOARD.w >= 6000 && BOARD.h >= 6000);
});

test("a new note never lands on another, on 300 random boards of 0 to 300 notes", () => {
  const rand = random(20261204);
  for (let round = 0; round < 300; round++) {
    const notes = board(rand, Math.floor(rand() * 301));
    const v = view(rand);
    const spot = freeSpot(notes, v);
    assert.ok(onBoard(spot), `round ${round}: ${JSON.stringify(spot)} is off the board`);
    const hit = notes.find((n) => intersects(n, spot));
    assert.equal(hit, undefined, `round ${round}: ${JSON.stringify(spot)} covers ${JSON.stringify(hit)}`);
  }
});

test("notes added one after another fill the board without overlapping", () => {
  const notes = [];
  const v = { x: 0, y: 0, w: 1200, h: 700 };
  for (let i = 0; i < 300; i++) {
    const spot = freeSpot(notes, v);
    for (const n of notes) assert.ok(!intersects(n, spot), `note ${i} covers another`);
    notes.push(spot);
  }
  // The view fills first: as many notes as fit in it are in it.
  const fits = Math.floor((v.w - 30) / (NOTE.w + GAP)) * Math.floor((v.h - 30) / (NOTE.h + GAP));
  assert.equal(notes.slice(0, fits).filter((n) => inView(n, v)).length, fits);
});

test("placement prefers the visible part of the canvas", () => {
  const rand = random(7);
  let checked = 0;
  for (let round = 0; round < 200; round++) {
    const notes = board(rand, Math.floor(rand() * 120));
    const v = view(rand);
    // Only views with a free slot wholly inside them.
    const spot = freeSpot(notes, v);
    const free = [];
    for (let y = 30; y + NOTE.h <= BOARD.h; y += NOTE.h + GAP) {
      for (let x = 30; x + NOTE.w <= BOARD.w; x += NOTE.w + GAP) {
        const s = { x, y };
        if (inView(s, v) && !notes.some((n) => overlaps(n, s, 10))) free.push(s);
      }
    }
    if (!free.length) continue;
    checked += 1;
    assert.ok(inView(spot, v), `round ${round}: ${JSON.stringify(spot)} is outside ${JSON.stringify(v)}`);
    assert.deepEqual(spot, free[0], "the first free slot in reading order");
  }
  assert.ok(checked > 50, `only ${checked} views had room`);
});

test("when the view is full the note goes to the nearest free slot, on the board", () => {
  const v = { x: 1000, y: 1000, w: 600, h: 400 };
  const notes = [];
  for (let y = 0; y < 1800; y += 60) for (let x = 700; x < 1900; x += 60) notes.push({ x, y });
  const spot = freeSpot(notes, v);
  assert.ok(onBoard(spot));
  assert.ok(!notes.some((n) => intersects(n, spot)));
  assert.ok(Math.hypot(spot.x - v.x, spot.y - v.y) < 1500, JSON.stringify(spot));
});

test("a view scrolled past the notes or zoomed in closer than a note still gets a spot nearby", () => {
  const tiny = { x: 450, y: 300, w: 120, h: 90 };
  const spot = freeSpot([], tiny);
  assert.ok(Math.abs(spot.x - tiny.x) <= NOTE.w + GAP && Math.abs(spot.y - tiny.y) <= NOTE.h + GAP, JSON.stringify(spot));
  assert.deepEqual(freeSpot([]), { x: 30, y: 30 });
});

test("content bounds and the canvas's extent grow with the notes", () => {
  assert.equal(contentBounds([]), null);
  assert.deepEqual(contentBounds([{ x: 100, y: 50 }, { x: 700, y: 900 }]), { x: 100, y: 50, w: 600 + NOTE.w, h: 850 + NOTE.h });
  // No notes: the canvas is the visible area.
  assert.deepEqual(canvasExtent([], { w: 900, h: 500 }), { w: 900, h: 500 });
  // A few notes: still at least the visible area.
  assert.deepEqual(canvasExtent([{ x: 30, y: 30 }], { w: 900, h: 500 }), { w: 900, h: 500 });
  // Notes beyond it: the notes and room to drag one further.
  const far = canvasExtent([{ x: 2000, y: 3000 }], { w: 900, h: 500 });
  assert.deepEqual(far, { w: 2000 + NOTE.w + ROOM.x, h: 3000 + NOTE.h + ROOM.y });
  // Never more room than the bounds allow.
  const edge = canvasExtent([{ x: BOARD.w - NOTE.w, y: BOARD.h - NOTE.h }], { w: 900, h: 500 });
  assert.deepEqual(edge, { w: BOARD.w, h: BOARD.h });
});

test("fitting shows every note, no closer than full size", () => {
  const rand = random(99);
  for (let round = 0; round < 100; round++) {
    const notes = board(rand, 1 + Math.floor(rand() * 300));
    const size = { w: 320 + Math.floor(rand() * 1100), h: 260 + Math.floor(rand() * 600) };
    const f = fitView(notes, size);
    assert.ok(f.scale <= 1 && f.scale >= ZOOM.min);
    const v = { x: f.x, y: f.y, w: size.w / f.scale, h: size.h / f.scale };
    if (f.scale > ZOOM.min) for (const n of notes) assert.ok(inView(n, v), `round ${round}: ${JSON.stringify(n)} outside ${JSON.stringify(v)}`);
  }
  // One note on a big screen: full size, not blown up.
  assert.equal(fitView([{ x: 30, y: 30 }], { w: 1200, h: 800 }).scale, 1);
  assert.deepEqual(fitView([], { w: 1200, h: 800 }), { scale: 1, x: 0, y: 0 });
});
