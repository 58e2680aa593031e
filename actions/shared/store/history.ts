import { appendFile, mkdir, open, readdir, readFile } from "node:fs/promises";
import { z } from "zod";
import type { ProbeResult } from "../probe/result.ts";
import { STATUSES } from "../status.ts";
import type { ServiceState } from "./latest-schema.ts";
import { paths, utcDay } from "./files.ts";
import type { Log } from "../log.ts";

/**
 * History: one compact JSON line per service per run, in one file per UTC day
 * (`reports/history/YYYY-MM-DD.jsonl`). Lines are only ever appended, so git stores each day as a
 * chain of small deltas and concurrent runs merge with `merge=union`. A crash can leave a torn
 * last line: readers skip it with a warning and the next append starts on a fresh line.
 */
export const HistoryRecord = z.object({
  /** Run time (ISO). */
  t: z.string().datetime({ offset: true }),
  id: z.string(),
  s: z.enum(STATUSES),
  /**
   * Total time of each successful sample, ms. Failed samples are left out: a refused connection
   * answers in a millisecond and a timeout takes the whole limit, and neither is a response time.
   */
  l: z.array(z.number().nonnegative()).default([]),
  ok: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  v: z.number().optional(),
  /** Reason, when not up. */
  r: z.string().optional(),
});
export type HistoryRecord = z.output<typeof HistoryRecord>;

export function toHistoryRecord(state: ServiceState, result: ProbeResult | undefined, at: string): HistoryRecord {
  return {
    t: at,
    id: state.id,
    s: state.status,
    l: (result?.samples ?? []).filter((s) => s.ok).map((s) => Math.round(s.timings.total)),
    ok: state.metrics.okCount,
    n: state.metrics.count,
    ...(state.metrics.value !== undefined && { v: state.metrics.value }),
    ...(state.status !== "up" && state.reason && { r: state.reason }),
  };
}

/**
 * Appends records to their day files. Returns the bytes written. A run is identified by its run
 * time: a record whose run time and service are already in its day file (the same `--now` run
 * again) is not appended a second time.
 */
export async function appendHistory(dataDir: string, records: HistoryRecord[]): Promise<number> {
  const byDay = new Map<string, HistoryRecord[]>();
  for (const r of records) {
    const day = utcDay(r.t);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  await mkdir(paths.historyDir(dataDir), { recursive: true });
  let bytes = 0;
  for (const [day, dayRecords] of byDay) {
    const file = paths.historyFile(dataDir, day);
    const stored = await storedRuns(file, new Set(dayRecords.map((r) => r.t)));
    const lines = dayRecords.filter((r) => !stored.has(runKey(r))).map((r) => JSON.stringify(r));
    if (!lines.length) continue;
    const text = ((await endsTorn(file)) ? "\n" : "") + lines.join("\n") + "\n";
    await appendFile(file, text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

const runKey = (r: { t: string; id: string }) => `${r.t} ${r.id}`;

/** "<t> <id>" of the records in `file` at the given run times (the file is only parsed when one of them occurs in it). */
async function storedRuns(file: string, times: ReadonlySet<string>): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return new Set();
    throw new Error(`cannot read history file ${file}`, { cause: e });
  }
  const out = new Set<string>();
  if (![...times].some((t) => text.includes(`"t":"${t}"`))) return out;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { t?: unknown; id?: unknown };
      if (typeof r.t === "string" && typeof r.id === "string" && times.has(r.t)) out.add(runKey({ t: r.t, id: r.id }));
    } catch {
      // A torn or foreign line: readers skip it with a warning (parseHistory); it names no run.
    }
  }
  return out;
}

/** True when the file exists, is non-empty and does not end with a newline (a crashed writer). */
async function endsTorn(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new Error(`cannot open history file ${file}`, { cause: e });
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return false;
    const buf = Buffer.alloc(1);
    await fh.read(buf, 0, 1, size - 1);
    return buf[0] !== 0x0a;
  } finally {
    await fh.close();
  }
}

/** Parses one day file's text; invalid lines are skipped and reported, never fatal. */
export function parseHistory(text: string, file: string, log: Log): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      const torn = i >= lines.length - 2;
      log.warn(
        `${file}:${i + 1}: skipped ${torn ? "a torn last record (a run crashed while writing)" : "a line that is not JSON"}`,
      );
      return;
    }
    const r = HistoryRecord.safeParse(parsed);
    if (r.success) out.push(r.data);
    else
      log.warn(
        `${file}:${i + 1}: skipped a record that is not a history record (${r.error.issues[0]?.message ?? "invalid"})`,
      );
  });
  return out;
}

/** Days that have a raw history file, ascending. */
export async function historyDays(dataDir: string): Promise<string[]> {
  try {
    const names = await readdir(paths.historyDir(dataDir));
    return names
      .filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n))
      .map((n) => n.slice(0, 10))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/** Records of the raw history from `from` (inclusive) to `to` (exclusive), in file order. */
export async function readHistory(
  dataDir: string,
  range: { from: Date; to: Date },
  log: Log,
): Promise<HistoryRecord[]> {
  const first = utcDay(range.from);
  const last = utcDay(range.to);
  const out: HistoryRecord[] = [];
  for (const day of await historyDays(dataDir)) {
    if (day < first || day > last) continue;
    const file = paths.historyFile(dataDir, day);
    const text = await readFile(file, "utf8");
    for (const r of parseHistory(text, file, log)) {
      const t = Date.parse(r.t);
      if (t >= range.from.getTime() && t < range.to.getTime()) out.push(r);
    }
  }
  return out;
}
