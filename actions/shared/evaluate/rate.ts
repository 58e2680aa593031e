import type { DefaultsConfig, ServiceConfig } from "../config/schema/index.ts";
import { formatDuration } from "../config/schema/units.ts";
import { describeLabels, worstSeries } from "../probe/prometheus/answer.ts";
import type { ProbeMetrics } from "../probe/result.ts";
import type { MetricName } from "../store/latest-schema.ts";
import type { Rating } from "../status.ts";

/** One metric compared with its thresholds, before `for:` (sustain) is applied. */
export interface MetricRating {
  metric: MetricName;
  rating: Rating;
  /** "p95 1.2 s ≥ 800 ms" — what the report and the reason line show. */
  text: string;
  /** How long the breach must last before it counts (`for:`), 0 = at once. */
  sustainMs: number;
  /** A red value that means `down` rather than `degraded`. */
  redIsDown: boolean;
}

/**
 * Rates latency, certificate days and value against the service's thresholds (the success rate,
 * which looks across runs, is rated by `rateSuccess` in success.ts). The runbooks' tables read "green < 800 ms,
 * yellow 800 ms–2 s, red > 2 s" and "green > 95 %, yellow 90–95 %, red < 90 %": the yellow and red
 * numbers are the boundaries, and a boundary value itself belongs to the worse band on the green
 * side (800 ms is yellow, 95 % is yellow) and to the better band on the red side (2 s is yellow).
 */
export function rateMetrics(service: ServiceConfig, defaults: DefaultsConfig, m: ProbeMetrics): MetricRating[] {
  const t = { ...defaults.thresholds, ...service.thresholds };
  const out: MetricRating[] = [];

  if (t.latency && m.okCount > 0) {
    const v = m[t.latency.stat];
    if (v !== undefined) {
      const { yellow, red, stat } = t.latency;
      const rating: Rating = v < yellow ? "green" : v <= red ? "yellow" : "red";
      const bound =
        rating === "red" ? ` > ${formatDuration(red)}` : rating === "yellow" ? ` ≥ ${formatDuration(yellow)}` : "";
      out.push({
        metric: "latency",
        rating,
        text: `${stat} ${formatDuration(v)}${bound}`,
        sustainMs: t.latency.for ?? 0,
        redIsDown: false,
      });
    }
  }

  if (t.certDays && m.certDaysLeft !== undefined) {
    const { yellow, red } = t.certDays;
    const d = m.certDaysLeft;
    const rating: Rating = d >= yellow ? "green" : d >= red ? "yellow" : "red";
    out.push({
      metric: "certDays",
      rating,
      text: `certificate expires in ${Math.floor(d)} days`,
      sustainMs: 0,
      redIsDown: false,
    });
  }

  // Several series without an `aggregate` (prometheus) are rated by the worst of them.
  const worst =
    t.value && m.value === undefined && m.series?.length ? worstSeries(m.series, t.value.direction) : undefined;
  const value = m.value ?? worst?.value;
  if (t.value && value !== undefined) {
    const { yellow, red, direction, unit } = t.value;
    const worse = (v: number, bound: number | undefined) =>
      bound !== undefined && (direction === "above" ? v > bound : v < bound);
    const rating: Rating = worse(value, red) ? "red" : worse(value, yellow) ? "yellow" : "green";
    const op = direction === "above" ? ">" : "<";
    const bound = rating === "red" ? red : rating === "yellow" ? yellow : undefined;
    const u = unit ? ` ${unit}` : "";
    out.push({
      metric: "value",
      rating,
      text: `value ${round(value)}${u}${worst ? ` (${describeLabels(worst.labels)})` : ""}${bound === undefined ? "" : ` ${op} ${bound}${u}`}`,
      sustainMs: t.value.for ?? 0,
      redIsDown: t.value.redStatus === "down",
    });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
