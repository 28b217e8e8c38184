// Reports from the facilitator page: every export format, fetched with the key in an
// Authorization header (a key never goes into a URL), saved under the server's file name.
import { el, toast } from "../api.js";
import { t } from "../i18n.js";

export const FORMATS = [
  { id: "md", query: "format=md", label: "fac.reports.md", ext: "md" },
  { id: "json", query: "format=json", label: "fac.reports.json", ext: "json" },
  { id: "csv", query: "format=csv&table=notes", label: "fac.reports.csv", ext: "csv" },
  { id: "timing", query: "format=csv&table=timing", label: "fac.reports.timing", ext: "csv", part: "-timing" },
  { id: "docx", query: "format=docx", label: "fac.reports.docx", ext: "docx" },
];

// The file name from Content-Disposition, or one made the way the server makes it.
export function fileName(header, code, format) {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header || "");
  if (m) {
    const name = decodeURIComponent(m[1]).replace(/[\\/]/g, "_");
    if (name) return name;
  }
  return `flipchart-${code}${format.part || ""}.${format.ext}`;
}

// Fetches one report with the key in a header and saves it under the server's file name;
// rejects with a sentence to show when the server refuses.
export async function saveExport(code, token, format, { fetch: send = globalThis.fetch } = {}) {
  const res = await send(`/api/workshops/${encodeURIComponent(code)}/export?${format.query}`,
    { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(t("fac.reports.failed", { status: res.status }));
  const url = URL.createObjectURL(await res.blob());
  const a = el("a", { href: url, download: fileName(res.headers.get("Content-Disposition"), code, format), class: "hidden" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function download(code, token, format, button) {
  button.setAttribute("aria-busy", "true");
  try {
    await saveExport(code, token, format);
  } catch (err) {
    toast(err.message);
  } finally {
    button.removeAttribute("aria-busy");
  }
}

// Fills `root` (the report buttons' box) with one button per format and the handout link.
// The Markdown button keeps the id "export" the page has always had.
export function mountReports(root, { code, token }) {
  for (const format of FORMATS) {
    const button = el("button", { type: "button", id: format.id === "md" ? "export" : `export-${format.id}`,
                                  "data-format": format.id, text: t(format.label) });
    button.addEventListener("click", () => download(code, token, format, button));
    root.append(button);
  }
  root.append(el("a", { class: "button", id: "handout-link", href: `/w/${encodeURIComponent(code)}/handout`,
                        target: "_blank", rel: "noopener" },
    t("fac.reports.handout"), el("span", { class: "visually-hidden", text: ` ${t("fac.new_tab")}` })));
}
