import { readdir } from "node:fs/promises";
import { accumulate, emptyStats, type WindowStats } from "./durations.ts";
import { paths } from "./files.ts";
import {
  DAY_MS,
  dayOf,
  dayStart,
  daysBetween,
  readHistoryDay,
  readHistoryRange,
  type DayRead,
  type TimedRecord,
} from "./history-read.ts";
import { type DayHours, HOUR_MS, readDayHours, summarizeDay, writeDayHours } from "./hours.ts";
import { groupByService } from "./rollup.ts";
import { readRollups } from "./rollup-read.ts";

/**
 * Windows of history for the reports, answered from daily rollups for whole days, from hourly
 * summaries (hours.ts) for the hours of past days the rollups cannot answer (charts, the edges of
 * rolling windows), and from raw records for today and for the part of an hour a window starts
 * or ends inside.
 * Uptime comes from durations between records (store/durations.ts), never from counting runs.
 * What cannot be answered is said: missing days, skipped lines, records dated in the future.
 */
export interface HistoryView {
  /**
   * Stats of one service over [from, to). Time no data covers is unknown. `latency: false` leaves
   * the rolled-up days' histograms out (durations only), which is most of the cost of a long window.
   */
  window(id: string, from: number, to: number, options?: { latency?: boolean }): WindowStats;
  /** Raw records of one service (sorted), for the days loaded raw (today, and yesterday's tail). */
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
  /** Keep the hourly summaries it builds in the data directory's cache (default true; false in a dry run). */
  writeCache?: boolean;
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
  options: { writeCache?: boolean } = {},
): Promise<HistoryView> {
  const edges = [1, 7, 30, 90, 365].map((days) => now - days * DAY_MS);
  return loadHistoryView({
    dataDir,
    now,
    gapLimit: config.retention.gapLimit,
    spanDays: 365,
    rawRecentDays: RAW_RECENT_DAYS,
    edges,
    ...options,
  });
}

