// Dot voting on the participant's board: a bar with what is left of the budget, and on
// each note that takes votes a vote button, the voter's own dots and a take-back button;
// once the vote is closed, each note's count. Drawn over the notes the panels draw
// (canvas or list): `render()` after any change.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { voteState, votable } from "../votes.js";

export function mountVotes(ctx, { bar, root, announce = () => {} }) {
  let shownBar = "";

  function state() {
    if (!ctx.groupRoom || !ctx.workshopRoom) return null;
    return voteState(ctx.client.room(ctx.groupRoom), ctx.client.room(ctx.workshopRoom));
  }

  function render() {
    const s = state();
    renderBar(s);
    for (const node of root.querySelectorAll(".note[data-id], .list-note[data-id]")) decorate(node, s);
  }

  function renderBar(s) {
    const sig = s ? `${s.round}|${s.status}|${s.left}|${s.perPerson}` : "";
    if (sig === shownBar) return;
    const before = shownBar;
    shownBar = sig;
    bar.classList.toggle("hidden", !s);
    clear(bar);
    if (!s) return;
    const text = s.status === "open"
      ? t("votes.left", { count: s.left, total: s.perPerson })
      : t("votes.closed");
    bar.append(el("strong", { text: s.status === "open" ? t("votes.open_title") : t("votes.closed_title") }), " ",
      el("span", { class: "vote-left", text }));
    if (s.status === "open") bar.append(el("span", { class: "small muted", text: ` ${t("votes.how")}` }));
    // Said once when a vote opens or closes, not on every dot.
    if (before.split("|").slice(0, 2).join("|") !== sig.split("|").slice(0, 2).join("|")) announce(text);
  }

  function decorate(node, s) {
    const n = ctx.note(node.dataset.id);
    const section = n && ctx.template.sections.find((x) => x.key === n.section);
    let box = node.querySelector(":scope > .vote-box");
    // Only participants vote: a facilitator's read-only look at the board gets no buttons.
    const voter = ctx.client.you?.role === "participant";
    if (!n || !votable(s, section, n) || (s.status === "closed" ? !s.counts : !voter)) {
      if (box) box.remove();
      return;
    }
    const mine = s.mine[n.id] || 0;
    const count = s.counts ? s.counts[n.id] || 0 : null;
    const top = count !== null && count > 0 && count === Math.max(...Object.values(s.counts));
    const sig = JSON.stringify([s.round, s.status, mine, s.left, count, top, n.text]);
    if (box && box.sig === sig) return;
    if (!box) {
      box = el("div", { class: "vote-box" });
      // The board's own drag, tap and key handlers are not for these buttons.
      for (const type of ["pointerdown", "click", "dblclick", "keydown"]) box.addEventListener(type, (ev) => ev.stopPropagation());
      node.append(box);
    }
    box.sig = sig;
    const label = (n.text || t("note.empty")).slice(0, 60);
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.vote : null;
    clear(box);
    if (s.status === "closed") {
      box.append(el("span", { class: `vote-count${top ? " top" : ""}`, text: t("votes.count", { count }) }));
      return;
    }
    box.append(el("span", { class: "vote-dots", "aria-hidden": "true", text: "●".repeat(mine) }),
      el("span", { class: "visually-hidden", text: t("votes.mine", { count: mine }) }));
    if (mine > 0) {
      box.append(el("button", { type: "button", class: "vote-remove", "data-vote": "remove",
        "aria-label": t("votes.remove_named", { text: label }), title: t("votes.remove"),
        onclick: () => ctx.op("vote.retract", { note_id: n.id }) }, "−"));
    }
    box.append(el("button", { type: "button", class: "vote-add", "data-vote": "add",
      "aria-label": t("votes.add_named", { text: label }), title: t("votes.add"),
      "aria-disabled": s.left <= 0 ? "true" : null,
      onclick: () => { if (s.left > 0) ctx.op("vote.cast", { note_id: n.id }); else announce(t("votes.none_left")); } },
      el("span", { "aria-hidden": "true", text: "+" }), el("span", { class: "vote-word", text: t("votes.add") })));
    if (focused) box.querySelector(`[data-vote="${focused}"]`)?.focus();
  }

  return { render };
}
