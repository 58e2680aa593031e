import { readFileSync } from "node:fs";
import { STATUSES } from "../status.ts";
import { readCacheFile, sha1Of, statOf, writeCacheFile } from "./cache-file.ts";
import type { Durations, WindowStats } from "./durations.ts";
import type { Histogram } from "./histogram.ts";
import { rollupPaths, rollupYears, type RollupLine } from "./rollup.ts";
import {
  addRow,
  firstRows,
  rowStats,
  type StatsTable,
  StatsTableBuilder,
  tableArrays,
  tableFrom,
} from "./stats-table.ts";

/**
 * The reading side of the daily rollups (rollup.ts writes them): every complete day of the asked
 * years, packed (stats-table.ts), with the lines that could not be read named by file and line.
 *
 * A rollup file only grows (a day's lines, then its marker), so its packed form is kept in
 * `.ops-cache/rollups/<year>.bin` with the length and SHA-1 of the prefix it covers: a later run
 * whose file still starts with those bytes reads only the lines added since. Any other change,
 * or a cache that cannot be read, means the file is read again from its first line.
 */
export interface Rollups {
  hasDay(day: string): boolean;
  /** Complete days, ascending. */
  days(): string[];
  /** Services with a line on some complete day. */
  ids(): Set<string>;
  /** The (day, service) line, or undefined. */
  line(day: string, id: string): RollupLine | undefined;
  /** Adds the (day, service) line to `out` (see addRow); false when there is none. */
  addTo(out: WindowStats, day: string, id: string, share: number, latency: boolean): boolean;
  problems: string[];
  /** How each year was read: from the cache alone, the cache and the lines added since, or the file. */
  reads: Array<{ year: string; from: "cache" | "cache+tail" | "file"; lines: number }>;
}

/** Reads the rollup files of the given years (all when omitted). */
export async function readRollups(
  dataDir: string,
  years?: Iterable<string>,
  options: { writeCache?: boolean } = {},
): Promise<Rollups> {
  const wanted = years ? new Set(years) : undefined;
  const parts = new Map<string, Year>();
  const reads: Rollups["reads"] = [];
  for (const year of await rollupYears(dataDir)) {
    if (wanted && !wanted.has(year)) continue;
    const { read, ...how } = readYear(dataDir, year, options.writeCache !== false);
    parts.set(year, read);
    reads.push({ year, ...how });
  }
  const yearOf = (day: string) => parts.get(day.slice(0, 4));
  const rowOf = (day: string, id: string): { table: StatsTable; row: number } | undefined => {
    const y = yearOf(day);
    const rows = y?.days.get(day);
    const i = y?.idIndex.get(id);
    if (!y || !rows || i === undefined || i >= rows.length || rows[i]! < 0) return undefined;
    return { table: y.table, row: rows[i]! };
  };
  return {
    hasDay: (day) => yearOf(day)?.days.has(day) === true,
    days: () => [...parts.values()].flatMap((y) => [...y.days.keys()]).sort(),
    ids: () => {
      const out = new Set<string>();
      for (const y of parts.values())
        for (const rows of y.days.values())
          for (const [i, id] of y.ids.entries()) if ((rows[i] ?? -1) >= 0) out.add(id);
      return out;
    },
    line(day, id) {
      const at = rowOf(day, id);
      return at && { d: day, id, ...rowStats(at.table, at.row) };
    },
    addTo(out, day, id, share, latency) {
      const at = rowOf(day, id);
      if (!at) return false;
      addRow(at.table, at.row, out, share, latency);
      return true;
    },
    problems: [...parts.entries()].flatMap(([, y]) => y.problems),
    reads,
  };
}

interface Year {
  ids: string[];
  idIndex: Map<string, number>;
  /** Complete day → row per service index (−1: no line that day). */
  days: Map<string, Int32Array>;
  table: StatsTable;
  problems: string[];
}

