import type { ProbeResult } from "./probe/result.ts";

/**
 * Scale-out on the Actions matrix: `ops probe --shard i/N` probes one slice of the fleet, each
 * slice in its own job; the fan-in job merges the slices (scripts/commands/merge.ts).
 */
export interface Shard {
  /** 1-based, as written on the command line and in job names. */
  index: number;
  total: number;
}

/** Parses "2/4". Throws a usage error naming what was expected. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total) {
    throw new Error(`--shard "${text}": expected i/N with 1 ≤ i ≤ N, e.g. --shard 2/4`);
  }
  return { index, total };
}

export function formatShard(s: Shard): string {
  return `${s.index}/${s.total}`;
}

/**
 * The services of one shard. Sorted by id first, so the split depends on the fleet alone, not on
 * the order of the config file; then dealt round-robin, so shard sizes differ by at most one.
 * Adding a service may move others to another shard: harmless, each run is independent.
 */
export function selectShard<T extends { id: string }>(services: readonly T[], shard: Shard): T[] {
  const sorted = [...services].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.filter((_, i) => i % shard.total === shard.index - 1);
}

/** The matrix the monitor workflow fans out over: one entry per shard, "1/N" … "N/N". */
export function shardList(total: number): string[] {
  return Array.from({ length: total }, (_, i) => `${i + 1}/${total}`);
}

/** What a shard job uploads as its artifact; the fan-in reads these back. */
export interface ShardFile {
  version: 1;
  shard: string;
  /** Runner location label ("github" for the hosted runners). */
  location: string;
  startedAt: string;
  /** Set when the runner's connectivity pre-check failed: its results say nothing about services. */
  offline?: boolean;
  results: ProbeResult[];
}

export function shardFile(meta: Omit<ShardFile, "version" | "results">, results: ProbeResult[]): ShardFile {
  return { version: 1, ...meta, results };
}

/**
 * Reads a shard file back (it crossed a job boundary as an artifact). Checks the envelope and
 * each result's identifying fields; the rest is our own serialisation of ProbeResult.
 */
export function parseShardFile(text: string, source: string): ShardFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (a truncated artifact?)`, { cause: error });
  }
  const f = data as Partial<ShardFile> | null;
  const problems: string[] = [];
  if (!f || typeof f !== "object") problems.push("expected an object");
  else {
    if (f.version !== 1) problems.push(`version: expected 1, found ${JSON.stringify(f.version)}`);
    if (typeof f.shard !== "string" || !/^\d+\/\d+$/.test(f.shard))
      problems.push(`shard: expected "i/N", found ${JSON.stringify(f.shard)}`);
    if (typeof f.location !== "string" || !f.location) problems.push("location: expected a non-empty string");
    if (typeof f.startedAt !== "string") problems.push("startedAt: expected an ISO time");
    if (!Array.isArray(f.results)) problems.push("results: expected an array");
    else
      f.results.forEach((r, i) => {
        if (typeof r?.serviceId !== "string" || typeof r?.metrics !== "object" || !Array.isArray(r?.samples)) {
          problems.push(`results[${i}]: expected a ProbeResult with serviceId, samples and metrics`);
        }
      });
  }
  if (problems.length > 0) throw new Error(`${source}: invalid shard file: ${problems.join("; ")}`);
  return f as ShardFile;
}

/** Above this many services one job is split automatically, even with `shards: 1` in the config. */
export const MAX_SERVICES_PER_SHARD = 100;

export interface RunPlan {
  /** false: one job probes, evaluates and commits (the default fleet, one billed minute). */
  sharded: boolean;
  shards: string[];
  /** Runner labels; ["ubuntu-latest"] unless OPS_LOCATIONS names others. */
  locations: string[];
}

/**
 * Whether the monitor run fans out: more than one shard (configured, or forced by fleet size), or
 * more than one location. Each extra job is at least one more billed minute, so the default stays one job.
 */
export function planRun(input: { shards: number; services: number; locations: readonly string[] }): RunPlan {
  const total = Math.max(input.shards, Math.ceil(input.services / MAX_SERVICES_PER_SHARD), 1);
  const locations = input.locations.length > 0 ? [...new Set(input.locations)] : ["ubuntu-latest"];
  return { sharded: total > 1 || locations.length > 1, shards: shardList(total), locations };
}
