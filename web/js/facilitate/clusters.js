// The plenary synthesis on the control panel: clusters of notes from any group's board
// under a label (a commonality, a difference or a theme), in an order the facilitator
// sets, what the projector shows, and the groups' procedures side by side. Every action
// is a button, a list or a text field: no dragging, all by keyboard or a single tap.
import { el, clear } from "../api.js";
import { t } from "../i18n.js";
import { uuid } from "../sync.js";
import { CLUSTER_KINDS, CLUSTER_VIEWS, noteIndex, clusterNotes, comparisons } from "../clusters.js";
import { comparisonTable } from "../compare_table.js";

const MAX_LABEL = 120;

// root: the panel's section; client: the SyncClient; workshopRoom(): its room name.
export function mountClusters({ root, client, template, workshopRoom }) {
  const state = () => client.room(workshopRoom());
  const groups = () => state().roster?.groups || [];
  const roomOf = (name) => client.room(name);
  const op = (kind, data) => client.op(workshopRoom(), kind, data);
  let focusNext = null;     // data-focus of what takes focus after the next render
  let timer = null;

  const heading = el("h2", { class: "page-sub", id: "clusters-heading", text: t("clusters.title") });
  const views = el("div", { class: "cluster-views", role: "group", "aria-labelledby": "clusters-show" });
  const list = el("ol", { class: "clusters" });
  const compare = el("div", { class: "cluster-compare" });
  const label = el("input", { type: "text", id: "cluster-new-label", maxlength: String(MAX_LABEL), required: true,
                              "data-focus": "new-label", autocomplete: "off" });
  const kind = el("select", { id: "cluster-new-kind", "data-focus": "new-kind" },
    CLUSTER_KINDS.map((k) => el("option", { value: k, text: t(`clusters.kind.${k}`) })));
  const form = el("form", { class: "cluster-new" },
    el("div", { class: "field" }, el("label", { for: "cluster-new-label", text: t("clusters.new_label") }), label),
    el("div", { class: "field" }, el("label", { for: "cluster-new-kind", text: t("clusters.kind_label") }), kind),
    el("button", { type: "submit", class: "primary", "data-focus": "new-add", text: t("clusters.create") }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = label.value.trim();
    if (!text) { label.focus(); return; }
    const id = uuid();
    op("cluster.create", { id, label: text, kind: kind.value });
    label.value = "";
    focusNext = `add-select:${id}`;  // the new cluster's note list, to fill it at once
  });
  root.append(heading, el("p", { class: "small muted", text: t("clusters.hint") }),
    el("div", { class: "card" }, form),
    el("h3", { class: "small", id: "clusters-show", text: t("clusters.show") }), views,
    list, compare);

  // What has focus (and the value of each list) survives a redraw.
  function remember() {
    const active = document.activeElement;
    const key = root.contains(active) ? active.dataset.focus : null;
    const values = new Map([...root.querySelectorAll("select[data-focus^='add-select:']")].map((s) => [s.dataset.focus, s.value]));
    return { key, values };
  }

  function restore({ key, values }) {
    for (const [k, v] of values) { const s = root.querySelector(`[data-focus="${CSS.escape(k)}"]`); if (s) s.value = v; }
    const wanted = focusNext || key;
    const target = wanted && root.querySelector(`[data-focus="${CSS.escape(wanted)}"]`);
    if (target) { target.focus(); if (focusNext) focusNext = null; }
  }

  function render() {
    timer = null;
    if (!workshopRoom()) return;
    // Not while a label is being typed: it would lose what was typed; its change redraws.
    const active = document.activeElement;
    if (root.contains(active) && active.matches("input[data-focus^='label:']")) return;
    const kept = remember();
    const r = state();
    const index = noteIndex(groups(), roomOf);
    clear(views).append(...CLUSTER_VIEWS.map((v) => el("button", {
      type: "button", "aria-pressed": String(r.clusterView === v), "data-focus": `view:${v}`,
      class: r.clusterView === v ? "primary" : "", text: t(`clusters.view.${v}`),
      onclick: () => op("cluster.show", { view: v }) })));
    clear(list);
    const clusters = r.clusters || [];
    if (!clusters.length) list.append(el("li", { class: "muted small", text: t("clusters.none") }));
    clusters.forEach((c, i) => list.append(clusterItem(c, i, clusters.length, index)));
    drawComparison(clear(compare), clusters);
    restore(kept);
  }

  function clusterItem(c, i, count, index) {
    const name = el("input", { type: "text", value: c.label, maxlength: String(MAX_LABEL), class: "cluster-label",
                               "data-focus": `label:${c.id}`, "aria-label": t("clusters.label_of", { n: i + 1 }) });
    const save = () => {
      const v = name.value.trim();
      if (v && v !== c.label) op("cluster.update", { id: c.id, label: v });
      else name.value = c.label;
      schedule();
    };
    name.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") { ev.preventDefault(); name.blur(); }
      if (ev.key === "Escape") { name.value = c.label; name.blur(); }
    });
    name.addEventListener("blur", save);
    const kindSelect = el("select", { "data-focus": `kind:${c.id}`, "aria-label": t("clusters.kind_of", { label: c.label }),
                                      onchange: (ev) => op("cluster.update", { id: c.id, kind: ev.target.value }) },
      CLUSTER_KINDS.map((k) => el("option", { value: k, text: t(`clusters.kind.${k}`), selected: k === c.kind })));
    // Focus stays on the button pressed, unless the move disabled it (first or last now).
    const move = (to, key) => () => {
      const stuck = (key === "up" && to === 1) || (key === "down" && to === count);
      focusNext = `${stuck ? (key === "up" ? "down" : "up") : key}:${c.id}`;
      op("cluster.update", { id: c.id, position: to });
    };
    const tools = el("div", { class: "cluster-tools" }, kindSelect,
      el("button", { type: "button", "data-focus": `up:${c.id}`, disabled: i === 0, onclick: move(i, "up"),
                     "aria-label": t("clusters.up_of", { label: c.label }), text: t("clusters.up") }),
      el("button", { type: "button", "data-focus": `down:${c.id}`, disabled: i === count - 1, onclick: move(i + 2, "down"),
                     "aria-label": t("clusters.down_of", { label: c.label }), text: t("clusters.down") }),
      el("button", { type: "button", class: "danger", "data-focus": `delete:${c.id}`,
                     "aria-label": t("clusters.delete_of", { label: c.label }), text: t("clusters.delete"),
                     onclick: () => { if (confirm(t("clusters.delete_confirm", { label: c.label }))) { focusNext = "new-label"; op("cluster.delete", { id: c.id }); } } }));
    const members = clusterNotes(c, index);
    const notes = el("ul", { class: "cluster-notes" });
    if (!members.length) notes.append(el("li", { class: "muted small", text: t("clusters.empty") }));
    for (const { note, group } of members) {
      notes.append(el("li", { class: `fw-note c-${note.colour || "yellow"}` },
        el("span", { class: "cluster-group small", text: group.name }),
        el("span", { class: "fw-text", text: note.step ? `${note.step}. ${note.text}` : note.text }),
        el("button", { type: "button", class: "cluster-remove", "data-focus": `remove:${c.id}:${note.id}`,
                       "aria-label": t("clusters.remove_of", { text: note.text, label: c.label }), text: t("clusters.remove"),
                       onclick: () => { focusNext = `add-select:${c.id}`; op("cluster.remove", { id: c.id, note_id: note.id }); } })));
    }
    const picker = notePicker(c, index);
    const add = el("button", { type: "button", "data-focus": `add:${c.id}`, text: t("clusters.add"),
                               onclick: () => { if (picker.value) { focusNext = `add-select:${c.id}`; op("cluster.add", { id: c.id, note_id: picker.value }); } } });
    return el("li", { class: `cluster-item kind-${c.kind}`, "data-cluster": c.id },
      el("div", { class: "cluster-head" }, el("span", { class: "cluster-no", text: `${i + 1}.` }), name, tools),
      notes, el("div", { class: "row cluster-add" }, picker, add));
  }

  // Every shared note not in the cluster yet, by group and section.
  function notePicker(c, index) {
    const taken = new Set((c.notes || []).map((m) => m.note_id));
    const select = el("select", { class: "cluster-pick", "data-focus": `add-select:${c.id}`,
                                  "aria-label": t("clusters.pick_for", { label: c.label }) },
      el("option", { value: "", text: t("clusters.pick") }));
    for (const g of groups()) {
      for (const s of template.sections) {
        const found = [...index.values()].filter(({ note, group }) => group.id === g.id && note.section === s.key && !taken.has(note.id))
          .map(({ note }) => note).sort((a, b) => (a.lane || "").localeCompare(b.lane || "") || (a.step ?? 0) - (b.step ?? 0));
        if (!found.length) continue;
        select.append(el("optgroup", { label: `${g.name} · ${s.title}` },
          found.map((n) => el("option", { value: n.id, text: n.step ? `${n.step}. ${n.text}` : n.text || "…" }))));
      }
    }
    return select;
  }

  function drawComparison(box, clusters) {
    const found = comparisons(template, groups(), roomOf, clusters);
    box.append(el("h3", { text: t("clusters.compare_title") }));
    if (!found.length) { box.append(el("p", { class: "muted small", text: t("clusters.compare_none") })); return; }
    for (const cmp of found) box.append(comparisonTable(cmp));
  }

  // At most five redraws a second: every note written in any group may change what is here.
  function schedule() { if (!timer) timer = setTimeout(render, 200); }
  return { render, changed: schedule };
}
