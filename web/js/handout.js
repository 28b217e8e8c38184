// The printable handout: one A4 page per group with the group's boards; the first page
// also has the workshop's title, date and the facilitator's timing record. Its data is the
// JSON report, read with the facilitator's key from this browser (never from the URL).
import { get, el, clear, codeFromPath, loadToken } from "./api.js";
import { currentLanguage, loadMessages, t, translatePage } from "./i18n.js";
import { mountLanguageSwitch } from "./language-switch.js";

const code = codeFromPath();
// The report in the page's language (the export's default is the workshop's own).
const reportPath = () => `/api/workshops/${encodeURIComponent(code)}/export?format=json&lang=${encodeURIComponent(currentLanguage())}`;
const $ = (id) => document.getElementById(id);

function fail(message) {
  const status = $("status");
  status.textContent = message;
  status.classList.add("error");
  $("handout").removeAttribute("aria-busy");
}

async function start() {
  // Without the catalogue t() shows its keys and the handout is still complete.
  await loadMessages().catch(() => {});
  translatePage();
  let report = null;
  // Another language chosen: the report is asked for again in it (its headings and the
  // activity's texts come from the server) and laid out again.
  mountLanguageSwitch({ onChange: async () => {
    if (!report) return;
    try { report = await get(reportPath(), { token }); } catch { /* the one shown stays */ }
    render(report);
  } });
  $("back").href = `/w/${encodeURIComponent(code)}/facilitate`;
  $("print").addEventListener("click", () => window.print());
  const token = loadToken(code, "facilitator");
  if (!token) { fail(t("handout.no_key", { code })); return; }
  try {
    report = await get(reportPath(), { token });
  } catch (err) {
    fail(err.status === 401 || err.status === 403 ? t("handout.bad_key") : err.message);
    return;
  }
  render(report);
}

// --- formatting ---------------------------------------------------------------------------

