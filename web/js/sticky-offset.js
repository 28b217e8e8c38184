// Keeps `--topbar-height` on the root equal to the sticky top bar's height, so that what
// sticks under it (the board's view bar: undo, redo, board/list) sits just below it, however
// the bar wraps on a narrow screen or in a longer language.
export function trackTopbarHeight(topbar, { root = document.documentElement,
                                            Observer = globalThis.ResizeObserver } = {}) {
  const apply = () => root.style.setProperty("--topbar-height", `${Math.ceil(topbar.getBoundingClientRect().height)}px`);
  apply();
  if (!Observer) return () => {};
  const observer = new Observer(apply);
  observer.observe(topbar);
  return () => observer.disconnect();
}
