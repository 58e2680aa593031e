import type { DefaultsConfig, ServiceConfig } from "../config/schema/index.ts";
import { describeFailure, type Failure, type ProbeResult } from "../probe/result.ts";
import type { ServiceState } from "../store/latest-schema.ts";
import type { Rating, Status } from "../status.ts";
import { rateMetrics } from "./rate.ts";
import { blindness } from "./blind.ts";
import { rateSuccess } from "./success.ts";
import { applySustain } from "./sustain.ts";
import { sinceOf } from "./since.ts";

export interface ServiceContext {
  now: Date;
  previous?: ServiceState;
  inMaintenance: boolean;
  /** Set when the runner itself could not reach the internet: nothing can be said of the service. */
  offline?: Failure;
}

/**
 * Rates one service's probe result and folds it into its state from the previous run.
 * A run is identified by its run time: a state already checked at `now` (the same run replayed) or
 * later (a replay of an older run) is returned as it is, so counters, `since`, breaches and the
 * success-rate window advance once per distinct run, however often it is run.
 */
export function evaluateService(
  service: ServiceConfig,
  defaults: DefaultsConfig,
  result: ProbeResult,
  ctx: ServiceContext,
): ServiceState {
  const { now, previous } = ctx;
  if (previous && Date.parse(previous.checkedAt) >= now.getTime()) return previous;
  const inconclusive = ctx.offline ?? result.inconclusive;
  const successThreshold = service.thresholds.successRate ?? defaults.thresholds.successRate;
  const success = successThreshold
    ? rateSuccess({
        threshold: successThreshold,
        run: result.metrics,
        lastAttempt: result.lastAttempt ?? result.metrics,
        previous: previous?.window ?? [],
        now,
        joins: !inconclusive && !ctx.inMaintenance,
      })
    : undefined;
  const metricRatings = rateMetrics(service, defaults, result.metrics);
  if (success?.rating) metricRatings.unshift(success.rating);
  const rated = applySustain(metricRatings, previous?.breaches ?? {}, now);
  const ratings: Partial<Record<string, Rating>> = {};
  for (const r of rated.ratings) ratings[r.metric] = r.effective;

  let status: Status;
  let reason: string;
  const reds = rated.ratings.filter((r) => r.effective === "red");
  const yellows = rated.ratings.filter((r) => r.effective === "yellow");
  const pending = rated.ratings.flatMap((r) => (r.pending ? [`pending: ${r.pending}`] : []));
  const failure = result.metrics.lastFailure ? describeFailure(result.metrics.lastFailure) : undefined;

  if (inconclusive) {
    status = "unknown";
    reason = describeFailure(inconclusive);
  } else if (reds.some((r) => r.redIsDown)) {
    status = "down";
    reason = join([failure, ...reds.map((r) => r.text)]);
  } else if (reds.length || yellows.length || result.metrics.warning) {
    status = "degraded";
    reason = join([...reds, ...yellows].map((r) => r.text).concat(result.metrics.warning ?? [], failure ?? []));
  } else {
    status = "up";
    reason = join(pending);
  }
  if (ctx.inMaintenance) {
    // Probes still run and are recorded; the status says why nobody is paged.
    reason = join([`maintenance (measured: ${status}${reason ? `, ${reason}` : ""})`]);
    status = "maintenance";
  }

  const m = result.metrics;
  const iso = now.toISOString();
  return {
    id: service.id,
    name: service.name,
    environment: service.environment,
    criticality: service.criticality,
    type: service.probe.type,
    status,
    reason,
    since: sinceOf(previous, status, iso),
    checkedAt: iso,
    ratings,
    metrics: {
      successRate: m.successRate,
      okCount: m.okCount,
      count: m.count,
      ...(m.p50 !== undefined && { p50: m.p50 }),
      ...(m.p95 !== undefined && { p95: m.p95 }),
      ...(m.p99 !== undefined && { p99: m.p99 }),
      ...(m.max !== undefined && { max: m.max }),
      ...(m.certDaysLeft !== undefined && { certDaysLeft: m.certDaysLeft }),
      ...(m.value !== undefined && { value: m.value }),
      statusCodes: m.statusCodes,
      attempts: result.attempts,
    },
    breaches: inconclusive ? (previous?.breaches ?? {}) : rated.breaches,
    ...counters(status, previous),
    ...lastSeen("lastUpAt", status === "up" ? iso : previous?.lastUpAt),
    ...lastSeen("lastDownAt", status === "down" ? iso : previous?.lastDownAt),
    ...blindness(previous, status, now, !!ctx.offline),
    ...(success && { window: success.window }),
  };
}

/** Down and degraded runs count as failures, up runs as successes; unknown and maintenance count as neither. */
function counters(status: Status, previous: ServiceState | undefined) {
  const failures = previous?.consecutiveFailures ?? 0;
  const successes = previous?.consecutiveSuccesses ?? 0;
  if (status === "down" || status === "degraded") return { consecutiveFailures: failures + 1, consecutiveSuccesses: 0 };
  if (status === "up") return { consecutiveFailures: 0, consecutiveSuccesses: successes + 1 };
  return { consecutiveFailures: failures, consecutiveSuccesses: successes };
}

function lastSeen<K extends "lastUpAt" | "lastDownAt">(key: K, at: string | undefined): { [P in K]?: string } {
  return (at === undefined ? {} : { [key]: at }) as { [P in K]?: string };
}

function join(parts: Array<string | undefined>): string {
  return [...new Set(parts.filter((p): p is string => !!p))].join("; ");
}
