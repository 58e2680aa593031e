import { readdir } from "node:fs/promises";
import { accumulate, emptyStats, type WindowStats } from "./durations.ts";
import { paths } from "./files.ts";
import { mergeInto } from "./histogram.ts";
import { DAY_MS, dayOf, dayStart, daysBetween, readHistoryDay, type TimedRecord } from "./history-read.ts";
import { readRollups, type RollupLine } from "./rollup.ts";
import { STATUSES } from "../status.ts";

/**
 * Windows of history for the reports, answered from daily rollups for whole days and from raw
 * records for partial days (today, the edge of a rolling window) and for days not yet rolled up.
 * Uptime comes from durations between records (store/durations.ts), never from counting runs.
 * What cannot be answered is said: missing days, skipped lines, records dated in the future.
 */
export interface HistoryView {
  /**
   * Stats of one service over [from, to). Time no data covers is unknown. `latency: false` leaves
   * the rolled-up days' histograms out (durations only), which is most of the cost of a long window.
   */
  window(id: string, from: number, to: number, options?: { latency?: boolean }): WindowStats;
  /** Raw records of one service (sorted), for the days loaded raw. */
  records(id: string): readonly TimedRecord[];
  /** Service ids seen anywhere in the loaded history. */
  ids(): string[];
  /** Days inside the loaded span with neither a rollup nor a raw file. */
  missingDays(from: number, to: number): string[];
  /** The first day of the span with any history (rollup or raw file). */
  firstDay?: string;
  problems: string[];
  /** Records dated after the report time (a runner clock ahead), left out. */
  future: number;
}

export interface ViewOptions {
  dataDir: string;
  now: number;
  gapLimit: number;
  /** How far back windows may reach (the longest report window). */
  spanDays: number;
  /** Days back from now that are always loaded raw (charts, burn-rate windows). */
  rawRecentDays: number;
  /**
   * Starts of the rolling windows that will be asked for; their first (partial) day is read raw
   * so the window is exact. Default: now − spanDays.
   */
  edges?: number[];
}

/** Days of raw history always read (7-day charts, the 3-day burn window), the rest from rollups. */
const RAW_RECENT_DAYS = 8;

/**
 * The history one run reads, once: a year back, exact on the rolling windows' edges (24 h, 7 d,
 * 30 d, 90 d, a year). The burn-rate alerts, every report and the status site are answered from
 * this one view.
 */
export function loadRunView(
  dataDir: string,
  config: { retention: { gapLimit: number } },
  now: number,
): Promise<HistoryView> {
  const edges = [1, 7, 30, 90, 365].map((days) => now - days * DAY_MS);
  return loadHistoryView({
    dataDir,
    now,
    gapLimit: config.retention.gapLimit,
    spanDays: 365,
    rawRecentDays: RAW_RECENT_DAYS,
    edges,
  });
}

export async function loadHistoryView(o: ViewOptions): Promise<HistoryView> {
  const from = Math.floor((o.now - o.spanDays * DAY_MS) / DAY_MS) * DAY_MS;
  const span = daysBetween(from, o.now + 1);
  const years = new Set(span.map((d) => d.slice(0, 4)));
  const rollups = await readRollups(o.dataDir, years);
  const rawOnDisk = new Set(await listRaw(o.dataDir));
  const recentFrom = dayOf(o.now - o.rawRecentDays * DAY_MS);
  const edgeDays = new Set((o.edges ?? [o.now - o.spanDays * DAY_MS]).map(dayOf));
  const wanted = new Set<string>();
  for (const day of span) {
    if (!rawOnDisk.has(day)) continue;
    // Whole rolled-up days come from the rollup; everything else is read raw.
    if (day >= recentFrom || !rollups.days.has(day) || edgeDays.has(day)) wanted.add(day);
  }
  for (const day of [...wanted]) {
    const prev = dayOf(dayStart(day) - DAY_MS);
    if (rawOnDisk.has(prev)) wanted.add(prev);
  }
  const problems = [...rollups.problems];
  const byId = new Map<string, TimedRecord[]>();
  let future = 0;
  const reads = await Promise.all([...wanted].sort().map((d) => readHistoryDay(o.dataDir, d)));
  for (const read of reads) {
    problems.push(...read.problems);
    for (const r of read.records) {
      if (r.t > o.now) {
        future++;
        continue;
      }
      const list = byId.get(r.id);
      if (list) list.push(r);
      else byId.set(r.id, [r]);
    }
  }
  for (const list of byId.values()) list.sort((a, b) => a.t - b.t);
  const rawLoaded = new Set(reads.filter((r) => r.exists).map((r) => r.day));
  const firstDay = span.find((d) => rollups.days.has(d) || rawOnDisk.has(d));
  const allIds = new Set(byId.keys());
  for (const lines of rollups.days.values()) for (const id of lines.keys()) allIds.add(id);

  function window(id: string, wFrom: number, wTo: number, options: { latency?: boolean } = {}): WindowStats {
    const latency = options.latency ?? true;
    const out = emptyStats();
    const records = byId.get(id) ?? [];
    for (const day of daysBetween(wFrom, wTo)) {
      const dFrom = dayStart(day);
      const segFrom = Math.max(wFrom, dFrom);
      const segTo = Math.min(wTo, dFrom + DAY_MS);
      const rolled = rollups.days.get(day);
      const whole = segFrom === dFrom && segTo === dFrom + DAY_MS;
      if (rolled && (whole || !rawLoaded.has(day))) {
        addRollup(out, rolled.get(id), whole ? 1 : (segTo - segFrom) / DAY_MS, segTo - segFrom, latency);
      } else if (rawLoaded.has(day)) {
        accumulate(records, segFrom, segTo, o.gapLimit, out);
      } else {
        out.ms.unknown += segTo - segFrom;
      }
    }
    return out;
  }

  return {
    window,
    records: (id) => byId.get(id) ?? [],
    ids: () => [...allIds].sort(),
    missingDays: (mFrom, mTo) => daysBetween(mFrom, mTo).filter((d) => !rollups.days.has(d) && !rawLoaded.has(d)),
    problems,
    future,
    ...(firstDay !== undefined && { firstDay }),
  };
}

/**
 * Adds a rollup line; for part of a day whose raw records are gone, its durations are prorated
 * (latencies are then left out rather than guessed).
 */
function addRollup(
  out: WindowStats,
  line: RollupLine | undefined,
  share: number,
  length: number,
  latency: boolean,
): void {
  if (!line) {
    out.ms.unknown += length;
    return;
  }
  for (const s of STATUSES) out.ms[s] += line.ms[s] * share;
  if (share !== 1) return;
  out.runs += line.runs;
  out.ok += line.ok;
  out.n += line.n;
  if (latency) mergeInto(out.hist, line.hist);
}

async function listRaw(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(paths.historyDir(dataDir)))
      .filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n))
      .map((n) => n.slice(0, 10));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`cannot list ${paths.historyDir(dataDir)}`, { cause: e });
  }
}