export async function loadHistoryView(o: ViewOptions): Promise<HistoryView> {
  const from = Math.floor((o.now - o.spanDays * DAY_MS) / DAY_MS) * DAY_MS;
  const span = daysBetween(from, o.now + 1);
  const years = new Set(span.map((d) => d.slice(0, 4)));
  const rollups = await readRollups(o.dataDir, years, { writeCache: o.writeCache !== false });
  const rawOnDisk = new Set(await listRaw(o.dataDir));
  const recentFrom = dayOf(o.now - o.rawRecentDays * DAY_MS);
  const edgeDays = new Set((o.edges ?? [o.now - o.spanDays * DAY_MS]).map(dayOf));
  const wanted = new Set<string>();
  for (const day of span) {
    if (!rawOnDisk.has(day)) continue;
    // Whole rolled-up days come from the rollup; everything else is read raw.
    if (day >= recentFrom || !rollups.hasDay(day) || edgeDays.has(day)) wanted.add(day);
  }
  for (const day of [...wanted]) {
    const prev = dayOf(dayStart(day) - DAY_MS);
    if (rawOnDisk.has(prev)) wanted.add(prev);
  }
  const problems = [...rollups.problems];
  const byId = new Map<string, TimedRecord[]>();
  let future = 0;
  const today = dayOf(o.now);
  const days = [...wanted].sort();
  const rawLoaded = new Set(days);
  const allIds = new Set<string>();

  // Past days come from their hourly summaries: cached, or built now from the day and the tail of
  // the day before. Today, and any day a summary cannot stand for, is read raw.
  const summaries = new Map<string, DayHours>();
  const dayProblems = new Map<string, string[]>();
  const build: string[] = [];
  for (const day of days) {
    const cached = day < today ? readDayHours(o.dataDir, day, { writeCache: o.writeCache !== false }) : undefined;
    if (cached && cached.maxT <= o.now) {
      summaries.set(day, cached);
      dayProblems.set(day, cached.problems);
      for (const id of cached.seen) allIds.add(id);
    } else build.push(day);
  }
  const reads = new Map<string, Promise<DayRead>>();
  const read = (day: string) => {
    let p = reads.get(day);
    if (!p) {
      p = readHistoryDay(o.dataDir, day);
      reads.set(day, p);
    }
    return p;
  };
  for (const day of build) {
    const own = await read(day);
    dayProblems.set(day, own.problems);
    const kept = own.records.filter((r) => r.t <= o.now);
    future += own.records.length - kept.length;
    for (const r of kept) allIds.add(r.id);
    if (day >= today) {
      for (const r of kept) push(byId, r);
      continue;
    }
    const prev = dayOf(dayStart(day) - DAY_MS);
    const tailFrom = dayStart(day) - o.gapLimit;
    const tail = (
      build.includes(prev) ? (await read(prev)).records : readHistoryRange(o.dataDir, prev, tailFrom, dayStart(day))
    ).filter((r) => r.t >= tailFrom && r.t <= o.now);
    const grouped = groupByService([
      { day: prev, exists: true, records: tail, problems: [] },
      { day, exists: true, records: kept, problems: [] },
    ]);
    const hours = summarizeDay(day, grouped, o.gapLimit, {
      problems: own.problems,
      seen: [...new Set(kept.map((r) => r.id))],
      maxT: kept.reduce((m, r) => Math.max(m, r.t), 0),
    });
    summaries.set(day, hours);
    if (o.writeCache !== false && kept.length === own.records.length) writeDayHours(o.dataDir, day, hours);
  }
  for (const day of days) problems.push(...(dayProblems.get(day) ?? []));
  // The raw days' first records continue the day before: its tail, read on its own if summarised.
  for (const day of days) {
    if (!summaries.has(day) && summaries.has(dayOf(dayStart(day) - DAY_MS))) {
      const from = dayStart(day) - o.gapLimit;
      for (const r of readHistoryRange(o.dataDir, dayOf(from), from, dayStart(day))) if (r.t <= o.now) push(byId, r);
    }
  }
  for (const list of byId.values()) list.sort((a, b) => a.t - b.t);
  for (const id of byId.keys()) allIds.add(id);
  const firstDay = span.find((d) => rollups.hasDay(d) || rawOnDisk.has(d));
  for (const id of rollups.ids()) allIds.add(id);

  /** Raw records of [from, to) by service, read when a window starts or ends inside a summarised hour. */
  const ranges = new Map<string, Map<string, TimedRecord[]>>();
  const texts = new Map<string, string>();
  function rangeRecords(id: string, from: number, to: number): readonly TimedRecord[] {
    const k = `${from}:${to}`;
    let grouped = ranges.get(k);
    if (!grouped) {
      const records = daysBetween(from, to)
        .flatMap((d) => readHistoryRange(o.dataDir, d, from, to, texts))
        .filter((r) => r.t <= o.now);
      grouped = groupByService([{ day: "", exists: true, records, problems: [] }]);
      ranges.set(k, grouped);
    }
    return grouped.get(id) ?? [];
  }

  /** [segFrom, segTo) inside a summarised day: whole hours from the summary, parts of hours from raw records. */
  function addHours(
    out: WindowStats,
    id: string,
    hours: DayHours,
    dFrom: number,
    segFrom: number,
    segTo: number,
  ): void {
    for (let h = Math.floor((segFrom - dFrom) / HOUR_MS); h * HOUR_MS + dFrom < segTo; h++) {
      const hFrom = dFrom + h * HOUR_MS;
      const a = Math.max(segFrom, hFrom);
      const b = Math.min(segTo, hFrom + HOUR_MS);
      if (a === hFrom && b === hFrom + HOUR_MS) {
        if (!hours.addHour(out, id, h)) out.ms.unknown += HOUR_MS;
      } else accumulate(rangeRecords(id, a - o.gapLimit, b), a, b, o.gapLimit, out);
    }
  }

  function window(id: string, wFrom: number, wTo: number, options: { latency?: boolean } = {}): WindowStats {
    const latency = options.latency ?? true;
    const out = emptyStats();
    const records = byId.get(id) ?? [];
    for (const day of daysBetween(wFrom, wTo)) {
      const dFrom = dayStart(day);
      const segFrom = Math.max(wFrom, dFrom);
      const segTo = Math.min(wTo, dFrom + DAY_MS);
      const whole = segFrom === dFrom && segTo === dFrom + DAY_MS;
      if (rollups.hasDay(day) && (whole || !rawLoaded.has(day))) {
        // Part of a day whose raw records are gone is prorated (latencies then left out, not guessed).
        if (!rollups.addTo(out, day, id, whole ? 1 : (segTo - segFrom) / DAY_MS, latency))
          out.ms.unknown += segTo - segFrom;
      } else if (rawLoaded.has(day)) {
        const hours = summaries.get(day);
        if (hours) addHours(out, id, hours, dFrom, segFrom, segTo);
        else accumulate(records, segFrom, segTo, o.gapLimit, out);
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
    missingDays: (mFrom, mTo) => daysBetween(mFrom, mTo).filter((d) => !rollups.hasDay(d) && !rawLoaded.has(d)),
    problems,
    future,
    ...(firstDay !== undefined && { firstDay }),
  };
}

function push(byId: Map<string, TimedRecord[]>, r: TimedRecord): void {
  const list = byId.get(r.id);
  if (list) list.push(r);
  else byId.set(r.id, [r]);
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
