import type { OpsConfig } from "../config/schema/index.ts";
import type { Failure, ProbeResult } from "../probe/result.ts";
import type { Latest, ServiceState } from "../store/latest-schema.ts";
import type { Status } from "../status.ts";
import { evaluateGroup } from "./group.ts";
import { evaluateService } from "./service.ts";

export interface Transition {
  kind: "service" | "group";
  id: string;
  from: Status | "new";
  to: Status;
  at: string;
  reason: string;
}

export interface EvaluateInput {
  config: OpsConfig;
  results: ProbeResult[];
  previous?: Latest;
  /** The run's time: every rule reads it from here, never from the system clock. */
  now: Date;
  run: { startedAt: Date; finishedAt: Date; locations?: string[] };
  /** Ids of services inside a maintenance window now. */
  maintenance?: ReadonlySet<string>;
  offline?: Failure;
}

/**
 * Folds this run's probe results into the previous state. Services not probed this run (`--only`,
 * another shard) keep their previous state; services no longer configured are dropped (their
 * history stays). Incident state is carried over untouched: the incident step owns it.
 */
export function evaluate(input: EvaluateInput): { latest: Latest; transitions: Transition[] } {
  const { config, results, previous, now } = input;
  const byId = new Map(results.map((r) => [r.serviceId, r]));
  const services: Record<string, ServiceState> = {};
  const transitions: Transition[] = [];
  const at = now.toISOString();

  for (const svc of config.services) {
    const before = previous?.services[svc.id];
    const result = byId.get(svc.id);
    if (!result) {
      // Not probed this run: keep the state, but names and classes always come from the config
      // (a state rebuilt from history knows only ids).
      if (before)
        services[svc.id] = {
          ...before,
          name: svc.name,
          environment: svc.environment,
          criticality: svc.criticality,
          type: svc.probe.type,
        };
      continue;
    }
    // A replayed run returns the stored state; names and classes still come from the config.
    const evaluated = evaluateService(svc, config.defaults, result, {
      now,
      ...(before && { previous: before }),
      inMaintenance: input.maintenance?.has(svc.id) ?? false,
      ...(input.offline && { offline: input.offline }),
    });
    const state =
      evaluated === before
        ? {
            ...before,
            name: svc.name,
            environment: svc.environment,
            criticality: svc.criticality,
            type: svc.probe.type,
          }
        : evaluated;
    services[svc.id] = state;
    if (!before || before.status !== state.status) {
      transitions.push({
        kind: "service",
        id: svc.id,
        from: before?.status ?? "new",
        to: state.status,
        at,
        reason: state.reason,
      });
    }
  }

  const groups: Latest["groups"] = {};
  for (const g of config.groups) {
    const members = Object.fromEntries(g.members.map((id) => [id, services[id]?.status]));
    const before = previous?.groups[g.id];
    const state =
      before && Date.parse(before.checkedAt) >= now.getTime() ? before : evaluateGroup(g, members, now, before);
    groups[g.id] = state;
    if (!before || before.status !== state.status) {
      transitions.push({
        kind: "group",
        id: g.id,
        from: before?.status ?? "new",
        to: state.status,
        at,
        reason: state.reason,
      });
    }
  }

  const { startedAt, finishedAt } = input.run;
  // A run already stored (same run time, or an older one replayed) leaves the run record as it was.
  const replay = previous !== undefined && Date.parse(previous.updatedAt) >= now.getTime();
  return {
    latest: {
      version: 1,
      updatedAt: replay ? previous.updatedAt : at,
      run: replay
        ? previous.run
        : {
            startedAt: startedAt.toISOString(),
            finishedAt: finishedAt.toISOString(),
            durationMs: finishedAt.getTime() - startedAt.getTime(),
            offline: !!input.offline,
            locations: input.run.locations ?? [],
          },
      services,
      groups,
      incidents: previous?.incidents ?? {},
      ...(previous?.archive && { archive: previous.archive }),
    },
    transitions,
  };
}
