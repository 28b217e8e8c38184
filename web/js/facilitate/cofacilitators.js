// The lead facilitator's "Co-facilitators" card: add a key (shown once, to copy; never put
// in a link), list the keys and revoke one (its open pages are shut out at once, 4401).
// A co-facilitator sees this card without the controls: only the lead manages keys, and
// the socket's welcome says who this page is (`setLead`), so nothing is asked before.
import { api as request, el, clear } from "../api.js";
import { t, formatTime } from "../i18n.js";

// The page a co-facilitator opens, then pastes their key into (app.api.pages).
export function facilitateLink(origin, code) {
  return `${origin}/w/${encodeURIComponent(code)}/facilitate`;
}

export function keyName(row) {
  return row.label || t("cofac.unnamed", { id: row.id });
}

export function mountCoFacilitators(root, { code, token, api = request, origin = location.origin, clipboard = globalThis.navigator?.clipboard }) {
  const base = `/api/workshops/${encodeURIComponent(code)}/facilitators`;
  const label = el("input", { type: "text", id: "cofac-label", maxlength: "40", autocomplete: "off" });
  const add = el("button", { type: "submit", class: "primary", text: t("cofac.add") });
  const form = el("form", { class: "cofac-form", novalidate: true },
    el("label", { for: "cofac-label", text: t("cofac.label") }), el("div", { class: "row" }, label, add));
  const shown = el("div", { class: "cofac-shown hidden", id: "cofac-shown", role: "region", "aria-labelledby": "cofac-shown-title" });
  const status = el("p", { class: "small", role: "status", id: "cofac-status" });
  const list = el("ul", { class: "pair-list", "aria-labelledby": "cofac-title" });
  const none = el("p", { class: "small muted", text: t("cofac.none") });
  const title = () => el("h2", { class: "card-title", id: "cofac-title", text: t("cofac.title") });
  clear(root).append(title());
  let lead = null;

  function setLead(isLead) {
    if (lead === isLead) return;
    lead = isLead;
    if (!isLead) { clear(root).append(title(), el("p", { class: "small muted", text: t("cofac.not_lead") })); return; }
    clear(root).append(title(), el("p", { class: "small muted", text: t("cofac.hint") }), form, shown, status, list, none);
    refresh();
  }

  async function refresh() {
    let rows;
    try { rows = await api("GET", base, { token }); } catch (err) { status.textContent = err.message; return; }
    clear(list);
    for (const row of rows) {
      const revoke = el("button", { type: "button", class: "small danger", text: t("cofac.revoke"), "aria-label": t("cofac.revoke_label", { name: keyName(row) }) });
      revoke.addEventListener("click", async () => {
        revoke.disabled = true;
        try {
          await api("DELETE", `${base}/${row.id}`, { token });
          status.textContent = t("cofac.revoked", { name: keyName(row) });
        } catch (err) { status.textContent = err.message; revoke.disabled = false; }
        await refresh();
        if (!root.contains(document.activeElement)) label.focus();
      });
      list.append(el("li", { dataset: { id: String(row.id) } },
        el("span", { class: "pair-name" }, el("strong", { text: keyName(row) }),
          el("span", { class: "small muted", text: ` · ${t("cofac.added", { time: formatTime(row.created_at * 1000) })}` })),
        revoke));
    }
    none.classList.toggle("hidden", rows.length > 0);
  }

  function showOnce(row) {
    const key = el("input", { type: "text", id: "cofac-key", readonly: true, value: row.token, spellcheck: "false", autocomplete: "off" });
    const link = facilitateLink(origin, code);
    const copy = el("button", { type: "button", text: t("cofac.copy") });
    const done = el("button", { type: "button", class: "primary", text: t("cofac.done") });
    const copied = el("p", { class: "small", role: "status" });
    copy.addEventListener("click", async () => {
      key.select();
      try { await clipboard.writeText(row.token); copied.textContent = t("cofac.copied"); }
      catch { copied.textContent = t("cofac.copy_by_hand"); }
    });
    done.addEventListener("click", () => { clear(shown); shown.classList.add("hidden"); label.focus(); });
    clear(shown).append(
      el("h3", { id: "cofac-shown-title", class: "small", text: t("cofac.shown_title", { name: keyName(row) }) }),
      el("p", { class: "small", text: t("cofac.shown_how") }),
      el("p", { class: "small" }, el("a", { href: link, target: "_blank", rel: "noopener", text: link })),
      el("label", { for: "cofac-key", class: "small", text: t("cofac.key") }), key,
      el("div", { class: "row" }, copy, done), copied);
    shown.classList.remove("hidden");
    key.focus();
    key.select();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    status.textContent = "";
    add.disabled = true;
    try {
      const row = await api("POST", base, { token, body: { label: label.value.trim() } });
      label.value = "";
      showOnce(row);
      await refresh();
    } catch (err) { status.textContent = err.message; }
    add.disabled = false;
  });

  return { refresh, setLead };
}
