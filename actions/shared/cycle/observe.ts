import { attributeCauses } from "../evaluate/dependencies.ts";
import type { Connectivity } from "../connectivity.ts";
import { offlineResults } from "../connectivity.ts";
import { evaluate, type Transition } from "../evaluate/index.ts";
import { probeFleet } from "../probe/engine.ts";
import type { ProbeKinds } from "../probe/kind.ts";
import type { ProbeResult } from "../probe/result.ts";
import type { Latest } from "../store/latest-schema.ts";
import type { RunContext } from "./context.ts";

/** The probe and evaluate steps: what the fleet looks like now. Nothing is written here. */
export interface ProbeOptions {
  /** Probe only these services (the others keep their stored state). */
  only?: readonly string[];
  kinds?: ProbeKinds;
  signal?: AbortSignal;
  /** Results measured elsewhere (merged shards or locations), used instead of probing here. */
  results?: ProbeResult[];
}

export interface Probed {
  results: ProbeResult[];
  finishedAt: Date;
}

/**
 * Probes the fleet (or takes the merged results). Offline, nothing is probed: every service gets
 * an inconclusive result, recorded unknown.
 */
export async function probeStep(ctx: RunContext, connectivity: Connectivity, options: ProbeOptions): Promise<Probed> {
  const services = options.only ? ctx.config.services.filter((s) => options.only!.includes(s.id)) : ctx.config.services;
  const began = ctx.clock.now().getTime();
  const progress = ctx.progress;
  if (progress && !options.results && !connectivity.offline) progress.start(services.length);
  const results =
    options.results ??
    (connectivity.offline
      ? offlineResults(services, connectivity.offline, ctx.runAt)
      : await probeFleet({
          config: ctx.config,
          services,
          clock: ctx.clock,
          env: ctx.env,
          redactor: ctx.redactor,
          ...(options.kinds && { kinds: options.kinds }),
          ...(options.signal && { signal: options.signal }),
          ...(progress && {
            onResult: (r) => progress.done(r.serviceId),
            onConfirming: (id, until) => progress.confirming(id, until),
          }),
        }));
  if (progress && !options.results && !connectivity.offline) progress.end();
  // The run's end on the run's own timeline (a replay at --now lasts as long as the real probing).
  return { results, finishedAt: new Date(ctx.runAt.getTime() + (ctx.clock.now().getTime() - began)) };
}

export interface Evaluated {
  latest: Latest;
  transitions: Transition[];
}

export interface EvaluateOptions {
  previous: Latest | undefined;
  probed: Probed;
  connectivity: Connectivity;
  /** Services inside a maintenance window now. */
  inMaintenance: ReadonlySet<string>;
  locations?: string[];
}

/** Folds the results into the previous state with the runbook's rules (pure). */
export function evaluateStep(ctx: RunContext, o: EvaluateOptions): Evaluated {
  const evaluated = evaluate({
    config: ctx.config,
    results: o.probed.results,
    ...(o.previous && { previous: o.previous }),
    now: ctx.runAt,
    run: { startedAt: ctx.runAt, finishedAt: o.probed.finishedAt, ...(o.locations && { locations: o.locations }) },
    maintenance: o.inMaintenance,
    ...(o.connectivity.offline && { offline: o.connectivity.offline }),
  });
  // Failures behind a down dependency or group are put down to it (one outage, one page).
  return { ...evaluated, latest: attributeCauses(evaluated.latest, ctx.config) };
}
