// The facilitator's dot vote: open one on the current group phase (votes per person, which
// sections' notes), see how many votes are cast so far (a total: where they went stays
// hidden until the vote closes), close it. And the "move on when every group is done"
// setting.
import { el, clear, patch, toast } from "../api.js";
import { t } from "../i18n.js";
import { limits } from "../limits.js";
import { voteState } from "../votes.js";

const ACTIVE = new Set(["running", "paused", "timeup"]);
const VOTABLE = new Set(["steps", "cards", "pairs"]);

export function mountVotePanel(host, { client, template, workshopRoom, code, token }) {
  let shown = "";
  const live = el("p", { class: "small vote-cast", "aria-live": "polite" });

  function render() {
    const room = workshopRoom() && client.room(workshopRoom());
    const p = room?.phase;
    const roster = room?.roster;
    if (!p || !roster) return;
    const s = voteState(null, room);
    const tp = template.phases.find((x) => x.key === p.key);
    const groupPhase = ACTIVE.has(p.status) && tp?.mode === "group";
    const sig = `${s ? `${s.round}|${s.status}` : ""}|${groupPhase}|${roster.advance_when_ready}|${p.key}`;
    if (s) live.textContent = s.status === "open" ? t("fac.votes.cast", { count: s.cast || 0 }) : t("fac.votes.closed", { count: s.cast || 0 });
    if (sig === shown) return;
    shown = sig;
    clear(host);
    host.append(el("h3", { class: "card-title small-title", id: "votes-title", text: t("fac.votes.title") }));
    if (s && s.status === "open") {
      host.append(live, el("button", { type: "button", class: "primary", id: "vote-close",
        onclick: () => client.op(workshopRoom(), "votes.close", {}) }, t("fac.votes.close")));
    } else if (groupPhase) {
      if (s) host.append(live);
      host.append(openForm());
    } else {
      if (s) host.append(live);
      host.append(el("p", { class: "small muted", text: t("fac.votes.group_only") }));
    }
    host.append(advanceToggle(roster.advance_when_ready));
  }

  function openForm() {
    const max = limits.value("max_votes", 20);
    const budget = el("input", { type: "number", id: "vote-budget", class: "short", min: "1", max: String(max), value: "3" });
    const sections = template.sections.filter((x) => VOTABLE.has(x.kind));
    const boxes = sections.map((x) => {
      const box = el("input", { type: "checkbox", value: x.key });
      return { box, label: el("label", { class: "check small" }, box, ` ${x.title}`) };
    });
    const form = el("form", { class: "vote-form stack", "aria-labelledby": "votes-title" },
      el("div", { class: "row" }, el("label", { for: "vote-budget", text: t("fac.votes.budget") }), budget),
      el("fieldset", { class: "vote-sections" }, el("legend", { class: "small", text: t("fac.votes.sections") }), boxes.map((b) => b.label)),
      el("button", { type: "submit", class: "primary", id: "vote-open" }, t("fac.votes.open")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const perPerson = Number(budget.value);
      if (!Number.isInteger(perPerson) || perPerson < 1 || perPerson > max) { toast(t("fac.votes.range", { max })); return; }
      const chosen = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
      client.op(workshopRoom(), "votes.open", chosen.length ? { per_person: perPerson, sections: chosen } : { per_person: perPerson });
    });
    return form;
  }

  function advanceToggle(on) {
    const box = el("input", { type: "checkbox", id: "advance-when-ready", checked: !!on });
    box.addEventListener("change", async () => {
      try { await patch(`/api/workshops/${encodeURIComponent(code)}`, { advance_when_ready: box.checked }, { token }); }
      catch (err) { toast(err.message); box.checked = !box.checked; }
    });
    return el("label", { class: "small check" }, box, ` ${t("fac.signals.advance")}`);
  }

  return { render };
}
