import type { Clock } from "../shared/clock.ts";
import type { OpsConfig } from "../shared/config/schema/index.ts";
import type { Env, Redactor } from "../shared/config/secrets.ts";
import { evaluate, type Transition } from "../shared/evaluate/index.ts";
import { probeFleet } from "../shared/probe/engine.ts";
import type { ProbeKinds } from "../shared/probe/kind.ts";
import type { Failure, ProbeResult } from "../shared/probe/result.ts";
import type { Log } from "../shared/store/files.ts";
import { appendHistory, toHistoryRecord } from "../shared/store/history.ts";
import { readLatest, writeLatest } from "../shared/store/latest.ts";
import { rebuildFromHistory } from "../shared/store/rebuild.ts";
import type { Latest } from "../shared/store/latest-schema.ts";

export interface ProbeStepInput {
  config: OpsConfig;
  dataDir: string;
  clock: Clock;
  env: Env;
  redactor: Redactor;
  log: Log;
  kinds?: ProbeKinds;
  /** Probe only these services (the others keep their stored state). */
  only?: string[];
  /** Services inside a maintenance window now. */
  maintenance?: ReadonlySet<string>;
  /** The runner could not reach the internet: record unknown, blame nobody. */
  offline?: Failure;
  /** Results measured elsewhere (shards, locations), merged instead of probing here. */
  results?: ProbeResult[];
  /** Runner locations whose results were merged (multi-location consensus). */
  locations?: string[];
  /** The run's time (`--now`); default the clock's reading at the start. */
  runAt?: Date;
  /** false: probe and evaluate, write nothing (`ops probe`). */
  write: boolean;
  signal?: AbortSignal;
}

export interface ProbeStepOutput {
  latest: Latest;
  previous?: Latest;
  results: ProbeResult[];
  transitions: Transition[];
  /** Bytes this run appended to the history. */
  historyBytes: number;
}

/** probe → evaluate → store: the part of `ops run` every other step reads. */
export async function runProbeStep(input: ProbeStepInput): Promise<ProbeStepOutput> {
  const { config, dataDir, clock, log } = input;
  const startedAt = input.runAt ?? clock.now();
  const began = clock.now().getTime();
  const stored = await readLatest(dataDir, startedAt, log);
  // A lost or corrupt latest.json is rebuilt from the history tail, so `since` and counters survive.
  const previous = stored.kind === "ok" ? stored.latest : await rebuildFromHistory(dataDir, startedAt, log);

  const services = input.only ? config.services.filter((s) => input.only!.includes(s.id)) : config.services;
  const results =
    input.results ??
    (await probeFleet({
      config,
      services,
      clock,
      env: input.env,
      redactor: input.redactor,
      ...(input.kinds && { kinds: input.kinds }),
      ...(input.signal && { signal: input.signal }),
    }));
  const finishedAt = new Date(startedAt.getTime() + (clock.now().getTime() - began));

  const { latest, transitions } = evaluate({
    config,
    results,
    ...(previous && { previous }),
    now: startedAt,
    run: { startedAt, finishedAt, ...(input.locations && { locations: input.locations }) },
    ...(input.maintenance && { maintenance: input.maintenance }),
    ...(input.offline && { offline: input.offline }),
  });

  let historyBytes = 0;
  if (input.write) {
    const byId = new Map(results.map((r) => [r.serviceId, r]));
    const at = startedAt.toISOString();
    const records = results.flatMap((r) => {
      const state = latest.services[r.serviceId];
      return state ? [toHistoryRecord(state, byId.get(r.serviceId), at)] : [];
    });
    historyBytes = await appendHistory(dataDir, records);
    await writeLatest(dataDir, latest);
  }
  return { latest, ...(previous && { previous }), results, transitions, historyBytes };
}
