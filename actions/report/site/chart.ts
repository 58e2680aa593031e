import { ms } from "../format.ts";
import { html, type Markup, raw } from "./html.ts";
import type { LatencyPoint } from "./model.ts";

/**
 * The response-time chart as inline SVG: p95 as a solid orange line, p50 as a dashed blue one (so
 * the two differ by more than colour), labelled axes, a legend, a text summary, and the numbers as
 * a table for anyone who cannot see the chart. Colours come from CSS variables (light and dark).
 */
const W = 720;
const H = 260;
const M = { l: 60, r: 16, t: 16, b: 44 };

export function latencyChart(points: LatencyPoint[], name: string, id: string): Markup {
  const known = points.filter((p) => p.p95 !== undefined);
  if (known.length < 2) return html`<p class="note">Not enough response-time data yet for a chart.</p>`;
  const top = niceCeil(Math.max(...known.map((p) => p.p95!)));
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const x = (i: number) => M.l + (points.length === 1 ? 0 : (i * pw) / (points.length - 1));
  const y = (v: number) => M.t + ph - (v / top) * ph;
  const path = (pick: (p: LatencyPoint) => number | undefined) => {
    let d = "";
    let pen = false;
    points.forEach((p, i) => {
      const v = pick(p);
      if (v === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const grid = ticks
    .map(
      (v) =>
        `<line class="grid" x1="${M.l}" x2="${W - M.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text x="${M.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v)}</text>`,
    )
    .join("");
  const every = Math.max(1, Math.ceil(points.length / 6));
  const xLabels = points
    .map((p, i) =>
      i % every === 0 || i === points.length - 1
        ? `<text x="${x(i).toFixed(1)}" y="${H - M.b + 18}" text-anchor="middle">${p.day.slice(5)}</text>`
        : "",
    )
    .join("");
  const p95s = known.map((p) => p.p95!);
  const last = known[known.length - 1]!;
  const summary = `Daily response time of ${name} over ${points.length} days, ${points[0]!.day} to ${points[points.length - 1]!.day}: p95 from ${ms(Math.min(...p95s))} to ${ms(Math.max(...p95s))}; on ${last.day} p50 ${ms(last.p50)} and p95 ${ms(last.p95)}.`;
  const axes = `<text x="14" y="${M.t + ph / 2}" transform="rotate(-90 14 ${M.t + ph / 2})" text-anchor="middle">Response time (ms)</text><text x="${M.l + pw / 2}" y="${H - 6}" text-anchor="middle">Day (UTC, month-day)</text>`;
  const svg = html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d"><title id="${id}-t">Response time, p50 and p95 per day</title><desc id="${id}-d">${summary}</desc>${raw(grid + xLabels + axes)}<path class="l95" d="${path((p) => p.p95)}"/><path class="l50" d="${path((p) => p.p50)}"/></svg>`;
  return html`<figure class="chart"><div class="plot" tabindex="0" role="region" aria-label="Response time chart">${svg}</div><figcaption><ul class="legend"><li><svg width="28" height="10" aria-hidden="true"><line class="l95" x1="0" x2="28" y1="5" y2="5" style="stroke:var(--p95);stroke-width:2.5"/></svg>p95 (solid orange)</li><li><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" style="stroke:var(--p50);stroke-width:2;stroke-dasharray:6 3"/></svg>p50 (dashed blue)</li></ul><p class="note">${summary}</p></figcaption></figure>
<details><summary>Response time as a table</summary><div class="wrap" tabindex="0" role="region" aria-label="Response time per day"><table><thead><tr><th scope="col">Day</th><th scope="col" class="n">p50</th><th scope="col" class="n">p95</th></tr></thead><tbody>${points.map((p) => html`<tr><td>${p.day}</td><td class="n">${ms(p.p50)}</td><td class="n">${ms(p.p95)}</td></tr>`)}</tbody></table></div></details>`;
}

function niceCeil(n: number): number {
  if (n <= 0) return 10;
  const mag = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * mag >= n) return step * mag;
  return 10 * mag;
}