function clock(iso) {
  return new Date(iso).toLocaleTimeString(currentLanguage(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

function day(isoDate) {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: "long", timeZone: "UTC" })
    .format(new Date(isoDate));
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const sign = seconds < 0 ? "−" : "";
  const whole = Math.abs(seconds);
  const min = Math.floor(whole / 60);
  const s = whole % 60;
  if (!min) return sign + t("handout.sec", { s });
  return sign + (s ? t("handout.min_s", { min, s }) : t("handout.min", { min }));
}

// --- the first page: title, date, timing --------------------------------------------------

function workshopHeader(w) {
  return el("header", { class: "handout-head" },
    el("h1", { text: w.title || w.activity }),
    el("p", { class: "handout-meta", text: t("handout.meta", { activity: w.activity, date: day(w.date), code: w.code }) }));
}

function runningHeader(w) {
  return el("p", { class: "handout-running", text: t("handout.running", { title: w.title || w.activity, date: day(w.date) }) });
}

function timingCells(entry) {
  const pauses = entry.pauses.map((p) => t(p.reason === "time_up" ? "handout.pause_time_up" : "handout.pause",
    { duration: duration(p.seconds), time: clock(p.at) }));
  const extensions = entry.extensions.map((x) => t("handout.extension",
    { duration: (x.seconds > 0 ? "+" : "") + duration(x.seconds), time: clock(x.at) }));
  let ended;
  if (entry.state === "not_reached") ended = t("handout.not_reached");
  else if (!entry.ended_by) ended = t("handout.in_progress");
  else ended = t("handout.ended", { time: clock(entry.ended_at), how: t(`handout.ended.${entry.ended_by}`) });
  return [
    entry.title,
    entry.planned_minutes === null ? t("handout.untimed") : t("handout.min", { min: entry.planned_minutes }),
    duration(entry.actual_seconds),
    entry.started_at ? clock(entry.started_at) : "—",
    pauses.join("; ") || "—",
    extensions.join("; ") || "—",
    ended,
  ];
}

function timingTable(timing) {
  const columns = ["phase", "planned", "actual", "started", "paused", "extended", "ended"];
  // Focusable: on a phone the table may scroll sideways inside it (handout.css).
  return el("section", { class: "handout-timing", "aria-labelledby": "timing-title", tabindex: "0" },
    el("h2", { id: "timing-title", text: t("handout.timing") }),
    el("table", {},
      el("caption", { class: "handout-note", text: t("handout.timing_note") }),
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col", text: t(`handout.col.${c}`) })))),
      el("tbody", {}, timing.map((entry) => el("tr", {},
        timingCells(entry).map((text, i) => el(i ? "td" : "th", { scope: i ? undefined : "row", text })))))));
}

// --- a group's boards ---------------------------------------------------------------------

function tags(actors) {
  if (!actors || !actors.length) return null;
  return el("span", { class: "actors" }, el("span", { class: "label-inline", text: t("handout.actors") }), " ",
    actors.map((a) => el("span", { class: "tag", text: a })));
}

function by(name) {
  return name ? el("span", { class: "by", text: t("handout.by", { name }) }) : null;
}

function steps(notes) {
  const lanes = new Map();
  const sorted = [...notes].sort((a, b) => a.lane.localeCompare(b.lane) || (a.step || 0) - (b.step || 0));
  // Keyed by lane, not by name: two anonymous authors (or two erased ones) share a name
  // but each keeps their own numbered lane.
  for (const note of sorted) {
    if (!lanes.has(note.lane)) lanes.set(note.lane, { label: note.lane ? note.author_name : t("handout.group_lane"), notes: [] });
    lanes.get(note.lane).notes.push(note);
  }
  return [...lanes.values()].map(({ label, notes: laneNotes }) => el("div", { class: "lane" },
    el("h4", { text: label }),
    el("ol", { class: "steps" }, laneNotes.map((n) => el("li", { value: n.step || undefined },
      el("span", { class: "text", text: n.text }), " ", tags(n.actors), " ", by(n.author_name))))));
}

function sectionBody(section) {
  const notes = section.notes || [];
  switch (section.kind) {
    case "steps": return notes.length ? steps(notes) : null;
    case "cards":
      return notes.length ? el("ul", { class: "cards" }, notes.map((n) =>
        el("li", {}, el("span", { class: "text", text: n.text }), " ", by(n.author_name)))) : null;
    case "pairs":
      return notes.length ? el("table", { class: "pairs" },
        el("thead", {}, el("tr", {}, (section.columns || ["", ""]).map((c) => el("th", { scope: "col", text: c })))),
        el("tbody", {}, notes.map((n) => el("tr", {}, el("td", { text: n.text }), el("td", { text: n.answer }))))) : null;
    case "pick":
      return section.picked && section.picked.length
        ? el("ul", { class: "picks" }, section.picked.map((p) => el("li", { text: p.label }))) : null;
    case "form":
      return (section.fields || []).some((f) => f.value) ? el("dl", { class: "form" }, section.fields.flatMap((f) =>
        [el("dt", { text: f.label }), el("dd", { text: f.value || "—" })])) : null;
    default: return null;
  }
}

function renderSection(section) {
  const body = sectionBody(section);
  return el("section", { class: `handout-section kind-${section.kind}` },
    el("h3", { text: section.title }),
    body || el("p", { class: "nothing", text: t("handout.nothing") }));
}

function renderGroup(group, index, report) {
  const id = `group-${group.id}`;
  return el("article", { class: "handout-group", "aria-labelledby": id },
    index === 0 ? [workshopHeader(report.workshop), timingTable(report.timing)] : runningHeader(report.workshop),
    el("h2", { id, class: "group-name", text: group.name }),
    el("p", { class: "members", text: t("handout.members", { names: group.members.join(", ") || "—" }) }),
    group.sections.map(renderSection));
}

function render(report) {
  const w = report.workshop;
  document.title = t("handout.doc_title", { title: w.title || w.activity });
  $("toolbar-title").textContent = w.title || w.activity;
  const root = clear($("handout"));
  if (!report.groups.length) {
    root.append(workshopHeader(w), timingTable(report.timing), el("p", { text: t("handout.no_groups") }));
  } else {
    report.groups.forEach((group, i) => root.append(renderGroup(group, i, report)));
  }
  root.removeAttribute("aria-busy");
  $("print").disabled = false;
}

start();
