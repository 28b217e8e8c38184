// The privacy page says this server's retention, from GET /api/limits.
import { get } from "./api.js";
import { loadMessages, formatNumber, translatePage } from "./i18n.js";
import { mountLanguageSwitch } from "./language-switch.js";

loadMessages().catch(() => {}).then(() => { translatePage(); mountLanguageSwitch(); });

get("/api/limits").then((limits) => {
  const days = Number(limits.retention_days);
  if (Number.isInteger(days) && days > 0) document.getElementById("retention-days").textContent = formatNumber(days);
}).catch(() => { /* the default stays shown */ });
