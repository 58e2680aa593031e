import { duration, ms, pct } from "../format.ts";
import { html, type Markup } from "./html.ts";
import { BAR_KEY, env, OVERALL_TEXT, page, statusTag, strip, timeTag } from "./layout.ts";
import { STRIP_DAYS, type MaintenanceItem, type SiteModel, type SiteService } from "./model.ts";

/** index.html: the overall banner, open incidents, maintenance now, then every service by environment. */
export function renderHome(model: SiteModel): string {
  const open = model.incidents.filter((i) => i.open);
  const body = html`<h1 class="sr">${model.title}</h1>
<div class="banner o-${model.overall}" role="status">${OVERALL_TEXT[model.overall]}<small>${model.dataAt === undefined ? "No run recorded yet." : html`As of ${timeTag(model.dataAt)}`}</small></div>
${open.length ? html`<section aria-labelledby="open-h"><h2 id="open-h">Open incidents</h2><ul>${open.map((i) => html`<li><a href="incidents/${i.slug}.html">${i.title}</a>${i.severity ? html` <span class="sev">${i.severity}</span>` : ""}${i.updates.length ? html` — ${phaseLabel(i.updates[i.updates.length - 1]!.phase)}` : ""}</li>`)}</ul></section>` : ""}
${model.maintenance.current.length ? html`<section aria-labelledby="maint-h"><h2 id="maint-h">Maintenance now</h2><ul>${model.maintenance.current.map(maintenanceLine)}</ul></section>` : ""}
${model.environments.map(
  (e) => html`<section aria-labelledby="env-${e.name}"><h2 id="env-${e.name}">${env(e.name)}</h2>
${e.groups.map((g) => html`<p class="group">${statusTag(g.status)} <strong>${g.name}</strong>: ${g.operational === undefined ? "no data yet" : `${g.operational}/${g.total} operational`}${g.reason && g.status !== "up" ? html` <span class="note">(${g.reason})</span>` : ""}</p>`)}
${e.services.map(serviceBlock)}</section>`,
)}
<h2>Key</h2>${BAR_KEY}
<p class="note">Each bar is one UTC day, today on the right. Hover a bar for its date, uptime and incidents; service pages show a year.</p>`;
  return page({ model, title: `${model.title}: ${OVERALL_TEXT[model.overall]}`, root: "", body });
}

function serviceBlock(s: SiteService): Markup {
  const days = s.days.slice(-STRIP_DAYS);
  return html`<div class="svc" id="svc-${s.id}"><div class="row"><h3><a href="services/${s.id}.html">${s.name}</a></h3>${statusTag(s.status)}</div>
${s.reason && s.status !== "up" ? html`<p class="reason">${s.reason}</p>` : ""}<p class="fig">Uptime 24 h <b>${pct(s.uptime.h24)}</b> · 7 d <b>${pct(s.uptime.d7)}</b> · 30 d <b>${pct(s.uptime.d30)}</b> · 90 d <b>${pct(s.uptime.d90)}</b> · p95 24 h <b>${ms(s.p95h24)}</b></p>
${strip(days, `${s.name}: daily uptime`)}<p class="axis" aria-hidden="true"><span>${days[0]?.day}</span><span>${pct(s.uptime.d90)} over 90 days</span><span>today</span></p></div>`;
}

export function phaseLabel(phase: string): string {
  return `${phase[0]!.toUpperCase()}${phase.slice(1)}`;
}

export function maintenanceLine(m: MaintenanceItem): Markup {
  const when =
    m.start !== undefined && m.end !== undefined
      ? html`${timeTag(m.start)} to ${timeTag(m.end)} (${duration(m.end - m.start)})`
      : "";
  return html`<li><strong>${m.services.join(", ")}</strong>: ${m.reason}${when ? html`, ${when}` : ""}${m.every ? html` <span class="note">(${m.every})</span>` : ""}</li>`;
}
