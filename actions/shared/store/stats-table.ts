import { STATUSES } from "../status.ts";
import { emptyStats, type WindowStats } from "./durations.ts";
import type { Histogram } from "./histogram.ts";

/**
 * Many WindowStats (a year of daily rollups, the hours of past days) packed into typed arrays:
 * eight numbers per row (milliseconds per status, runs, ok, samples) and a sparse histogram per
 * row as (bucket, count) pairs. A year of 300 services is 110 k rows: as objects that is ~100 MB
 * of heap and a JSON parse per row; packed it is ~15 MB, and it is read back from the cache
 * (cache-file.ts) as a few array copies.
 */
export const WIDTH = 3 + STATUSES.length;
const RUNS = STATUSES.length;

export interface StatsTable {
  readonly rows: number;
  /** rows × WIDTH: ms per status (STATUSES order), then runs, ok, n. */
  readonly nums: Float64Array;
  /** rows + 1 offsets into histKeys / histCounts. */
  readonly histStart: Uint32Array;
  readonly histKeys: Uint16Array;
  readonly histCounts: Uint32Array;
}

/** Adds row `row` to `out`; `share` < 1 prorates durations only (latencies are then left out). */
export function addRow(table: StatsTable, row: number, out: WindowStats, share = 1, latency = true): void {
  const base = row * WIDTH;
  const nums = table.nums;
  for (let s = 0; s < RUNS; s++) out.ms[STATUSES[s]!] += nums[base + s]! * share;
  if (share !== 1) return;
  out.runs += nums[base + RUNS]!;
  out.ok += nums[base + RUNS + 1]!;
  out.n += nums[base + RUNS + 2]!;
  if (!latency) return;
  const hist = out.hist;
  for (let i = table.histStart[row]!, end = table.histStart[row + 1]!; i < end; i++) {
    const k = table.histKeys[i]!;
    hist[k] = (hist[k] ?? 0) + table.histCounts[i]!;
  }
}

/** Row `row` as a WindowStats of its own. */
export function rowStats(table: StatsTable, row: number): WindowStats {
  const out = emptyStats();
  addRow(table, row, out);
  return out;
}

/** Builds a table row by row; `from` starts it with an existing table's rows. */
export class StatsTableBuilder {
  private nums: number[] = [];
  private starts: number[] = [0];
  private keys: number[] = [];
  private counts: number[] = [];

  constructor(from?: StatsTable) {
    if (!from) return;
    this.nums = Array.from(from.nums);
    this.starts = Array.from(from.histStart);
    this.keys = Array.from(from.histKeys);
    this.counts = Array.from(from.histCounts);
  }

  get rows(): number {
    return this.starts.length - 1;
  }

  /**
   * Appends one row and returns its index. Histogram buckets that are not whole numbers from 0 to
   * 65535 with a whole count cannot be a bucket this code wrote: they are left out, and counted in
   * the return value's `dropped` so the reader can say so.
   */
  push(stats: Pick<WindowStats, "ms" | "runs" | "ok" | "n" | "hist">): { row: number; dropped: number } {
    for (const s of STATUSES) this.nums.push(stats.ms[s]);
    this.nums.push(stats.runs, stats.ok, stats.n);
    let dropped = 0;
    const buckets = Object.keys(stats.hist)
      .map(Number)
      .sort((a, b) => a - b);
    for (const k of buckets) {
      const n = (stats.hist as Histogram)[k];
      if (!Number.isInteger(k) || k < 0 || k > 0xffff || !Number.isInteger(n) || n! < 0 || n! > 0xffffffff) {
        dropped++;
        continue;
      }
      this.keys.push(k);
      this.counts.push(n!);
    }
    this.starts.push(this.keys.length);
    return { row: this.rows - 1, dropped };
  }

  build(): StatsTable {
    return {
      rows: this.rows,
      nums: Float64Array.from(this.nums),
      histStart: Uint32Array.from(this.starts),
      histKeys: Uint16Array.from(this.keys),
      histCounts: Uint32Array.from(this.counts),
    };
  }
}

/** The first `rows` rows of a table (views, no copy). */
export function firstRows(t: StatsTable, rows: number): StatsTable {
  if (rows >= t.rows) return t;
  const hist = t.histStart[rows]!;
  return {
    rows,
    nums: t.nums.subarray(0, rows * WIDTH),
    histStart: t.histStart.subarray(0, rows + 1),
    histKeys: t.histKeys.subarray(0, hist),
    histCounts: t.histCounts.subarray(0, hist),
  };
}

/** The table's arrays, in the order cache-file.ts stores them. */
export function tableArrays(t: StatsTable): [Float64Array, Uint32Array, Uint16Array, Uint32Array] {
  return [t.nums, t.histStart, t.histKeys, t.histCounts];
}

/** A table from arrays read back from the cache, or undefined when they do not fit together. */
export function tableFrom(arrays: readonly unknown[]): StatsTable | undefined {
  const [nums, histStart, histKeys, histCounts] = arrays;
  if (
    !(nums instanceof Float64Array) ||
    !(histStart instanceof Uint32Array) ||
    !(histKeys instanceof Uint16Array) ||
    !(histCounts instanceof Uint32Array)
  )
    return undefined;
  const rows = histStart.length - 1;
  if (rows < 0 || nums.length !== rows * WIDTH || histKeys.length !== histCounts.length) return undefined;
  if (histStart[0] !== 0 || histStart[rows] !== histKeys.length) return undefined;
  for (let r = 0; r < rows; r++) if (histStart[r]! > histStart[r + 1]!) return undefined;
  return { rows, nums, histStart, histKeys, histCounts };
}
