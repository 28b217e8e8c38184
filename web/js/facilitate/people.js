// The facilitator's "People" section: everyone who joined, with "Move to group…" and
// "Remove" (confirmed in place), a switch that locks joining, and a read-only look at any
// group's board as its participants see it (docs/protocol.md §3). Removing closes the
// person's sockets with 4403; their notes stay.
import { api as request, el, clear } from "../api.js";
import { t } from "../i18n.js";

// Everyone in the roster, in group order, each with their group.
export function participants(roster) {
  const out = [];
  for (const g of (roster && roster.groups) || []) {
    for (const m of g.members || []) out.push({ id: m.id, name: m.name, groupId: g.id, groupName: g.name });
  }
  return out;
}

// The board page in its read-only mode for one group (the facilitator's key stays in this
// browser's storage: the address names only the group).
export function viewUrl(code, groupId) {
  return `/w/${encodeURIComponent(code)}?view=${encodeURIComponent(String(groupId))}`;
}

// `roster()` gives the workshop room's roster (or null before the snapshot); `api` is
// app.api's request function (tests pass their own).
export function mountPeople(root, { code, token, roster, api = request }) {
  const base = `/api/workshops/${encodeURIComponent(code)}`;
  const lock = el("input", { type: "checkbox", role: "switch", id: "join-lock", "aria-describedby": "join-lock-hint" });
  const lockHint = el("p", { class: "small muted", id: "join-lock-hint", text: t("mod.lock_hint") });
  const status = el("p", { class: "small", role: "status", id: "people-status" });
  const list = el("ul", { class: "mod-people", id: "mod-people", "aria-labelledby": "people-heading" });
  const none = el("p", { class: "small muted", text: t("mod.nobody") });
  const views = el("div", { class: "mod-views", role: "group", "aria-labelledby": "mod-views-label" });
  clear(root).append(
    el("h2", { class: "card-title", id: "people-heading", text: t("mod.title") }),
    el("label", { class: "check mod-lock", for: "join-lock" }, lock, el("span", { text: ` ${t("mod.lock")}` })),
    lockHint, status, list, none,
    el("p", { class: "small muted", id: "mod-views-label", text: t("mod.view_label") }), views);

  // Who is being asked "remove?" now: kept across redraws so a roster event does not cancel it.
  let confirming = null;
  let drawn = "";
  // Who was just moved: focus follows them to their row once the roster shows the move.
  let follow = null;

  lock.addEventListener("change", async () => {
    const locked = lock.checked;
    status.textContent = "";
    try {
      await api("POST", `${base}/lock`, { token, body: { locked } });
      status.textContent = t(locked ? "mod.locked" : "mod.unlocked");
    } catch (err) { lock.checked = !locked; status.textContent = err.message; }
  });

  async function move(person, groupId, select) {
    status.textContent = "";
    try {
      await api("PATCH", `${base}/participants/${encodeURIComponent(person.id)}`, { token, body: { group_id: groupId } });
      const to = (roster()?.groups || []).find((g) => g.id === groupId);
      status.textContent = t("mod.moved", { name: person.name, group: to ? to.name : String(groupId) });
      follow = { id: person.id, groupId };
      select.blur();
      render();
    } catch (err) { status.textContent = err.message; select.value = ""; }
  }

  async function remove(person) {
    status.textContent = "";
    try {
      await api("DELETE", `${base}/participants/${encodeURIComponent(person.id)}`, { token });
      status.textContent = t("mod.removed", { name: person.name });
      confirming = null;
      // Focus stays in the section: the list's first control, or the switch.
      render(true);
      (list.querySelector("select, button") || lock).focus();
    } catch (err) { status.textContent = err.message; }
  }

  function row(person, groups) {
    const others = groups.filter((g) => g.id !== person.groupId);
    const select = el("select", { class: "mod-move", "aria-label": t("mod.move_label", { name: person.name }), disabled: others.length ? null : true },
      el("option", { value: "", text: t("mod.move") }),
      others.map((g) => el("option", { value: String(g.id), text: g.name })));
    select.addEventListener("change", () => { if (select.value) move(person, Number(select.value), select); });
    // A redraw put off while the list was open happens now.
    select.addEventListener("blur", () => render());
    const li = el("li", { dataset: { pid: person.id } },
      el("span", { class: "mod-name" }, el("strong", { text: person.name }), el("span", { class: "small muted", text: ` · ${person.groupName}` })),
      select);
    if (confirming === person.id) {
      const yes = el("button", { type: "button", class: "danger mod-confirm", text: t("mod.remove_confirm", { name: person.name }) });
      const no = el("button", { type: "button", class: "mod-cancel", text: t("mod.cancel") });
      yes.addEventListener("click", () => remove(person));
      no.addEventListener("click", () => { confirming = null; render(true); list.querySelector(`li[data-pid="${CSS.escape(person.id)}"] .mod-remove`)?.focus(); });
      li.append(el("span", { class: "mod-ask", role: "group", "aria-label": t("mod.remove_ask", { name: person.name }) },
        el("span", { class: "small", text: t("mod.remove_ask", { name: person.name }) }), yes, no));
    } else {
      const removeButton = el("button", { type: "button", class: "danger mod-remove", text: t("mod.remove"), "aria-label": t("mod.remove_label", { name: person.name }) });
      removeButton.addEventListener("click", () => {
        confirming = person.id;
        render(true);
        list.querySelector(`li[data-pid="${CSS.escape(person.id)}"] .mod-confirm`)?.focus();
      });
      li.append(removeButton);
    }
    return li;
  }

  // The roster may show the move before or after the request answers: either way, once.
  function focusFollowed(r) {
    if (!follow || !participants(r).some((p) => p.id === follow.id && p.groupId === follow.groupId)) return;
    list.querySelector(`li[data-pid="${CSS.escape(follow.id)}"] select`)?.focus();
    follow = null;
  }

  function render(force = false) {
    const r = roster();
    if (!r) return;
    if (typeof r.join_locked === "boolean") lock.checked = r.join_locked;
    const key = JSON.stringify([r.groups, confirming]);
    if (key === drawn && !force) { focusFollowed(r); return; }
    // Not while choosing where to move someone: a redraw would close the list.
    if (!force && document.activeElement && list.contains(document.activeElement) && document.activeElement.matches("select")) return;
    drawn = key;
    const people = participants(r);
    clear(list);
    for (const person of people) list.append(row(person, r.groups));
    none.classList.toggle("hidden", people.length > 0);
    clear(views);
    focusFollowed(r);
    for (const g of r.groups) {
      views.append(el("a", { class: "button small", href: viewUrl(code, g.id), target: "_blank", rel: "noopener",
                             text: t("mod.view", { group: g.name }) }));
    }
  }

  return { render };
}
