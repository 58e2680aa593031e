import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { accumulate, emptyStats, type WindowStats } from "./durations.ts";
import { paths } from "./files.ts";
import { STATUSES } from "../status.ts";
import { DAY_MS, dayOf, dayStart, type TimedRecord } from "./history-read.ts";

/**
 * Hourly summaries of past raw days: per service, the stats of each whole UTC hour, exactly what
 * `accumulate` gives over that hour (durations, runs, samples, latency histogram). Reports ask
 * for hour-aligned buckets (the 24 h and 7 d charts) and whole days; with these, a year of
 * reports reads the raw records of today only, plus the few hours a rolling window starts inside.
 *
 * They are a cache, never a source of truth: `<data>/.ops-cache/hours/<day>.json`, outside
 * reports/ (never committed; the folder ignores itself), keyed by the size and modification time
 * of the day's raw file and of the day before (whose tail the first hour reads). A summary whose
 * key does not match, or that cannot be read, is rebuilt from the raw files.
 */
export const HOUR_MS = 3_600_000;
const VERSION = 1;

export interface DayHours {
  /** service id → the 24 hours' stats (an hour without any record in reach is absent). */
  byId: Map<string, Array<WindowStats | undefined>>;
  /** Lines of the day's raw file that were skipped, as the raw read reported them. */
  problems: string[];
  /** Services with a record in the day's own file. */
  seen: string[];
  /** The latest record time in the day's file (a view at an earlier time cannot use the summary). */
  maxT: number;
}

interface CacheFile {
  v: number;
  key: string;
  problems: string[];
  seen: string[];
  maxT: number;
  ids: Record<string, Array<[hour: number, stats: WindowStats]>>;
}

export const cacheDir = (dataDir: string) => join(dataDir, ".ops-cache");
const cacheFile = (dataDir: string, day: string) => join(cacheDir(dataDir), "hours", `${day}.json`);

/** What the summary of `day` depends on: its raw file and the day before, as size and mtime. */
export function sourceKey(dataDir: string, day: string): string | undefined {
  const stamp = (d: string) => {
    try {
      const st = statSync(paths.historyFile(dataDir, d));
      return `${st.size}@${st.mtimeMs}`;
    } catch {
      return "-";
    }
  };
  const own = stamp(day);
  return own === "-" ? undefined : `${own}/${stamp(dayOf(dayStart(day) - DAY_MS))}`;
}

export function readDayHours(dataDir: string, day: string, key: string): DayHours | undefined {
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(readFileSync(cacheFile(dataDir, day), "utf8")) as CacheFile;
  } catch {
    return undefined;
  }
  if (
    parsed?.v !== VERSION ||
    parsed.key !== key ||
    !Array.isArray(parsed.problems) ||
    !Array.isArray(parsed.seen) ||
    typeof parsed.maxT !== "number"
  )
    return undefined;
  if (typeof parsed.ids !== "object" || parsed.ids === null) return undefined;
  const byId = new Map<string, Array<WindowStats | undefined>>();
  for (const [id, hours] of Object.entries(parsed.ids)) {
    if (!Array.isArray(hours)) return undefined;
    const list: Array<WindowStats | undefined> = new Array(24).fill(undefined);
    for (const entry of hours) {
      if (!Array.isArray(entry) || typeof entry[0] !== "number" || entry[0] < 0 || entry[0] > 23 || !isStats(entry[1]))
        return undefined;
      list[entry[0]] = entry[1];
    }
    byId.set(id, list);
  }
  return { byId, problems: parsed.problems, seen: parsed.seen, maxT: parsed.maxT };
}

function isStats(s: unknown): s is WindowStats {
  if (typeof s !== "object" || s === null) return false;
  const o = s as Record<string, unknown>;
  const ms = o.ms as Record<string, unknown> | null;
  return (
    typeof ms === "object" &&
    ms !== null &&
    STATUSES.every((k) => typeof ms[k] === "number") &&
    typeof o.runs === "number" &&
    typeof o.ok === "number" &&
    typeof o.n === "number" &&
    typeof o.hist === "object" &&
    o.hist !== null
  );
}

/** Best effort: a cache that cannot be written is rebuilt next time. */
export function writeDayHours(dataDir: string, day: string, key: string, hours: DayHours): void {
  const ids: CacheFile["ids"] = {};
  for (const [id, list] of hours.byId) ids[id] = list.flatMap((s, h) => (s ? [[h, s] as [number, WindowStats]] : []));
  const file = cacheFile(dataDir, day);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      join(cacheDir(dataDir), ".gitignore"),
      "# A cache of summaries derived from reports/history; rebuilt when missing.\n*\n",
    );
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify({
        v: VERSION,
        key,
        problems: hours.problems,
        seen: hours.seen,
        maxT: hours.maxT,
        ids,
      } satisfies CacheFile),
    );
    renameSync(tmp, file);
  } catch {
    // A read-only checkout: the summaries are computed again on the next run.
  }
}

/**
 * The hours of `day` for every service, from that service's records (sorted by time) covering the
 * day and the tail of the day before.
 */
export function summarizeDay(
  day: string,
  byId: ReadonlyMap<string, readonly TimedRecord[]>,
  gapLimit: number,
): Map<string, Array<WindowStats | undefined>> {
  const from = dayStart(day);
  const out = new Map<string, Array<WindowStats | undefined>>();
  for (const [id, records] of byId) {
    const hours: Array<WindowStats | undefined> = new Array(24).fill(undefined);
    let any = false;
    for (let h = 0; h < 24; h++) {
      const hFrom = from + h * HOUR_MS;
      const stats = accumulate(records, hFrom, hFrom + HOUR_MS, gapLimit, emptyStats());
      // An hour no record reaches is all unknown: left out, and read back as such.
      if (stats.ms.unknown === HOUR_MS && stats.runs === 0) continue;
      hours[h] = stats;
      any = true;
    }
    if (any) out.set(id, hours);
  }
  return out;
}
