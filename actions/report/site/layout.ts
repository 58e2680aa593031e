import type { Status } from "../../shared/status.ts";
import { duration, pct, utc } from "../format.ts";
import type { Overall } from "../model.ts";
import { html, type Markup, raw } from "./html.ts";
import type { DayBar, SiteModel } from "./model.ts";
import { STYLE } from "./style.ts";

/** The frame every page shares (head, header, stale-data banner, footer) and small shared pieces. */
export const OVERALL_TEXT: Record<Overall, string> = {
  operational: "All systems operational",
  degraded: "Degraded performance",
  partial: "Partial outage",
  major: "Major outage",
  offline: "The last run could not check (the runner was offline)",
  nodata: "No checks recorded yet",
};

export const STATUS_TEXT: Record<Status, string> = {
  up: "Operational",
  degraded: "Degraded",
  down: "Down",
  unknown: "Unknown",
  maintenance: "Maintenance",
};

/**
 * Shows the stale-data banner when the reader's clock is past the time the next runs should have
 * refreshed the data. Without script, the banner is there only if the data was already stale when
 * the site was built; the time of the data is shown either way.
 */
const STALE_SCRIPT = `(function(){var s=document.getElementById("stale");if(s&&Date.now()>Date.parse(s.getAttribute("data-stale-after")))s.hidden=false;})();`;

export interface PageInput {
  model: SiteModel;
  title: string;
  /** "" for pages at the root, "../" for pages one folder down. */
  root: string;
  body: Markup;
  description?: string;
}

export function page({ model, title, root, body, description }: PageInput): string {
  const logo = model.logo
    ? /^https?:\/\//.test(model.logo)
      ? model.logo
      : `${root}${model.logo.replace(/^\/+/, "")}`
    : undefined;
  const doc = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><meta name="description" content="${description ?? `Current status, uptime and incidents: ${model.title}`}">
<meta name="color-scheme" content="light dark">
<link rel="alternate" type="application/atom+xml" title="${model.title}: incidents (Atom)" href="${root}feed.atom">
<link rel="alternate" type="application/rss+xml" title="${model.title}: incidents (RSS)" href="${root}feed.rss">
<link rel="alternate" type="application/feed+json" title="${model.title}: incidents (JSON Feed)" href="${root}feed.json">
<style>${raw(STYLE)}</style></head>
<body><header><a class="brand" href="${root}index.html">${logo ? html`<img src="${logo}" alt="">` : ""}<span>${model.title}</span></a>
<nav aria-label="Site"><ul><li><a href="${root}index.html">Status</a></li><li><a href="${root}incidents.html">Incidents</a></li><li><a href="${root}feed.atom">Atom</a></li><li><a href="${root}feed.rss">RSS</a></li><li><a href="${root}feed.json">JSON Feed</a></li><li><a href="${root}status.json">status.json</a></li></ul></nav></header>
<main>${staleBanner(model)}${body}</main>
<footer><p>Data as of ${model.dataAt === undefined ? "— (no run recorded yet)" : timeTag(model.dataAt)}; checks run every ${duration(model.cadenceMs)}. Page built ${timeTag(model.builtAt)}. Uptime counts time, not checks: degraded counts as up; maintenance and unknown time are left out.</p></footer>
<script>${raw(STALE_SCRIPT)}</script>
</body></html>
`;
  return doc.__html;
}

function staleBanner(model: SiteModel): Markup | string {
  if (model.staleAfter === undefined || model.dataAt === undefined) return "";
  return html`<p class="stale" id="stale" role="status" data-stale-after="${new Date(model.staleAfter).toISOString()}"${model.staleAtBuild ? "" : raw(" hidden")}><strong>Stale data.</strong> The newest check is from ${timeTag(model.dataAt)}. Checks run every ${duration(model.cadenceMs)}, so this page should have been refreshed by ${timeTag(model.staleAfter)}: the monitoring may have stopped, and the statuses below may be out of date.</p>`;
}

export function timeTag(at: number | string): Markup {
  const d = new Date(at);
  return html`<time datetime="${d.toISOString()}">${utc(d)}</time>`;
}

export function statusTag(status: Status): Markup {
  return html`<span class="st st-${status}">${STATUS_TEXT[status]}</span>`;
}

/** A bar's colour class: "" is the full-uptime green. */
export function barClass(b: DayBar): string {
  if (b.uptime === undefined) return b.maintenanceMs > 0 ? "m" : "n";
  if (b.uptime >= 99.95) return "";
  if (b.uptime >= 99) return "g";
  if (b.uptime >= 95) return "w";
  return "r";
}

export function barTitle(b: DayBar): string {
  const what = b.uptime === undefined ? (b.maintenanceMs > 0 ? "maintenance" : "no data") : `${pct(b.uptime)} uptime`;
  return `${b.day}: ${what}${b.incidents ? `, ${b.incidents} incident${b.incidents === 1 ? "" : "s"}` : ""}`;
}

/**
 * A strip of daily bars: colour by availability, a tooltip per bar (date, uptime, incidents) and a
 * text equivalent of the whole strip for screen readers. Markup is kept tiny (the home page holds
 * 90 bars per service and must stay under 150 KB).
 */
export function strip(bars: DayBar[], label: string): Markup {
  const cells = bars.map((b) => {
    const cls = barClass(b);
    return `<i${cls ? ` class=${cls}` : ""} title="${barTitle(b)}"></i>`;
  });
  return html`<div class="strip" role="img" aria-label="${stripSummary(bars, label)}">${raw(cells.join(""))}</div>`;
}

export function stripSummary(bars: DayBar[], label: string): string {
  const known = bars.filter((b) => b.uptime !== undefined);
  const full = known.filter((b) => b.uptime! >= 99.995).length;
  const worst = [...known].sort((a, b) => a.uptime! - b.uptime! || a.day.localeCompare(b.day))[0];
  const incidents = bars.reduce((n, b) => n + b.incidents, 0);
  const parts = [
    `${label}, ${bars[0]?.day ?? ""} to ${bars[bars.length - 1]?.day ?? ""}: ${full} of ${bars.length} days at 100%`,
  ];
  if (worst && worst.uptime! < 99.995)
    parts.push(`${known.length - full} with downtime, lowest ${pct(worst.uptime)} on ${worst.day}`);
  if (bars.length - known.length) parts.push(`${bars.length - known.length} without data`);
  if (incidents) parts.push(`incidents on ${bars.filter((b) => b.incidents).length} day(s)`);
  return parts.join("; ");
}

export const BAR_KEY = html`<ul class="key" aria-label="Colour key of the daily bars"><li><i></i>≥ 99.95%</li><li><i class="g"></i>≥ 99%</li><li><i class="w"></i>≥ 95%</li><li><i class="r"></i>below 95%</li><li><i class="m"></i>maintenance</li><li><i class="n"></i>no data</li></ul>`;

export function env(name: string): string {
  return `${name[0]!.toUpperCase()}${name.slice(1)}`;
}
