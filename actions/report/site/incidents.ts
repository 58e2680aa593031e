import { duration } from "../format.ts";
import { phaseLabel, maintenanceLine } from "./home.ts";
import { html, type Markup } from "./html.ts";
import { page, timeTag } from "./layout.ts";
import { INCIDENT_DAYS, type SiteIncident, type SiteModel } from "./model.ts";

/** incidents.html (open, then the last 90 days, and maintenance) and incidents/<slug>.html. */
export function renderIncidents(model: SiteModel): string {
  const open = model.incidents.filter((i) => i.open);
  const past = model.incidents.filter((i) => !i.open);
  const body = html`<h1>Incidents and maintenance</h1>
<h2>Open incidents</h2>${open.length ? open.map((i) => incidentSummary(i, "", model.builtAt)) : html`<p>No open incidents.</p>`}
<h2>Past ${INCIDENT_DAYS} days</h2>${past.length ? past.map((i) => incidentSummary(i, "", model.builtAt)) : html`<p>No incidents in the last ${INCIDENT_DAYS} days.</p>`}
<h2>Maintenance now</h2>${model.maintenance.current.length ? html`<ul>${model.maintenance.current.map(maintenanceLine)}</ul>` : html`<p>None.</p>`}
<h2>Upcoming maintenance</h2>${model.maintenance.upcoming.length ? html`<ul>${model.maintenance.upcoming.map(maintenanceLine)}</ul>` : html`<p>None scheduled.</p>`}`;
  return page({ model, title: `Incidents: ${model.title}`, root: "", body });
}

export function durationOf(i: SiteIncident, now: number): string {
  if (i.startedAt === undefined) return "unknown";
  return i.open
    ? `ongoing for ${duration(now - i.startedAt)}`
    : i.endedAt !== undefined
      ? duration(i.endedAt - i.startedAt)
      : "unknown";
}

/** One incident as a card: title, severity, state, when, how long, and its latest public update. */
export function incidentSummary(i: SiteIncident, root: string, now: number): Markup {
  const latest = i.updates[i.updates.length - 1];
  return html`<article class="inc"><h3><a href="${root}incidents/${i.slug}.html">${i.title}</a></h3>
<p class="note">${i.severity ? html`<span class="sev">${i.severity}</span> ` : ""}${i.open ? "Open" : "Resolved"}${i.startedAt !== undefined ? html` · started ${timeTag(i.startedAt)}` : ""}${i.endedAt !== undefined ? html` · resolved ${timeTag(i.endedAt)}` : ""} · ${durationOf(i, now)}</p>
${latest ? html`<p><span class="phase">${phaseLabel(latest.phase)}</span> (${timeTag(latest.at)}): ${latest.text}</p>` : ""}</article>`;
}

export function renderIncident(model: SiteModel, i: SiteIncident): string {
  const updates = [...i.updates].reverse();
  const body = html`<p><a href="../incidents.html">← All incidents</a></p>
<h1>${i.title}</h1>
<dl class="fig"><dt>Service</dt><dd>${i.subjectId && model.services.some((s) => s.id === i.subjectId) ? html`<a href="../services/${i.subjectId}.html">${i.subject}</a>` : i.subject}</dd>
<dt>Severity</dt><dd>${i.severity ?? "not set"}</dd><dt>State</dt><dd>${i.open ? "Open" : "Resolved"}</dd>
<dt>Started</dt><dd>${i.startedAt !== undefined ? timeTag(i.startedAt) : "unknown"}</dd>
${i.endedAt !== undefined ? html`<dt>Resolved</dt><dd>${timeTag(i.endedAt)}</dd>` : ""}<dt>Duration</dt><dd>${durationOf(i, model.builtAt)}</dd>
${i.url ? html`<dt>Tracking issue</dt><dd><a href="${i.url}">${i.number !== undefined ? `#${i.number}` : "on GitHub"}</a></dd>` : ""}</dl>
<h2>Public updates</h2>${updates.length ? html`<ol class="updates" reversed>${updates.map((u) => html`<li id="update-${String(u.commentId)}"><span class="phase">${phaseLabel(u.phase)}</span> · ${timeTag(u.at)}<p class="upd-text">${u.text}</p></li>`)}</ol>` : html`<p>No public updates posted.</p>`}
<h2>Timeline</h2>${i.timeline.length ? html`<ul class="timeline">${i.timeline.map((e) => html`<li>${timeTag(e.at)}: ${e.text}</li>`)}</ul>` : html`<p>No timeline recorded.</p>`}`;
  return page({ model, title: `${i.title}: ${model.title}`, root: "../", body, description: `Incident: ${i.title}` });
}
