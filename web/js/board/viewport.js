// A pannable, zoomable window onto a canvas. Pan: drag empty canvas (one finger, mouse
// or pen), the wheel or trackpad, the arrow keys and Page Up/Down. Zoom: two fingers,
// ctrl+wheel (a trackpad pinch), the −/+/"Fit all" buttons, and +, − and 0 keys.
//
// The window scrolls natively (so wheel, scroll bars and focus scrolling just work);
// touch is handled here, which is why the window alone has `touch-action: none`.
// A pointerdown that a note takes for its own drag sets `ev.noteDrag`; the window leaves
// that pointer alone until a second finger turns the gesture into a pinch.
import { el } from "../api.js";
import { t, formatNumber } from "../i18n.js";
import { ZOOM } from "./layout.js";

const SLOP = { mouse: 3, pen: 6, touch: 8 };
const KEY_STEP = 80;
const STEP_ZOOM = 1.25;

export function createViewport({ label, extent, fit, onScale = () => {}, onTap = () => {}, onPinch = () => {}, state }) {
  const canvas = el("div", { class: "canvas" });
  const scroller = el("div", { class: "canvas-scroll", tabindex: "0", role: "region", "aria-label": label }, canvas);
  const level = el("span", { class: "zoom-level", "aria-hidden": "true" });
  const button = (cls, text, name, onclick) =>
    el("button", { type: "button", class: `zoom-button ${cls}`, title: name, "aria-label": name, onclick }, text);
  const bar = el("div", { class: "zoom-bar", role: "group", "aria-label": t("zoom.label") },
    button("zoom-out", "−", t("zoom.out"), () => zoomBy(1 / STEP_ZOOM)),
    level,
    button("zoom-in", "+", t("zoom.in"), () => zoomBy(STEP_ZOOM)),
    button("zoom-fit", t("zoom.fit"), t("zoom.fit_label"), () => fitAll()));
  const node = el("div", { class: "canvas-frame" }, scroller, bar);

  // `state` ({scale, left, top}) outlives this window: the zoom stays while the page lives.
  let scale = state.scale;
  let restored = false;

  function size() { return { w: scroller.clientWidth, h: scroller.clientHeight }; }

  // The visible part of the canvas in logical units.
  function view() {
    return { x: scroller.scrollLeft / scale, y: scroller.scrollTop / scale,
             w: scroller.clientWidth / scale, h: scroller.clientHeight / scale };
  }

  function toLogical(clientX, clientY) {
    const r = canvas.getBoundingClientRect();
    return { x: (clientX - r.left) / scale, y: (clientY - r.top) / scale };
  }

  // Size the canvas for the notes and the visible area at this zoom.
  function resize() {
    const { w, h } = size();
    if (!w) return false;
    const e = extent({ w: w / scale, h: h / scale });
    canvas.style.width = `${Math.ceil(e.w * scale)}px`;
    canvas.style.height = `${Math.ceil(e.h * scale)}px`;
    if (!restored) {
      restored = true;
      scroller.scrollLeft = state.left * scale;
      scroller.scrollTop = state.top * scale;
    }
    return true;
  }

  function applyScale(s) {
    scale = Math.min(ZOOM.max, Math.max(ZOOM.min, s));
    state.scale = scale;
    canvas.style.setProperty("--s", String(scale));
    level.textContent = formatNumber(Math.round(scale * 100) / 100, { style: "percent" });
    onScale(scale, canvas);
    resize();
  }

  // Zoom to `s`, keeping the point under (clientX, clientY) where it is.
  function setScale(s, clientX, clientY) {
    const r = scroller.getBoundingClientRect();
    const fx = clientX ?? r.left + scroller.clientWidth / 2, fy = clientY ?? r.top + scroller.clientHeight / 2;
    const at = toLogical(fx, fy);
    applyScale(s);
    const c = canvas.getBoundingClientRect();
    scroller.scrollLeft += c.left + at.x * scale - fx;
    scroller.scrollTop += c.top + at.y * scale - fy;
    remember();
  }

  function zoomBy(factor, clientX, clientY) { setScale(scale * factor, clientX, clientY); }

  function fitAll() {
    const f = fit(size());
    applyScale(f.scale);
    scroller.scrollLeft = f.x * scale;
    scroller.scrollTop = f.y * scale;
    remember();
  }

  // Scroll so the logical rectangle r is in sight (with a little air), if it is not.
  function reveal(r, air = 16) {
    const v = view(), a = air / scale;
    let x = v.x, y = v.y;
    if (r.x < v.x + a) x = r.x - a; else if (r.x + r.w > v.x + v.w - a) x = Math.min(r.x - a, r.x + r.w + a - v.w);
    if (r.y < v.y + a) y = r.y - a; else if (r.y + r.h > v.y + v.h - a) y = Math.min(r.y - a, r.y + r.h + a - v.h);
    if (x !== v.x) scroller.scrollLeft = Math.max(0, x * scale);
    if (y !== v.y) scroller.scrollTop = Math.max(0, y * scale);
  }

  function remember() {
    state.left = scroller.scrollLeft / scale;
    state.top = scroller.scrollTop / scale;
  }
  scroller.addEventListener("scroll", remember, { passive: true });

  // Scroll by (dx, dy) screen pixels; a touch pan that reaches the canvas's top or
  // bottom goes on scrolling the page, so a phone never gets stuck on the board.
  function panBy(dx, dy, chain = false) {
    const top = scroller.scrollTop;
    scroller.scrollLeft += dx;
    scroller.scrollTop = top + dy;
    const rest = dy - (scroller.scrollTop - top);
    if (chain && Math.abs(rest) >= 1) window.scrollBy(0, rest);
  }

  // While a note is dragged near an edge, the canvas scrolls under it (pixels scrolled).
  function edgeScroll(clientX, clientY) {
    const r = scroller.getBoundingClientRect();
    const edge = Math.min(48, r.width / 6, r.height / 6);
    const speed = (d) => (d < edge ? Math.ceil((edge - d) / 4) : 0);
    const dx = speed(r.right - clientX) - speed(clientX - r.left);
    const dy = speed(r.bottom - clientY) - speed(clientY - r.top);
    const x0 = scroller.scrollLeft, y0 = scroller.scrollTop;
    if (dx || dy) { scroller.scrollLeft += dx; scroller.scrollTop += dy; }
    return { dx: scroller.scrollLeft - x0, dy: scroller.scrollTop - y0 };
  }

  // --- pointers: pan, pinch, taps ---------------------------------------------------------
  const pointers = new Map();   // id -> {x, y, note}
  let gesture = null;           // {kind: "pan", id, x, y, moved, type, track} | {kind: "pinch", ...}
  let glide = 0;
  let swallowClick = false;

  function startPan(id, p, type) {
    gesture = { kind: "pan", id, x: p.x, y: p.y, sx: p.x, sy: p.y, moved: false, type, track: [] };
  }

  function startPinch() {
    const [a, b] = [...pointers.values()];
    if (a.note || b.note) onPinch();   // two fingers: the note drag gives way to the zoom
    for (const id of pointers.keys()) {
      try { scroller.setPointerCapture(id); } catch { /* gone already */ }
    }
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    gesture = { kind: "pinch", d0: Math.hypot(a.x - b.x, a.y - b.y) || 1, s0: scale, at: toLogical(mid.x, mid.y) };
    scroller.classList.add("panning");
  }

  scroller.addEventListener("pointerdown", (ev) => {
    if (ev.pointerType === "mouse" && ev.button !== 0) return;
    cancelAnimationFrame(glide);
    // A first finger (or any mouse press) starts afresh: a touch that ended outside the
    // window without telling it is forgotten.
    if (ev.isPrimary) { pointers.clear(); gesture = null; scroller.classList.remove("panning"); }
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY, note: !!ev.noteDrag });
    if (pointers.size === 2) startPinch();
    else if (pointers.size === 1 && !ev.noteDrag) startPan(ev.pointerId, pointers.get(ev.pointerId), ev.pointerType);
  });

  scroller.addEventListener("pointermove", (ev) => {
    const p = pointers.get(ev.pointerId);
    if (!p) return;
    p.x = ev.clientX; p.y = ev.clientY;
    if (!gesture) return;
    if (gesture.kind === "pinch") {
      const [a, b] = [...pointers.values()];
      if (!b) return;
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      applyScale(gesture.s0 * Math.hypot(a.x - b.x, a.y - b.y) / gesture.d0);
      const c = canvas.getBoundingClientRect();
      scroller.scrollLeft += c.left + gesture.at.x * scale - mid.x;
      scroller.scrollTop += c.top + gesture.at.y * scale - mid.y;
      return;
    }
    if (gesture.id !== ev.pointerId) return;
    if (!gesture.moved) {
      if (Math.hypot(p.x - gesture.sx, p.y - gesture.sy) < (SLOP[gesture.type] ?? 6)) return;
      gesture.moved = true;
      scroller.classList.add("panning");
      try { scroller.setPointerCapture(ev.pointerId); } catch { /* gone already */ }
    }
    panBy(gesture.x - p.x, gesture.y - p.y, gesture.type === "touch");
    gesture.x = p.x; gesture.y = p.y;
    gesture.track.push({ t: ev.timeStamp, x: p.x, y: p.y });
    if (gesture.track.length > 8) gesture.track.shift();
  });

  function lift(ev) {
    const p = pointers.get(ev.pointerId);
    if (!p) return;
    pointers.delete(ev.pointerId);
    const g = gesture;
    if (!g) return;
    if (g.kind === "pinch") {
      remember();
      swallowClick = true;
      setTimeout(() => { swallowClick = false; }, 400);
      // One finger stays down: it pans on from where it is.
      const [id, rest] = [...pointers.entries()][0] || [];
      if (rest) { startPan(id, rest, "touch"); gesture.moved = true; }
      else { gesture = null; scroller.classList.remove("panning"); }
      return;
    }
    if (g.id !== ev.pointerId) return;
    gesture = null;
    scroller.classList.remove("panning");
    if (g.moved) {
      swallowClick = true;
      setTimeout(() => { swallowClick = false; }, 0);
      if (g.type === "touch" && ev.type === "pointerup") coast(g.track);
      remember();
    } else if (ev.type === "pointerup") {
      onTap(ev);
    }
  }
  scroller.addEventListener("pointerup", lift);
  scroller.addEventListener("pointercancel", lift);
  // A pan that ends over a button must not press it.
  scroller.addEventListener("click", (ev) => {
    if (swallowClick) { ev.stopPropagation(); ev.preventDefault(); swallowClick = false; }
  }, true);

  // A flick keeps the canvas moving for a moment, slowing down.
  function coast(track) {
    if (track.length < 2) return;
    const last = track[track.length - 1];
    const first = track.find((s) => last.t - s.t <= 100) || track[0];
    const dt = last.t - first.t;
    if (dt <= 0 || last.t < performance.now() - 120) return;
    let vx = (first.x - last.x) / dt, vy = (first.y - last.y) / dt;   // px per ms
    if (Math.hypot(vx, vy) < 0.3) return;
    let then = performance.now();
    const step = (now) => {
      const dt2 = Math.min(32, now - then); then = now;
      panBy(vx * dt2, vy * dt2);
      const k = Math.pow(0.994, dt2);
      vx *= k; vy *= k;
      if (Math.hypot(vx, vy) > 0.02) glide = requestAnimationFrame(step); else remember();
    };
    glide = requestAnimationFrame(step);
  }

  // ctrl+wheel (and a trackpad's pinch, which arrives as one) zooms; a plain wheel
  // scrolls natively.
  scroller.addEventListener("wheel", (ev) => {
    if (!ev.ctrlKey && !ev.metaKey) return;
    ev.preventDefault();
    const unit = ev.deltaMode === 1 ? 33 : ev.deltaMode === 2 ? 400 : 1;
    const delta = Math.max(-100, Math.min(100, ev.deltaY * unit));
    zoomBy(Math.exp(-delta * 0.0025), ev.clientX, ev.clientY);
  }, { passive: false });

  scroller.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const zoom = { "+": STEP_ZOOM, "=": STEP_ZOOM, "-": 1 / STEP_ZOOM, "_": 1 / STEP_ZOOM }[ev.key];
    if (zoom) { ev.preventDefault(); zoomBy(zoom); return; }
    if (ev.key === "0") { ev.preventDefault(); fitAll(); return; }
    if (ev.target !== scroller) return;   // a focused note uses the arrows to move itself
    const page = scroller.clientHeight * 0.85;
    const move = { ArrowLeft: [-KEY_STEP, 0], ArrowRight: [KEY_STEP, 0], ArrowUp: [0, -KEY_STEP], ArrowDown: [0, KEY_STEP],
                   PageUp: [0, -page], PageDown: [0, page] }[ev.key];
    if (move) { ev.preventDefault(); panBy(move[0], move[1]); }
    else if (ev.key === "Home") { ev.preventDefault(); scroller.scrollLeft = 0; scroller.scrollTop = 0; }
  });

  applyScale(scale);
  return {
    node, canvas, scroller,
    get scale() { return scale; },
    view, toLogical, resize, setScale, zoomBy, fitAll, reveal, edgeScroll,
    get panning() { return !!gesture; },
  };
}
