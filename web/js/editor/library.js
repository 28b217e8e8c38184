// The templates this browser saved: their keys and edit tokens, kept in localStorage (never
// in a URL), and the requests that read, save and delete them. `storage` and `fetch` may be
// passed in (tests).
import { currentLanguage } from "../i18n.js";

export const STORE = "flipchart:templates";

export function createLibrary({ storage = globalThis.localStorage, fetch: send = (...a) => globalThis.fetch(...a) } = {}) {
  function all() {
    try {
      const found = JSON.parse(storage.getItem(STORE) || "{}");
      return found && typeof found === "object" ? found : {};
    } catch { return {}; }
  }
  function write(entries) {
    try { storage.setItem(STORE, JSON.stringify(entries)); } catch { /* private mode: kept for this page only */ }
  }

  // {ok, status, data}: the caller reads `data.fields` of a 422 to place each problem.
  async function request(method, path, { body, type = "application/json", token } = {}) {
    const headers = { Accept: "application/json", "Accept-Language": currentLanguage() };
    if (body !== undefined) headers["Content-Type"] = type;
    if (token) headers.Authorization = `Bearer ${token}`;
    let res;
    try {
      res = await send(path, { method, headers, body: body === undefined ? undefined : (type === "application/json" ? JSON.stringify(body) : body) });
    } catch {
      return { ok: false, status: 0, data: null };
    }
    const text = await res.text();
    let data = text;
    if (text && !(res.headers?.get?.("content-type") || "").includes("toml")) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    return { ok: res.ok, status: res.status, data };
  }

  return {
    // [{key, title}] in the order they were saved.
    list() { return Object.entries(all()).map(([key, e]) => ({ key, title: e.title || "" })); },
    token(key) { return all()[key]?.token || null; },
    remember(key, token, title) { write({ ...all(), [key]: { token, title } }); },
    forget(key) { const entries = all(); delete entries[key]; write(entries); },

    // A template's file read back as data, translations and all (its TOML through /check).
    async raw(key) {
      const file = await request("GET", `/api/templates/${encodeURIComponent(key)}.toml`);
      if (!file.ok) return file;
      return this.check(file.data, "application/toml");
    },
    check(text, type = "application/toml") {
      return request("POST", "/api/templates/check", { body: text, type });
    },
    describe(key) { return request("GET", `/api/templates/${encodeURIComponent(key)}`); },

    // Saves `template` (new, or over the one under `key` with its token); {ok, status, data}.
    async save(template, key = null) {
      const token = key ? this.token(key) : null;
      const result = key && token
        ? await request("PUT", `/api/templates/${encodeURIComponent(key)}`, { body: template, token })
        : await request("POST", "/api/templates", { body: template });
      if (result.ok) this.remember(result.data.key, result.data.edit_token, template.title);
      return result;
    },
    async remove(key) {
      const result = await request("DELETE", `/api/templates/${encodeURIComponent(key)}`, { token: this.token(key) });
      if (result.ok || result.status === 404) this.forget(key);
      return result;
    },
    request,
  };
}
