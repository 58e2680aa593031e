import { type SourceStamp, readCacheFile, stampOf, statOf, stillMatches, writeCacheFile } from "./cache-file.ts";
import { accumulate, emptyStats, type WindowStats } from "./durations.ts";
import { paths } from "./files.ts";
import { DAY_MS, dayOf, dayStart, type TimedRecord } from "./history-read.ts";
import { addRow, type StatsTable, StatsTableBuilder, tableArrays, tableFrom } from "./stats-table.ts";

/**
 * Hourly summaries of past raw days: per service, the stats of each whole UTC hour, exactly what
 * `accumulate` gives over that hour (durations, runs, samples, latency histogram). Reports ask
 * for hour-aligned buckets (the 24 h and 7 d charts) and whole days; with these, a year of
 * reports reads the raw records of today only, plus the few hours a rolling window starts inside.
 *
 * They are a cache, never a source of truth: `<data>/.ops-cache/hours/<day>.bin` (cache-file.ts),
 * valid while the day's raw file and the day before (whose tail the first hour reads) are what
 * they were — the same size and time, or the same bytes (a fresh checkout of the same history).
 * A summary that does not match, or cannot be read, is rebuilt from the raw files.
 */
export const HOUR_MS = 3_600_000;

export interface DayHours {
  /** Adds hour `h` (0–23) of service `id` to `out`; false when no record reaches that hour. */
  addHour(out: WindowStats, id: string, h: number): boolean;
  /** Lines of the day's raw file that were skipped, as the raw read reported them. */
  problems: string[];
  /** Services with a record in the day's own file. */
  seen: string[];
  /** The latest record time in the day's file (a view at an earlier time cannot use the summary). */
  maxT: number;
}

/** The packed hours: row per (service index × 24 + hour), −1 for an hour no record reaches. */
interface Packed {
  ids: string[];
  rows: Int32Array;
  table: StatsTable;
}

interface Meta {
  day: string;
  own: SourceStamp;
  /** The day before, or null when it has no raw file. */
  prev: SourceStamp | null;
  problems: string[];
  seen: string[];
  maxT: number;
  ids: string[];
}

const fileOf = (day: string) => `hours/${day}.bin`;
const dayBefore = (day: string) => dayOf(dayStart(day) - DAY_MS);

export function readDayHours(
  dataDir: string,
  day: string,
  options: { writeCache?: boolean } = {},
): DayHours | undefined {
  const read = readCacheFile(dataDir, fileOf(day));
  if (!read) return undefined;
  const meta = read.meta as Meta;
  if (
    typeof meta !== "object" ||
    meta === null ||
    meta.day !== day ||
    !Array.isArray(meta.ids) ||
    !Array.isArray(meta.problems) ||
    !Array.isArray(meta.seen) ||
    typeof meta.maxT !== "number"
  )
    return undefined;
  const own = stillMatches(paths.historyFile(dataDir, day), meta.own);
  if (!own) return undefined;
  const prevFile = paths.historyFile(dataDir, dayBefore(day));
  const prev = meta.prev === null ? null : stillMatches(prevFile, meta.prev);
  if (prev === undefined || (prev === null && statOf(prevFile) !== undefined)) return undefined;
  const table = tableFrom(read.arrays.slice(0, 4));
  const rows = read.arrays[4];
  if (!table || !(rows instanceof Int32Array) || rows.length !== meta.ids.length * 24) return undefined;
  if (rows.some((r) => r >= table.rows)) return undefined;
  const packed: Packed = { ids: meta.ids, rows, table };
  // Only the files' times moved (a fresh checkout of the same bytes): keep the new times.
  if (options.writeCache !== false && (own !== meta.own || prev !== meta.prev))
    writeCacheFile(dataDir, fileOf(day), { ...meta, own, prev }, read.arrays);
  return view(packed, meta);
}

/** Best effort: a cache that cannot be written is rebuilt next time. */
export function writeDayHours(dataDir: string, day: string, hours: DayHours & { packed: Packed }): void {
  const own = stampOf(paths.historyFile(dataDir, day));
  if (!own) return;
  const meta: Meta = {
    day,
    own,
    prev: stampOf(paths.historyFile(dataDir, dayBefore(day))) ?? null,
    problems: hours.problems,
    seen: hours.seen,
    maxT: hours.maxT,
    ids: hours.packed.ids,
  };
  writeCacheFile(dataDir, fileOf(day), meta, [...tableArrays(hours.packed.table), hours.packed.rows]);
}

/**
 * The hours of `day` for every service, from that service's records (sorted by time) covering the
 * day and the tail of the day before.
 */
export function summarizeDay(
  day: string,
  byId: ReadonlyMap<string, readonly TimedRecord[]>,
  gapLimit: number,
  about: { problems: string[]; seen: string[]; maxT: number },
): DayHours & { packed: Packed } {
  const from = dayStart(day);
  const builder = new StatsTableBuilder();
  const ids: string[] = [];
  const rows: number[] = [];
  for (const [id, records] of byId) {
    const mine: number[] = [];
    let any = false;
    for (let h = 0; h < 24; h++) {
      const hFrom = from + h * HOUR_MS;
      const stats = accumulate(records, hFrom, hFrom + HOUR_MS, gapLimit, emptyStats());
      // An hour no record reaches is all unknown: left out, and read back as such.
      if (stats.ms.unknown === HOUR_MS && stats.runs === 0) {
        mine.push(-1);
        continue;
      }
      mine.push(builder.push(stats).row);
      any = true;
    }
    if (!any) continue;
    ids.push(id);
    rows.push(...mine);
  }
  const packed: Packed = { ids, rows: Int32Array.from(rows), table: builder.build() };
  return { ...view(packed, about), packed };
}

function view(packed: Packed, about: { problems: string[]; seen: string[]; maxT: number }): DayHours {
  const index = new Map(packed.ids.map((id, i) => [id, i]));
  return {
    addHour(out, id, h) {
      const i = index.get(id);
      const row = i === undefined ? -1 : packed.rows[i * 24 + h]!;
      if (row < 0) return false;
      addRow(packed.table, row, out);
      return true;
    },
    problems: about.problems,
    seen: about.seen,
    maxT: about.maxT,
  };
}