/** What the cache file says besides its arrays. */
interface Meta {
  year: string;
  /** The prefix of the rollup file the cache stands for: no incomplete day inside it. */
  bytes: number;
  sha1: string;
  /** Lines in that prefix, so the lines read after it are numbered on. */
  lines: number;
  /** The whole file when the cache was written: equal size and time means nothing to read. */
  size: number;
  mtimeMs: number;
  ids: string[];
  /** day, offset into the day-rows array. Each day has ids.length entries. */
  days: Array<[string, number]>;
  problems: string[];
}

function readYear(
  dataDir: string,
  year: string,
  writeCache: boolean,
): { read: Year; from: Rollups["reads"][number]["from"]; lines: number } {
  const file = rollupPaths.file(dataDir, year);
  const name = `rollups/${year}.bin`;
  const st = statOf(file);
  const cached = fromCache(readCacheFile(dataDir, name), year);
  if (
    cached &&
    st &&
    cached.meta.size === st.size &&
    cached.meta.mtimeMs === st.mtimeMs &&
    cached.meta.bytes === st.size
  )
    return { read: cached.year, from: "cache", lines: 0 };
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: check its permissions`, { cause: e });
  }
  const resume =
    cached && buf.length >= cached.meta.bytes && sha1Of(buf.subarray(0, cached.meta.bytes)) === cached.meta.sha1
      ? cached
      : undefined;
  const state = resume ? Parse.from(resume.year, resume.meta) : Parse.empty();
  state.read(buf.toString("utf8", resume?.meta.bytes ?? 0), year);
  const out = state.finish();
  if (writeCache && st && (!resume || state.cleanBytes !== 0 || resume.meta.mtimeMs !== st.mtimeMs)) {
    const bytes = (resume?.meta.bytes ?? 0) + state.cleanBytes;
    const dayRows: number[] = [];
    const days: Meta["days"] = [];
    for (const [day, rows] of state.cleanDays) {
      days.push([day, dayRows.length]);
      for (let i = 0; i < out.ids.length; i++) dayRows.push(i < rows.length ? rows[i]! : -1);
    }
    const meta: Meta = {
      year,
      bytes,
      sha1: sha1Of(buf.subarray(0, bytes)),
      lines: state.cleanLines,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ids: out.ids,
      days,
      problems: state.cleanProblems,
    };
    // Rows read after the last complete day are read again next time: the cache leaves them out.
    const table = firstRows(out.table, state.cleanRows);
    writeCacheFile(dataDir, name, meta, [...tableArrays(table), Int32Array.from(dayRows)]);
  }
  return { read: out, from: resume ? "cache+tail" : "file", lines: state.linesRead };
}

function fromCache(read: ReturnType<typeof readCacheFile>, year: string): { year: Year; meta: Meta } | undefined {
  if (!read) return undefined;
  const meta = read.meta as Meta;
  if (
    typeof meta !== "object" ||
    meta === null ||
    meta.year !== year ||
    !Number.isInteger(meta.bytes) ||
    typeof meta.sha1 !== "string" ||
    !Array.isArray(meta.ids) ||
    !Array.isArray(meta.days) ||
    !Array.isArray(meta.problems)
  )
    return undefined;
  const table = tableFrom(read.arrays.slice(0, 4));
  const dayRows = read.arrays[4];
  if (!table || !(dayRows instanceof Int32Array)) return undefined;
  const width = meta.ids.length;
  const days = new Map<string, Int32Array>();
  for (const [day, offset] of meta.days) {
    if (typeof day !== "string" || !Number.isInteger(offset) || offset < 0 || offset + width > dayRows.length)
      return undefined;
    const rows = dayRows.subarray(offset, offset + width);
    if (rows.some((r) => r >= table.rows)) return undefined;
    days.set(day, rows);
  }
  const idIndex = new Map(meta.ids.map((id, i) => [id, i]));
  return { year: { ids: [...meta.ids], idIndex, days, table, problems: [...meta.problems] }, meta };
}

/**
 * The reader's state: lines count from their day's next marker on, so a day rolled again (after
 * an interrupted roll-up) replaces its earlier lines, the last line per service winning.
 */
class Parse {
  /** After the last marker that left no day pending: where a cache may end. */
  cleanBytes = 0;
  cleanLines = 0;
  cleanDays = new Map<string, Int32Array>();
  cleanProblems: string[] = [];
  cleanRows = 0;
  /** Lines read by this parse (not those the cache stood for). */
  linesRead = 0;
  private pending = new Map<string, Map<number, number>>();

  private builder: StatsTableBuilder;
  private ids: string[];
  private idIndex: Map<string, number>;
  private days: Map<string, Int32Array>;
  private problems: string[];
  private lines: number;

  private constructor(builder: StatsTableBuilder, year: Omit<Year, "table">, lines: number) {
    this.builder = builder;
    this.ids = year.ids;
    this.idIndex = year.idIndex;
    this.days = year.days;
    this.problems = year.problems;
    this.lines = lines;
    this.cleanDays = new Map(year.days);
    this.cleanProblems = [...year.problems];
    this.cleanLines = lines;
    this.cleanRows = builder.rows;
  }

  static empty(): Parse {
    return new Parse(new StatsTableBuilder(), { ids: [], idIndex: new Map(), days: new Map(), problems: [] }, 0);
  }

  static from(year: Year, meta: Meta): Parse {
    return new Parse(new StatsTableBuilder(year.table), year, meta.lines);
  }

  read(text: string, year: string): void {
    let start = 0;
    let bytes = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end);
      const lineBytes = Buffer.byteLength(line) + (end < text.length ? 1 : 0);
      start = end + 1;
      this.lines++;
      this.linesRead++;
      bytes += lineBytes;
      if (!line.trim()) continue;
      const parsed = parseRollupLine(line);
      if (typeof parsed === "string") {
        this.problems.push(`rollups/${year}.jsonl:${this.lines}: ${parsed}`);
        continue;
      }
      if ("done" in parsed) {
        const lines = this.pending.get(parsed.d) ?? new Map<number, number>();
        this.pending.delete(parsed.d);
        const rows = new Int32Array(this.ids.length).fill(-1);
        for (const [i, row] of lines) rows[i] = row;
        this.days.set(parsed.d, rows);
        if (this.pending.size === 0 && end < text.length) {
          this.cleanBytes = bytes;
          this.cleanLines = this.lines;
          this.cleanDays = new Map(this.days);
          this.cleanProblems = [...this.problems];
          this.cleanRows = this.builder.rows;
        }
        continue;
      }
      let i = this.idIndex.get(parsed.id);
      if (i === undefined) {
        i = this.ids.length;
        this.ids.push(parsed.id);
        this.idIndex.set(parsed.id, i);
      }
      const { row, dropped } = this.builder.push(parsed);
      if (dropped) this.problems.push(`rollups/${year}.jsonl:${this.lines}: ${dropped} latency bucket(s) left out`);
      const target = this.pending.get(parsed.d) ?? new Map<number, number>();
      target.set(i, row);
      this.pending.set(parsed.d, target);
    }
  }

  finish(): Year {
    return {
      ids: this.ids,
      idIndex: this.idIndex,
      days: this.days,
      table: this.builder.build(),
      problems: this.problems,
    };
  }
}

function parseRollupLine(line: string): RollupLine | { d: string; done: number } | string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return "skipped a torn or invalid line";
  }
  if (typeof o !== "object" || o === null || typeof o.d !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(o.d))
    return `"d" is not a day`;
  if (typeof o.done === "number") return { d: o.d, done: o.done };
  if (typeof o.id !== "string" || typeof o.ms !== "object" || o.ms === null) return `"id" or "ms" is missing`;
  const ms = {} as Durations;
  for (const s of STATUSES) ms[s] = Number((o.ms as Record<string, unknown>)[s] ?? 0) || 0;
  const num = (v: unknown) => (typeof v === "number" ? v : 0);
  const h = typeof o.h === "object" && o.h !== null ? (o.h as Histogram) : {};
  return { d: o.d, id: o.id, ms, runs: num(o.runs), ok: num(o.ok), n: num(o.n), hist: h };
}
