// The projector: read-only, large type.
import { SyncClient, secondsLeft } from "./sync.js";
import { get, el, clear, codeFromPath, loadToken, connectionBadge } from "./api.js";
import { loadMessages, t, translatePage, changeLanguage, currentLanguage } from "./i18n.js";
import { supported } from "./language.js";
import { mountLanguageSwitch } from "./language-switch.js";
import { createAnnouncer, showCountdown } from "./phase.js";
import { startPairing } from "./screen/pairing.js";
import { lobby, working } from "./screen/views.js";
import { plenary } from "./screen/plenary.js";
import { synthesis } from "./screen/clusters.js";

// The workshop shown: the one in the path (/w/{code}/screen), or the one this screen is
// paired with (/screen, or a browser without the facilitator's key).
let code = codeFromPath();
let token = null;
let pairing = null;
let opened = 0;     // which opening of a workshop is current (a late one is dropped)
const $ = (id) => document.getElementById(id);
let template = null;
let client = null;
let workshopRoom = null;
let countdownNode = null;
// Phase changes, one minute left and time up, said once each in a polite live region.
const announce = createAnnouncer($("announcer"));

async function start() {
  // The catalogue is optional here: without it, t() shows its keys and the page still works.
  await loadMessages().catch(() => {});
  translatePage();
  // Another language chosen here: the view is drawn again in it.
  mountLanguageSwitch({ onChange: relabel });
  setInterval(tick, 250);
  // In the facilitator's browser its key opens the projector view; any other browser pairs
  // with a read-only token of its own, which the facilitator can take away again.
  const own = code ? loadToken(code, "facilitator") : null;
  if (own) return open(code, own, "screen");
  pairing = startPairing({ view: $("view"), conn: $("conn"), heading: $("workshop-title"),
                           onPaired: (workshopCode, key) => open(workshopCode, key), onUnpaired: shut });
}

async function open(workshopCode, key, role = null) {
  const mine = ++opened;
  code = workshopCode;
  token = key;
  const info = await get(`/api/workshops/${encodeURIComponent(code)}`);
  // The room reads the workshop's own language, whatever this browser prefers; the
  // activity is then fetched in it too.
  const language = supported(info.language);
  if (language && language !== currentLanguage()) await changeLanguage(language).catch(() => {});
  const loaded = await get(`/api/templates/${encodeURIComponent(info.template)}`);
  if (mine !== opened) return;
  $("workshop-title").textContent = info.title || info.template_title;
  document.title = t("screen.doc_title", { code });
  template = loaded;
  const c = new SyncClient({ code, token, role });
  client = c;
  connectionBadge($("conn"), c);
  c.on("welcome", (msg) => { workshopRoom = `workshop:${msg.you.workshop_id}`; });
  c.on("change", schedule);
  c.on("unauthorized", () => {
    if (c !== client) return;
    if (pairing) pairing.unpaired();
    else clear($("view")).append(el("p", { class: "screen-title", text: t("screen.key_invalid") }));
  });
  c.connect();
}

// Another language chosen here: the activity's texts are fetched in it and the view drawn
// again (until the next load, which follows the workshop's language again).
async function relabel() {
  if (!client || !template) return;
  const mine = opened;
  try {
    const loaded = await get(`/api/templates/${encodeURIComponent(template.key)}`);
    if (mine === opened) template = loaded;
  } catch { /* the old texts stay */ }
  document.title = t("screen.doc_title", { code });
  schedule();
}

// Unpaired: close the workshop; the pairing code takes the view again.
function shut() {
  opened += 1;
  if (client) client.close();
  client = null;
  workshopRoom = null;
  template = null;
  countdownNode = null;
  clearTimeout(timer);
  timer = null;
  $("workshop-title").textContent = "";
  clear($("view"));
}

// At most one render every 80 ms: a steady stream of changes (a room full of people
// writing) is drawn as it goes, not held back until it stops.
let timer = null;
function schedule() { if (!timer) timer = setTimeout(render, 80); }

function phase() { return workshopRoom ? client.room(workshopRoom).phase : null; }

function render() {
  timer = null;
  const p = phase();
  const roster = workshopRoom && client.room(workshopRoom).roster;
  if (!p || !roster || !template) return;
  const view = clear($("view"));
  countdownNode = null;
  const ctx = { template, client, workshopRoom, roster, phase: p, code };
  if (p.status === "lobby") return lobby(view, ctx);
  if (p.status === "plenary" || p.status === "closed" || p.mode === "plenary") {
    // The facilitator may put the clusters or the procedure comparison up instead of the boards.
    const shown = client.room(workshopRoom).clusterView;
    if (shown === "clusters" || shown === "comparison") return synthesis(view, ctx, shown);
    return plenary(view, ctx);
  }
  countdownNode = working(view, ctx);
  tick();
}
// The views are sized to the window: a new size lays them out again.
addEventListener("resize", () => { if (client) schedule(); });

function tick() {
  const p = phase();
  if (!p) return;
  if (!countdownNode) { announce(p, secondsLeft(p, client)); return; }
  announce(p, showCountdown(countdownNode, p, client));
}

start();
