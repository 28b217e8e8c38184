// The projector on a browser without the facilitator's key: it gets a read-only screen
// token of its own (POST /api/screens, kept in this browser under `flipchart:screen`),
// shows the pairing code and a QR code of the /pair link, and asks /api/screens/me every
// two seconds until the facilitator pairs it (docs/protocol.md §2.3). The token goes only
// into Authorization headers and the socket's hello, never into a URL.
import { get, post, el, clear } from "../api.js";
import { t, formatTime, onLanguageChange } from "../i18n.js";

export const SCREEN_KEY = "flipchart:screen";
export const POLL_WAITING_MS = 2000;
// Once paired, the socket's 4401 says "unpaired" at once; the poll is only a safety net.
export const POLL_PAIRED_MS = 10000;

function localTime(epochSeconds, serverNow) {
  // The server's clock may differ from this one: count from its "now".
  const at = Date.now() + (epochSeconds - serverNow) * 1000;
  return formatTime(at);
}

// view: where the pairing code is drawn; conn: the status badge; heading: the h1's text.
// onPaired(workshopCode, token) opens the workshop (a rejected promise: try again later);
// onUnpaired() closes it. Returns { unpaired() } for the socket's 4401.
export function startPairing({ view, conn, heading, onPaired, onUnpaired, storage = localStorage }) {
  let token = storage.getItem(SCREEN_KEY);
  let paired = null;       // the workshop code while paired
  let shown = null;        // the pairing code on the page
  let timer = null;

  function forget() { token = null; storage.removeItem(SCREEN_KEY); }

  async function fresh() {
    const made = await post("/api/screens");
    token = made.token;
    storage.setItem(SCREEN_KEY, token);
    return { workshop_code: null, pairing_code: made.pairing_code, expires_at: made.expires_at,
             server_now: made.server_now };
  }

  async function status() {
    if (!token) return fresh();
    try {
      return await get("/api/screens/me", { token });
    } catch (err) {
      // Unknown token (the server dropped this screen): start again with a new one.
      if (err.status === 401) { forget(); return fresh(); }
      throw err;
    }
  }

  function leave() {
    if (!paired) return;
    paired = null;
    shown = null;
    onUnpaired();
  }

  function problem(message) {
    conn.dataset.state = "offline";
    conn.textContent = t("screen.pair_unreachable");
    if (!shown) clear(view).append(el("p", { class: "screen-title", text: message }));
  }

  function showCode(s) {
    conn.dataset.state = "pairing";
    conn.textContent = t("screen.pair_waiting");
    const expires = view.querySelector(".pair-expires");
    if (shown === s.pairing_code && expires) {
      expires.textContent = t("screen.pair_expires", { time: localTime(s.expires_at, s.server_now) });
      return;
    }
    shown = s.pairing_code;
    heading.textContent = t("screen.pair_heading");
    document.title = t("screen.doc_title_pairing");
    const link = `${location.host}/pair?code=${encodeURIComponent(shown)}`;
    clear(view).append(el("div", { class: "pair-screen" },
      el("div", { class: "pair-screen-text" },
        el("h2", { class: "screen-title", text: t("screen.pair_title") }),
        el("p", { class: "pair-how", text: t("screen.pair_how") }),
        el("div", { class: "pair-code", text: shown }),
        el("p", { class: "pair-link", text: t("screen.pair_link", { link }) }),
        el("p", { class: "muted pair-expires",
                  text: t("screen.pair_expires", { time: localTime(s.expires_at, s.server_now) }) })),
      el("img", { class: "pair-qr", src: `/api/screens/pair-qr.svg?code=${encodeURIComponent(shown)}`,
                  alt: t("screen.pair_qr_alt") })));
  }

  async function step() {
    clearTimeout(timer);
    timer = null;
    try {
      let s = await status();
      // Waiting no more: the code expired, or the screen was unpaired after use.
      if (!s.workshop_code && !s.pairing_code) { leave(); s = await fresh(); }
      if (s.workshop_code) {
        if (paired !== s.workshop_code) {
          leave();
          paired = s.workshop_code;
          shown = null;
          const opening = paired;
          Promise.resolve(onPaired(opening, token)).catch((err) => {
            console.warn(err);
            if (paired === opening) { paired = null; onUnpaired(); }
          });
        }
      } else {
        leave();
        showCode(s);
      }
    } catch (err) {
      if (!paired) problem(err.message);
    }
    timer = setTimeout(step, paired ? POLL_PAIRED_MS : POLL_WAITING_MS);
  }

  conn.dataset.state = "connecting";
  conn.textContent = t("screen.pair_starting");
  step();
  // Another language chosen: the waiting code is drawn again in it.
  onLanguageChange(() => { if (!paired && shown) { shown = null; step(); } });

  return {
    // The socket closed with 4401: unpaired. This token opens nothing any more.
    unpaired() {
      if (!paired) return;
      forget();
      leave();
      step();
    },
  };
}
