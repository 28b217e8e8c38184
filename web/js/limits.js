// The server's limits (GET /api/limits), fetched once per page and shared by its modules.
//
// Markup names the limit an attribute follows: data-maxlength="max_text" sets maxlength,
// data-max="max_groups" sets max. The static attribute next to it stays as the fallback
// for pages without scripts, or when the limits cannot be fetched.
import { get } from "./api.js";

const ATTRIBUTES = [["maxlength", "maxlength"], ["max", "max"]]; // data-<key> -> attribute

export function createLimits(fetch) {
  let pending = null;
  let known = null;

  // The limits, or null when they could not be fetched (a later call tries again).
  function load() {
    if (!pending) {
      pending = get("/api/limits", { fetch }).then(
        (data) => { known = data && typeof data === "object" ? data : null; return known; },
        () => { pending = null; return null; });
    }
    return pending;
  }

  // One limit by its API name, or `fallback` while it is unknown.
  function value(name, fallback) {
    const v = known ? known[name] : undefined;
    return v === undefined || v === null ? fallback : v;
  }

  // Set the attributes of every element under `root` that names a limit.
  function apply(root) {
    if (!known) return 0;
    let n = 0;
    for (const [key, attribute] of ATTRIBUTES) {
      for (const node of root.querySelectorAll(`[data-${key}]`)) {
        const v = known[node.dataset[key]];
        if (typeof v !== "number") continue;
        node.setAttribute(attribute, String(v));
        n += 1;
      }
    }
    return n;
  }

  return { load, value, apply };
}

// The page's one copy, over the browser's fetch.
export const limits = createLimits((...args) => globalThis.fetch(...args));

// Fetch the limits and apply them to the page; resolves when done, never rejects.
export async function applyLimits(root = globalThis.document) {
  await limits.load();
  limits.apply(root);
  return limits;
}
