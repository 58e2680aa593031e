import { duration, ms, pct } from "../format.ts";
import { latencyChart } from "./chart.ts";
import { html, type Markup } from "./html.ts";
import { BAR_KEY, env, page, statusTag, strip, timeTag } from "./layout.ts";
import { incidentSummary } from "./incidents.ts";
import type { SiteModel, SiteService } from "./model.ts";

/** services/<id>.html: a year of daily bars, the response-time chart, the uptime table and its incidents. */
export function renderService(model: SiteModel, s: SiteService): string {
  const incidents = model.allIncidents.filter((i) => s.incidents.includes(i.slug));
  // A year of bars in four rows of about three months, oldest first.
  const rows: Markup[] = [];
  const size = Math.ceil(s.days.length / 4);
  for (let i = 0; i < s.days.length; i += size) {
    const part = s.days.slice(i, i + size);
    rows.push(
      html`${strip(part, `${s.name}: daily uptime`)}<p class="axis" aria-hidden="true"><span>${part[0]!.day}</span><span>${part[part.length - 1]!.day}</span></p>`,
    );
  }
  const body = html`<p><a href="../index.html">← All services</a></p>
<div class="row"><h1>${s.name}</h1>${statusTag(s.status)}</div>
<p class="note">${env(s.environment)}${s.description ? html` · ${s.description}` : ""}${s.checkedAt ? html` · last check ${timeTag(s.checkedAt)}` : ""}${s.since ? html` · ${s.status} since ${timeTag(s.since)}` : ""}</p>
${s.reason && s.status !== "up" ? html`<p class="reason">${s.reason}</p>` : ""}
<h2>Uptime, day by day (365 days)</h2>${rows}${BAR_KEY}
<h2>Response time (${s.latency.length} days)</h2>${latencyChart(s.latency, s.name, `chart-${s.id}`)}
<h2>Uptime by window</h2><div class="wrap" tabindex="0" role="region" aria-label="Uptime by window"><table><thead><tr><th scope="col">Window</th><th scope="col" class="n">Uptime</th><th scope="col" class="n">Downtime</th><th scope="col" class="n">Maintenance</th><th scope="col" class="n">No data</th></tr></thead>
<tbody>${s.windows.map((w) => html`<tr><th scope="row">Last ${w.label}</th><td class="n">${pct(w.uptime)}</td><td class="n">${duration(w.downMs)}</td><td class="n">${duration(w.maintenanceMs)}</td><td class="n">${duration(w.unknownMs)}</td></tr>`)}</tbody></table></div>
<p class="note">p95 over the last 24 hours: ${ms(s.p95h24)}.</p>
<h2>Incidents</h2>${incidents.length ? incidents.map((i) => incidentSummary(i, "../", model.builtAt)) : html`<p>No incidents recorded in the last year.</p>`}`;
  return page({
    model,
    title: `${s.name}: ${model.title}`,
    root: "../",
    body,
    description: `Status, uptime and incidents of ${s.name}`,
  });
}
