import { STATUSES, type Status } from "../status.ts";
import type { TimedRecord } from "./history-read.ts";
import { addSample, type Histogram } from "./histogram.ts";

/**
 * The uptime rule. Runs on Actions are irregular (a "*\/5" cron often starts 10–20 minutes late),
 * so time, not runs, is what counts: a record's status holds from its time until the next record
 * of the same service, but never longer than `gapLimit`; time not covered that way is `unknown`.
 * Maintenance is its own status, so it is never confused with downtime.
 */
export type Durations = Record<Status, number>;

export function emptyDurations(): Durations {
  return { up: 0, degraded: 0, down: 0, unknown: 0, maintenance: 0 };
}

export function addDurations(into: Durations, add: Partial<Durations>): Durations {
  for (const s of STATUSES) into[s] += add[s] ?? 0;
  return into;
}

export function totalOf(d: Durations): number {
  return d.up + d.degraded + d.down + d.unknown + d.maintenance;
}

export interface WindowStats {
  ms: Durations;
  /** Records inside the window and the samples they hold. */
  runs: number;
  ok: number;
  n: number;
  hist: Histogram;
}

export function emptyStats(): WindowStats {
  return { ms: emptyDurations(), runs: 0, ok: 0, n: 0, hist: {} };
}

/** First index whose time is ≥ t (records sorted by time). */
export function lowerBound(records: readonly TimedRecord[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds the window [from, to) of ONE service's records (sorted by time) to `into`. The window's
 * length is fully accounted for: whatever no record covers is added as unknown.
 */
export function accumulate(
  records: readonly TimedRecord[],
  from: number,
  to: number,
  gapLimit: number,
  into: WindowStats = emptyStats(),
): WindowStats {
  if (to <= from) return into;
  let covered = 0;
  for (let i = lowerBound(records, from - gapLimit); i < records.length; i++) {
    const r = records[i]!;
    if (r.t >= to) break;
    const next = records[i + 1];
    const end = Math.min(next ? next.t : Infinity, r.t + gapLimit, to);
    const start = Math.max(r.t, from);
    if (end > start) {
      into.ms[r.s] += end - start;
      covered += end - start;
    }
    if (r.t >= from) {
      into.runs++;
      into.ok += r.ok;
      into.n += r.n;
      for (const ms of r.l) addSample(into.hist, ms);
    }
  }
  into.ms.unknown += to - from - covered;
  return into;
}

/** Availability in percent: degraded counts as available; unknown and maintenance are left out. */
export function availability(d: Durations): number | undefined {
  const known = d.up + d.degraded + d.down;
  return known === 0 ? undefined : ((d.up + d.degraded) / known) * 100;
}
