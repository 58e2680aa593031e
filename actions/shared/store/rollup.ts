import { appendFile, mkdir, open, readdir, readFile, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { OpsConfig } from "../config/schema/index.ts";
import { STATUSES } from "../status.ts";
import { accumulate, emptyStats, type Durations, type WindowStats } from "./durations.ts";
import { paths } from "./files.ts";
import type { Log } from "../log.ts";
import { canonical } from "./histogram.ts";
import { DAY_MS, dayOf, dayStart, readHistoryDay, type DayRead, type TimedRecord } from "./history-read.ts";

/**
 * Daily rollups: `reports/rollups/YYYY.jsonl`, one line per service per UTC day, then one marker
 * line saying the day is complete:
 *   {"d":"2026-11-21","id":"chatwoot","ms":{"up":86100000,"down":300000},"runs":288,"ok":864,"n":864,"h":{"70":12,…}}
 *   {"d":"2026-11-21","done":7}
 * `ms` holds milliseconds per status (zeros left out), `h` a log-bucket latency histogram
 * (histogram.ts). A day counts only once its marker is there; if a roll-up is cut short, the next
 * run appends the day again and readers take the last line per (day, service). Rollups are kept
 * forever (about 6 KB per day for 30 services); raw day files go after `retention.rawDays`.
 */
export interface RollupLine extends Omit<WindowStats, "ms"> {
  d: string;
  id: string;
  ms: Durations;
}

export const rollupPaths = {
  dir: (dataDir: string) => join(paths.reportsDir(dataDir), "rollups"),
  file: (dataDir: string, year: string) => join(paths.reportsDir(dataDir), "rollups", `${year}.jsonl`),
};

export function formatRollupLine(r: RollupLine): string {
  const ms: Partial<Durations> = {};
  for (const s of STATUSES) if (r.ms[s]) ms[s] = r.ms[s];
  return JSON.stringify({ d: r.d, id: r.id, ms, runs: r.runs, ok: r.ok, n: r.n, h: canonical(r.hist) });
}

/** Years with a rollup file, ascending. */
export async function rollupYears(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(rollupPaths.dir(dataDir)))
      .filter((n) => /^\d{4}\.jsonl$/.test(n))
      .map((n) => n.slice(0, 4))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`cannot list ${rollupPaths.dir(dataDir)}`, { cause: e });
  }
}

/** Days whose rollup is complete: a cheap scan for marker lines, without parsing histograms. */
export async function rolledDays(dataDir: string, years?: ReadonlySet<string>): Promise<Set<string>> {
  const done = new Set<string>();
  const marker = /^\{"d":"(\d{4}-\d{2}-\d{2})","done":\d+\}$/gm;
  for (const year of await rollupYears(dataDir)) {
    if (years && !years.has(year)) continue;
    const text = await readFile(rollupPaths.file(dataDir, year), "utf8");
    for (const m of text.matchAll(marker)) done.add(m[1]!);
  }
  return done;
}

/** Rolls one day up from the records of that day and its neighbours, grouped by service. */
export function rollupDay(day: string, byService: Map<string, TimedRecord[]>, gapLimit: number): RollupLine[] {
  const from = dayStart(day);
  const to = from + DAY_MS;
  const out: RollupLine[] = [];
  for (const id of [...byService.keys()].sort()) {
    const records = byService.get(id)!;
    // A service without a record in the day or in reach of it has nothing to roll up.
    const relevant = records.some((r) => r.t >= from - gapLimit && r.t < to);
    if (!relevant) continue;
    const stats = accumulate(records, from, to, gapLimit, emptyStats());
    out.push({ d: day, id, ...stats });
  }
  return out;
}

export function groupByService(reads: DayRead[]): Map<string, TimedRecord[]> {
  const map = new Map<string, TimedRecord[]>();
  for (const read of reads) {
    for (const r of read.records) {
      const list = map.get(r.id);
      if (list) list.push(r);
      else map.set(r.id, [r]);
    }
  }
  // Files are in append order, not time order: shards and skewed clocks interleave.
  for (const list of map.values()) list.sort((a, b) => a.t - b.t);
  return map;
}

export interface CompactOptions {
  dataDir: string;
  config: Pick<OpsConfig, "retention">;
  now: Date;
  log: Log;
}

export interface CompactResult {
  rolled: string[];
  pruned: string[];
}

/**
 * Rolls up every complete day not yet rolled up, then deletes raw day files older than
 * `retention.rawDays` whose day (and the next, which reads its tail) is rolled up. Idempotent, and
 * safe to interrupt: a raw file is only deleted after its rollup marker is on disk.
 */
export async function compactHistory({ dataDir, config, now, log }: CompactOptions): Promise<CompactResult> {
  const { gapLimit, rawDays } = config.retention;
  const nowMs = now.getTime();
  const raw = await listRawDays(dataDir);
  // Only the years that still have raw days matter; older rollup files are never read again here.
  const done = await rolledDays(dataDir, new Set(raw.map((d) => d.slice(0, 4))));
  const rolled: string[] = [];
  const cache = new Map<string, Promise<DayRead>>();
  const load = (day: string) => {
    let p = cache.get(day);
    if (!p) cache.set(day, (p = readHistoryDay(dataDir, day)));
    return p;
  };
  for (const day of raw) {
    if (done.has(day) || dayStart(day) + DAY_MS + gapLimit > nowMs) continue;
    const reads = await Promise.all([dayOf(dayStart(day) - DAY_MS), day, dayOf(dayStart(day) + DAY_MS)].map(load));
    for (const p of reads[1]!.problems) log.warn(`${p} (skipped while rolling up ${day})`);
    const lines = rollupDay(day, groupByService(reads), gapLimit);
    await appendLines(rollupPaths.file(dataDir, day.slice(0, 4)), [
      ...lines.map(formatRollupLine),
      JSON.stringify({ d: day, done: lines.length }),
    ]);
    done.add(day);
    rolled.push(day);
    for (const k of cache.keys()) if (k < dayOf(dayStart(day) - DAY_MS)) cache.delete(k);
  }
  const cutoff = dayOf(Math.floor(nowMs / DAY_MS) * DAY_MS - rawDays * DAY_MS);
  const rawSet = new Set(raw);
  const pruned: string[] = [];
  for (const day of raw) {
    if (day >= cutoff || !done.has(day)) continue;
    const next = dayOf(dayStart(day) + DAY_MS);
    if (rawSet.has(next) && !done.has(next)) continue;
    await unlink(paths.historyFile(dataDir, day));
    pruned.push(day);
  }
  if (rolled.length || pruned.length)
    log.info(`history: rolled up ${rolled.length} day(s), pruned ${pruned.length} raw day file(s)`);
  return { rolled, pruned };
}

async function listRawDays(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(paths.historyDir(dataDir)))
      .filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n))
      .map((n) => n.slice(0, 10))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`cannot list ${paths.historyDir(dataDir)}`, { cause: e });
  }
}

/** Appends whole lines, first ending a torn last line so the new lines stay readable. */
async function appendLines(file: string, lines: string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  let prefix = "";
  try {
    const fh = await open(file, "r");
    try {
      const { size } = await fh.stat();
      if (size > 0) {
        const buf = Buffer.alloc(1);
        await fh.read(buf, 0, 1, size - 1);
        if (buf[0] !== 0x0a) prefix = "\n";
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read ${file}`, { cause: e });
  }
  await appendFile(file, prefix + lines.join("\n") + "\n");
}
