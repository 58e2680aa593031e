import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { STATUSES, type Status } from "../status.ts";
import { paths } from "./files.ts";

/**
 * The fast reader the reports and the rollups use. history.ts validates each line with zod, which
 * is right for a day but too slow to replay a year (3 M lines); this checks the same fields by hand
 * and keeps only what durations and latencies need. Bad lines are counted, never fatal.
 */
export interface TimedRecord {
  /** Run time, ms since the epoch. */
  t: number;
  id: string;
  s: Status;
  /** Sample latencies, ms. */
  l: number[];
  ok: number;
  n: number;
  r?: string;
}

export interface DayRead {
  day: string;
  exists: boolean;
  records: TimedRecord[];
  /** Lines skipped, with the place and why ("2026-11-21.jsonl:88: torn record"). */
  problems: string[];
}

const STATUS_SET: ReadonlySet<string> = new Set(STATUSES);

export function parseHistoryText(text: string, name: string): { records: TimedRecord[]; problems: string[] } {
  const records: TimedRecord[] = [];
  const problems: string[] = [];
  const times = new TimeMemo();
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === "") continue;
    const rec = parseLine(line, times);
    if (typeof rec === "string") problems.push(`${name}:${lineNo}: ${end === text.length ? "torn last record" : rec}`);
    else records.push(rec);
  }
  return { records, problems };
}

/** Every service of a run shares its time: Date.parse (the costliest step here) runs once per run. */
class TimeMemo {
  private text = "";
  private ms = NaN;
  parse(iso: string): number {
    if (iso !== this.text) {
      this.text = iso;
      this.ms = Date.parse(iso);
    }
    return this.ms;
  }
}

function parseLine(line: string, times: TimeMemo): TimedRecord | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return `not JSON (${(e as Error).message.slice(0, 60)})`;
  }
  if (typeof raw !== "object" || raw === null) return "not a record";
  const o = raw as Record<string, unknown>;
  const t = typeof o.t === "string" ? times.parse(o.t) : NaN;
  if (Number.isNaN(t)) return `"t" is not an ISO time`;
  if (typeof o.id !== "string" || o.id === "") return `"id" is missing`;
  if (typeof o.s !== "string" || !STATUS_SET.has(o.s)) return `"s" is not one of ${STATUSES.join("/")}`;
  const l = Array.isArray(o.l) ? o.l.filter((x): x is number => typeof x === "number" && x >= 0) : [];
  const rec: TimedRecord = {
    t,
    id: o.id,
    s: o.s as Status,
    l,
    ok: typeof o.ok === "number" ? o.ok : 0,
    n: typeof o.n === "number" ? o.n : l.length,
  };
  if (typeof o.r === "string") rec.r = o.r;
  return rec;
}

export async function readHistoryDay(dataDir: string, day: string): Promise<DayRead> {
  const file = paths.historyFile(dataDir, day);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { day, exists: false, records: [], problems: [] };
    throw new Error(`cannot read history file ${file}: check its permissions`, { cause: e });
  }
  return { day, exists: true, ...parseHistoryText(text, `history/${day}.jsonl`) };
}

/**
 * The records of one day file with `from <= t < to` (ms), read synchronously: a report asking
 * for part of an hour of a summarised day (hours.ts) needs these few records, not the day. A line
 * written by history.ts starts with its ISO time, so lines outside the range are skipped by a
 * string comparison, unparsed; any other line is parsed and then filtered. Skipped lines are
 * reported by the day's full read, not here. `texts` keeps the files read, for a caller asking
 * for several ranges of the same day (the edges of a report's windows).
 */
export function readHistoryRange(
  dataDir: string,
  day: string,
  from: number,
  to: number,
  texts?: Map<string, string>,
): TimedRecord[] {
  let text = texts?.get(day);
  if (text === undefined) {
    try {
      text = readFileSync(paths.historyFile(dataDir, day), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new Error(`cannot read history file ${paths.historyFile(dataDir, day)}: check its permissions`, {
        cause: e,
      });
    }
    texts?.set(day, text);
  }
  const lo = new Date(from).toISOString();
  const hi = new Date(to).toISOString();
  const times = new TimeMemo();
  const out: TimedRecord[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const lineStart = start;
    start = end + 1;
    // {"t":"2026-11-22T16:20:00.000Z", … : the time sits at a fixed place, in a form that sorts.
    if (
      text.startsWith('{"t":"', lineStart) &&
      text.charCodeAt(lineStart + 29) === 90 /* Z */ &&
      text.charCodeAt(lineStart + 30) === 34 /* " */
    ) {
      const iso = text.slice(lineStart + 6, lineStart + 30);
      if (iso < lo || iso >= hi) continue;
    }
    const line = text.slice(lineStart, end);
    if (line.trim() === "") continue;
    const rec = parseLine(line, times);
    if (typeof rec !== "string" && rec.t >= from && rec.t < to) out.push(rec);
  }
  return out;
}

export const DAY_MS = 86_400_000;

const dayStarts = new Map<string, number>();

/** Start of a UTC day "YYYY-MM-DD", ms; memoized like dayOf. */
export function dayStart(day: string): number {
  let ms = dayStarts.get(day);
  if (ms === undefined) {
    ms = Date.parse(`${day}T00:00:00.000Z`);
    if (dayStarts.size < 100_000) dayStarts.set(day, ms);
  }
  return ms;
}

const dayNames = new Map<number, string>();

/** UTC day "YYYY-MM-DD" of a time; memoized, as year-long windows ask for the same days often. */
export function dayOf(ms: number): string {
  const index = Math.floor(ms / DAY_MS);
  let name = dayNames.get(index);
  if (name === undefined) {
    name = new Date(index * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size < 100_000) dayNames.set(index, name);
  }
  return name;
}

/** UTC days overlapping [from, to), ascending. */
export function daysBetween(from: number, to: number): string[] {
  const out: string[] = [];
  for (let d = Math.floor(from / DAY_MS) * DAY_MS; d < to; d += DAY_MS) out.push(dayOf(d));
  return out;
}
