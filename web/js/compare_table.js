// The procedure comparison as a table, for the control panel and the projector: a row per
// cluster (or per step in no cluster), a column per group; a gap is said, not only drawn.
import { el } from "./api.js";
import { t } from "./i18n.js";

// A comparison as a table: a row per cluster (or per unclustered step), a column per group.
export function comparisonTable({ section, groups, rows }, { large = false } = {}) {
  const table = el("table", { class: large ? "compare-table large" : "compare-table" },
    el("caption", { text: t("clusters.compare_of", { section: section.title }) }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("clusters.compare_cluster") }),
      groups.map((g) => el("th", { scope: "col", text: g.name })))));
  const body = el("tbody");
  for (const row of rows) {
    const agreed = row.cluster && row.cells.every(Boolean);
    body.append(el("tr", { class: row.cluster ? `clustered kind-${row.cluster.kind}${agreed ? " agreed" : ""}` : "" },
      el("th", { scope: "row" }, row.cluster
        ? [el("span", { class: "compare-label", text: row.cluster.label }),
           el("span", { class: "compare-kind", text: t(`clusters.kind.${row.cluster.kind}`) })]
        : [el("span", { class: "muted", "aria-hidden": "true", text: "—" }),
           el("span", { class: "visually-hidden", text: t("clusters.unclustered") })]),
      row.cells.map((n) => el("td", {}, n ? el("span", { text: `${n.step}. ${n.text}` })
        : [el("span", { class: "muted", "aria-hidden": "true", text: "—" }),
           el("span", { class: "visually-hidden", text: t("clusters.no_step") })]))));
  }
  table.append(body);
  return table;
}
