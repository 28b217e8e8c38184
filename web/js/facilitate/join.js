// The join link and its QR code, both from the server (GET .../join-link and .../qr.svg
// encode the same URL), a warning when that link is a loopback address phones cannot
// open, and moving the facilitator key to another address by hand: it lives in this
// origin's localStorage and never goes into a URL.
import { get, el, clear, saveToken, toast } from "../api.js";
import { t } from "../i18n.js";

const enc = encodeURIComponent;

function looksLoopback(url) {
  const host = new URL(url).hostname;
  return host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "[::1]";
}

// This page's address on another host: a LAN join link's origin + /w/<code>/facilitate.
function facilitateUrlOn(joinUrl, code) {
  return `${new URL(joinUrl).origin}/w/${enc(code)}/facilitate`;
}

export async function showJoinLink({ code, token, link, qr, warning }) {
  qr.src = `/api/workshops/${enc(code)}/qr.svg`;
  let info;
  try {
    info = await get(`/api/workshops/${enc(code)}/join-link`);
  } catch {
    const url = `${location.origin}/j/${code}`;
    info = { url, loopback: looksLoopback(url), lan_urls: [] };
  }
  link.href = info.url;
  link.textContent = info.url;
  clear(warning).classList.toggle("hidden", !info.loopback);
  if (info.loopback) loopbackWarning(warning, info, code, token);
  return info;
}

function loopbackWarning(box, info, code, token) {
  const host = new URL(info.url).hostname;
  box.append(
    el("h3", { class: "warn-title", text: t("fac.loopback.title") }),
    el("p", { text: t("fac.loopback.why", { host }) }),
    el("p", {}, t("fac.loopback.restart_before"), " ", el("code", { text: "make run HOST=0.0.0.0" }), " ", t("fac.loopback.restart_after")));
  if (info.lan_urls.length) {
    box.append(el("ul", { class: "lan-links" }, info.lan_urls.map((u) => {
      const href = facilitateUrlOn(u, code);
      return el("li", {}, el("a", { href, text: href }));
    })));
  } else box.append(el("p", { text: t("fac.loopback.no_lan") }));
  const reveal = el("div", { class: "key-reveal hidden" });
  const copy = el("button", { type: "button", id: "copy-key", text: t("fac.key.copy") });
  copy.addEventListener("click", async () => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(token);
      toast(t("fac.key.copied"), "info");
    } catch {
      // No clipboard (or no permission): show the key to copy by hand.
      showKey(reveal, token);
    }
  });
  if (token) box.append(el("p", { text: t("fac.loopback.key") }), el("div", { class: "row" }, copy), reveal);
}

function showKey(box, token) {
  const input = el("input", { type: "text", id: "key-shown", readonly: true, value: token, spellcheck: "false", autocomplete: "off" });
  clear(box).append(el("label", { for: "key-shown", text: t("fac.key.shown") }), input);
  box.classList.remove("hidden");
  input.focus();
  input.select();
}

// For a browser without the key (this page opened at a new address): paste it here. The
// key is checked with the server before it is kept.
export function keyForm(code) {
  const input = el("input", { type: "password", id: "key-input", autocomplete: "off", spellcheck: "false" });
  const error = el("p", { class: "error", id: "key-error", "aria-live": "polite" });
  const form = el("form", { class: "card key-form", id: "key-form" },
    el("h2", { text: t("fac.key.title") }),
    el("p", { class: "small", text: t("fac.key.explain") }),
    el("label", { for: "key-input", text: t("fac.key.label") }),
    el("div", { class: "row" }, input, el("button", { type: "submit", class: "primary", text: t("fac.key.use") })),
    error);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    error.textContent = "";
    if (!key) { error.textContent = t("fac.key.empty"); input.focus(); return; }
    try {
      // Any facilitator-only route says whether the key opens this workshop.
      await get(`/api/workshops/${enc(code)}/screens`, { token: key });
    } catch (err) {
      error.textContent = err.status === 401 || err.status === 403 ? t("fac.key.wrong") : err.message;
      input.focus();
      return;
    }
    saveToken(code, "facilitator", key);
    location.reload();
  });
  return form;
}
