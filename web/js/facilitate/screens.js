// The facilitator's "Projector screens" card: pair a screen by the code it shows, see the
// paired screens (online, last seen) and unpair them (docs/protocol.md §2.3).
import { api, get, post, el, clear } from "../api.js";
import { t, formatTime } from "../i18n.js";

export const REFRESH_MS = 5000;

export function clock(epochSeconds) {
  return formatTime(epochSeconds * 1000);
}

// The typed code in the server's form: capitals, no spaces or dashes.
export function tidyCode(raw) { return String(raw || "").toUpperCase().replace(/[\s-]/g, ""); }

// Why a pairing failed, in words the facilitator can act on.
export function pairError(err, code) {
  if (err.status === 404) return t("pair.err_not_found", { code });
  if (err.status === 422) return t("pair.err_empty");
  if (err.status === 401 || err.status === 403) return t("pair.err_key");
  return err.message;
}

// Pairs the screen showing `pairingCode` with the workshop; throws an ApiError.
export function pairScreen(code, token, pairingCode) {
  return post(`/api/workshops/${encodeURIComponent(code)}/screens`, { pairing_code: pairingCode }, { token });
}

export function mountScreens(root, code, token) {
  const base = `/api/workshops/${encodeURIComponent(code)}/screens`;
  const input = el("input", { id: "pair-code", name: "pair-code", type: "text", class: "code-input pair-input",
                              autocomplete: "off", autocapitalize: "characters", spellcheck: "false", maxlength: "12",
                              "aria-describedby": "pair-hint pair-error" });
  const button = el("button", { type: "submit", class: "primary", text: t("pair.submit") });
  const error = el("p", { class: "error small", role: "alert", id: "pair-error" });
  const done = el("p", { class: "small pair-done", role: "status" });
  const list = el("ul", { class: "pair-list", "aria-label": t("pair.list_label") });
  const none = el("p", { class: "small muted", text: t("pair.none") });
  const screenUrl = `${location.origin}/screen`;
  let drawn = null;

  const form = el("form", { class: "pair-form", novalidate: true },
    el("label", { for: "pair-code", text: t("pair.code_label") }),
    el("div", { class: "pair-row" }, input, button));
  clear(root).append(
    el("h2", { class: "card-title", text: t("pair.card_title") }),
    el("p", { class: "small muted", id: "pair-hint" }, t("pair.card_hint"), " ",
       el("a", { href: "/screen", target: "_blank", rel: "noopener", text: screenUrl })),
    form, error, done, list, none);

  async function refresh() {
    let screens;
    try { screens = await get(base, { token }); } catch { return; }
    const key = JSON.stringify(screens);
    if (key === drawn) return;
    drawn = key;
    // The button keeps focus across a redraw; a removed screen's goes to the code field.
    const focused = document.activeElement?.closest?.(".pair-list li")?.dataset.id;
    clear(list);
    for (const s of screens) {
      const state = s.online ? t("pair.online")
        : s.last_seen ? t("pair.last_seen", { time: clock(s.last_seen) }) : t("pair.never_seen");
      const unpair = el("button", { type: "button", class: "small danger", text: t("pair.unpair"),
                                    "aria-label": t("pair.unpair_label", { id: s.id }) });
      unpair.addEventListener("click", () => remove(s.id, unpair));
      list.append(el("li", { dataset: { id: String(s.id) } },
        el("span", { class: s.online ? "dot on" : "dot", "aria-hidden": "true" }),
        el("span", { class: "pair-name" },
          el("strong", { text: t("pair.screen_name", { id: s.id }) }),
          el("span", { class: "small muted", text: ` · ${state} · ${t("pair.paired_at", { time: clock(s.paired_at) })}` })),
        unpair));
    }
    none.classList.toggle("hidden", screens.length > 0);
    if (focused) (list.querySelector(`li[data-id="${focused}"] button`) || input).focus();
  }

  async function remove(id, unpair) {
    unpair.disabled = true;
    error.textContent = "";
    try {
      await api("DELETE", `${base}/${id}`, { token });
      done.textContent = t("pair.unpaired", { id });
    } catch (err) {
      error.textContent = err.message;
      unpair.disabled = false;
    }
    await refresh();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const typed = tidyCode(input.value);
    error.textContent = "";
    done.textContent = "";
    if (!typed) { error.textContent = t("pair.err_empty"); input.focus(); return; }
    button.disabled = true;
    try {
      await pairScreen(code, token, typed);
      input.value = "";
      done.textContent = t("pair.paired", { code: typed });
      await refresh();
    } catch (err) {
      error.textContent = pairError(err, typed);
      input.focus();
    } finally {
      button.disabled = false;
    }
  });

  refresh();
  const interval = setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  return { refresh, stop: () => clearInterval(interval) };
}
