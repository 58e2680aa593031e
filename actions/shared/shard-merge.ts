import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { consensus, type Vote } from "./consensus.ts";
import type { ProbeResult } from "./probe/result.ts";
import { parseShardFile, type ShardFile } from "./shard.ts";

export interface MergeInput {
  files: readonly ShardFile[];
  /** The fleet, in config order: the merged results follow it, like a single run's. */
  services: ReadonlyArray<{ id: string; probe: { type: string } }>;
  downQuorum: number;
  /** When the fan-in ran; stamps the placeholder of a service no shard reported. */
  now: Date;
}

export interface MergeOutput {
  results: ProbeResult[];
  votes: Vote[];
  locations: string[];
  /** Shards that never reported, per location ("github: 3/4"): their services are recorded unknown. */
  missing: string[];
  /** Every location's runner was offline: nothing can be said about any service. */
  offline: boolean;
}

/**
 * The fan-in: per location, the shards' results put back together; across locations, the
 * consensus rule. Gives the same ProbeResult[] a single run over the whole fleet would, so the
 * evaluation, store, incidents and reports downstream don't know the run was split.
 */
export function mergeShards(input: MergeInput): MergeOutput {
  const byLocation = new Map<string, ShardFile[]>();
  for (const f of input.files) byLocation.set(f.location, [...(byLocation.get(f.location) ?? []), f]);
  const missing: string[] = [];
  const perLocation = [...byLocation].map(([location, files]) => {
    const totals = new Set(files.map((f) => Number(f.shard.split("/")[1])));
    if (totals.size > 1)
      throw new Error(
        `location ${location}: shard files of different splits (${[...totals].join(", ")} shards): mixed artifacts from two runs?`,
      );
    const total = [...totals][0] ?? 1;
    const seenShards = new Set(files.map((f) => f.shard));
    for (let i = 1; i <= total; i++) if (!seenShards.has(`${i}/${total}`)) missing.push(`${location}: ${i}/${total}`);
    const seen = new Map<string, string>();
    const results: ProbeResult[] = [];
    for (const f of files) {
      for (const r of f.results) {
        const other = seen.get(r.serviceId);
        if (other)
          throw new Error(
            `location ${location}: service ${r.serviceId} reported by shard ${other} and ${f.shard}; shards must not overlap`,
          );
        seen.set(r.serviceId, f.shard);
        results.push(r);
      }
    }
    return { location, results, offline: files.every((f) => f.offline === true) };
  });

  const { results, votes } = consensus(perLocation, { downQuorum: input.downQuorum });
  const byId = new Map(results.map((r) => [r.serviceId, r]));
  const detail = missing.length
    ? `no result from shard ${missing.join(", ")} (did its job fail?)`
    : "no shard reported this service";
  const ordered = input.services.map((s) => byId.get(s.id) ?? placeholder(s, input.now, detail));
  return {
    results: ordered,
    votes,
    locations: perLocation.map((l) => l.location).sort(),
    missing,
    offline: perLocation.length > 0 && perLocation.every((l) => l.offline),
  };
}

function placeholder(s: { id: string; probe: { type: string } }, now: Date, detail: string): ProbeResult {
  return {
    serviceId: s.id,
    type: s.probe.type,
    startedAt: now.toISOString(),
    durationMs: 0,
    attempts: 0,
    samples: [],
    metrics: { successRate: 0, okCount: 0, count: 0, statusCodes: [] },
    inconclusive: { kind: "no-data", detail },
  };
}

/** Every `*.json` under `dir` (download-artifact puts each artifact in its own folder). */
export async function readShardFiles(dir: string): Promise<ShardFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    throw new Error(`cannot read the shard artifacts folder ${dir}`, { cause: error });
  });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith(".json")).map((e) => join(e.parentPath, e.name));
  const out: ShardFile[] = [];
  for (const file of files.sort()) out.push(parseShardFile(await readFile(file, "utf8"), relative(dir, file) || file));
  return out;
}

/** The merged results as one shard file (`ops merge --out`): a later fan-in reads it like any shard. */
export function mergedShardFile(files: readonly ShardFile[], merged: MergeOutput, now: Date): ShardFile {
  const startedAt = files.map((f) => f.startedAt).sort()[0] ?? now.toISOString();
  const file: ShardFile = {
    version: 1,
    shard: "1/1",
    location: merged.locations.join("+"),
    startedAt,
    results: merged.results,
  };
  if (merged.offline) file.offline = true;
  return file;
}
