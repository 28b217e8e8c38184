// Small fetch helpers: JSON in, JSON out, readable error messages.
import { t, requestLanguage, onLanguageChange } from "./i18n.js";

export class ApiError extends Error {
  constructor(message, status) { super(message); this.status = status; }
}

// Every error body is {code, message, fields?} (docs/protocol.md §6.4): `message` is the
// sentence for people. Older servers sent `detail` (a string, or a list of problems).
export function describe(body, status) {
  if (body && typeof body.message === "string" && body.message) return body.message;
  if (body && typeof body.detail === "string") return body.detail;
  if (body && Array.isArray(body.detail) && body.detail.length) {
    const d = body.detail[0];
    const where = (d.loc || []).filter((p) => p !== "body").join(".");
    return where ? `${where}: ${d.msg}` : d.msg;
  }
  if (status === 404) return t("api.not_found");
  return t("api.status", { status });
}

// `fetch` may be passed in (tests); the browser's own is the default.
// `headers`: extra request headers (e.g. X-Organiser-Key on the create page).
export async function api(method, path, { body, token, headers: extra, fetch: send = globalThis.fetch } = {}) {
  // The server words its errors (and reports) in the language this page shows.
  const headers = { Accept: "application/json", "Accept-Language": requestLanguage(), ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(t("api.unreachable"), 0);
  }
  let data = null;
  const text = await res.text();
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) throw new ApiError(describe(data, res.status), res.status);
  return data;
}

export const get = (path, opts) => api("GET", path, opts);
export const post = (path, body, opts = {}) => api("POST", path, { ...opts, body });
export const patch = (path, body, opts = {}) => api("PATCH", path, { ...opts, body });
export const put = (path, body, opts = {}) => api("PUT", path, { ...opts, body });

// --- tiny DOM helpers shared by the pages ------------------------------------------------

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

export function codeFromPath() {
  const m = location.pathname.match(/^\/(?:w|j)\/([^/]+)/);
  return m ? decodeURIComponent(m[1]).toUpperCase() : "";
}

export const storeKey = (code, role) => `flipchart:${code.toUpperCase()}:${role}`;

export function loadToken(code, role) {
  return localStorage.getItem(storeKey(code, role));
}

export function saveToken(code, role, token) {
  localStorage.setItem(storeKey(code, role), token);
}

// A connection indicator bound to a SyncClient.
// It repeats only what the client reports; the client is what keeps the state true.
export function connectionBadge(node, client) {
  const STATES = new Set(["connecting", "connected", "reconnecting", "offline"]);
  const show = ({ state, waiting }) => {
    node.dataset.state = state;
    const label = t(`conn.${STATES.has(state) ? state : "connecting"}`);
    // Connected with writes in flight is normal for a moment; anything else means they wait.
    const detail = !waiting ? "" : state === "connected" ? t("conn.saving") : t("conn.waiting", { count: waiting });
    node.textContent = detail ? t("conn.detail", { state: label, detail }) : label;
  };
  client.on("status", show);
  onLanguageChange(() => show({ state: client.state, waiting: client.waiting }));
  show({ state: client.state, waiting: client.waiting });
}

export function toast(message, kind = "error") {
  let box = document.getElementById("toasts");
  if (!box) { box = el("div", { id: "toasts", "aria-live": "polite" }); document.body.append(box); }
  const t = el("div", { class: `toast toast-${kind}`, text: message });
  box.append(t);
  setTimeout(() => t.remove(), 5000);
}
