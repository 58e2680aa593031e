import type { Clock } from "./clock.ts";
import type { OpsConfig } from "./config/schema/index.ts";
import type { Env, Redactor } from "./config/secrets.ts";
import { checkConnectivity, offlineResults, type Reach } from "./connectivity.ts";
import { probeFleet } from "./probe/engine.ts";
import type { ProbeKinds } from "./probe/kind.ts";
import { formatShard, selectShard, shardFile, type Shard, type ShardFile } from "./shard.ts";

export interface ProbeShardInput {
  config: OpsConfig;
  shard: Shard;
  /** Runner label this job runs on (the matrix's `location`). */
  location: string;
  /** Narrows the shard further (`--only`). */
  only?: readonly string[];
  clock: Clock;
  env: Env;
  redactor: Redactor;
  kinds?: ProbeKinds;
  reach?: Reach;
  signal?: AbortSignal;
}

/**
 * What `ops probe --shard i/N --location L --json` prints: this shard's services probed (after the
 * runner's connectivity pre-check; offline, every result is inconclusive), as the artifact the
 * fan-in merges. Evaluation happens once, in the fan-in, on the merged results.
 */
export async function probeShard(input: ProbeShardInput): Promise<ShardFile> {
  const startedAt = input.clock.now();
  let services = selectShard(input.config.services, input.shard);
  if (input.only) services = services.filter((s) => input.only!.includes(s.id));
  const meta = { shard: formatShard(input.shard), location: input.location, startedAt: startedAt.toISOString() };
  const reach = await checkConnectivity(input.config.connectivity, input.reach);
  if (reach.offline) return { ...shardFile(meta, offlineResults(services, reach.offline, startedAt)), offline: true };
  const results = await probeFleet({
    config: input.config,
    services,
    clock: input.clock,
    env: input.env,
    redactor: input.redactor,
    ...(input.kinds && { kinds: input.kinds }),
    ...(input.signal && { signal: input.signal }),
  });
  return shardFile(meta, results);
}
