// The privacy page says this server's retention, from GET /api/limits.
import { get } from "./api.js";

get("/api/limits").then((limits) => {
  const days = Number(limits.retention_days);
  if (Number.isInteger(days) && days > 0) document.getElementById("retention-days").textContent = String(days);
}).catch(() => { /* the default stays shown */ });
