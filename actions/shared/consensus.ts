import type { ProbeResult } from "./probe/result.ts";

/**
 * Multi-location consensus. Each location (a runner label: GitHub-hosted, or self-hosted runners in
 * other regions) probes the whole fleet; a service counts as down only if at least `downQuorum` %
 * of the locations that could judge it see it down. One runner's network trouble raises no alarm.
 */
export interface LocationResults {
  location: string;
  results: ProbeResult[];
}

export interface ConsensusOptions {
  /** Percent of judging locations that must see a service down (config `consensus.downQuorum`, default 50). */
  downQuorum: number;
  /** What "sees it down" means for one location's result; default: every sample of the final attempt failed. */
  isDown?: (r: ProbeResult) => boolean;
}

export const everySampleFailed = (r: ProbeResult): boolean => {
  const last = r.lastAttempt ?? r.metrics;
  return last.count > 0 && last.okCount === 0;
};

export interface Vote {
  serviceId: string;
  down: string[];
  up: string[];
  /** Locations whose result said nothing about the service (runner offline, missing secret). */
  abstained: string[];
  /** True when at least `downQuorum` % of the judging locations saw it down. */
  downByConsensus: boolean;
}

export interface ConsensusOutcome {
  /** One result per service, as a single-location run would give (config order of first appearance). */
  results: ProbeResult[];
  votes: Vote[];
}

/**
 * Down by consensus: the result of a location that saw it down. Otherwise: the median non-down
 * location's view (by success rate, then p95), so one slow region neither hides nor invents
 * degradation. Inconclusive results don't vote; if nobody could judge, the first result stands
 * (inconclusive, so `unknown`). Results are passed through unchanged: the evaluation downstream
 * is the same as for one location.
 */
export function consensus(locations: readonly LocationResults[], opts: ConsensusOptions): ConsensusOutcome {
  const isDown = opts.isDown ?? everySampleFailed;
  const order: string[] = [];
  const byService = new Map<string, View[]>();
  for (const loc of locations) {
    for (const result of loc.results) {
      let views = byService.get(result.serviceId);
      if (!views) {
        views = [];
        byService.set(result.serviceId, views);
        order.push(result.serviceId);
      }
      views.push({ location: loc.location, result });
    }
  }
  const outcome: ConsensusOutcome = { results: [], votes: [] };
  for (const id of order) {
    const { result, vote } = decide(id, byService.get(id) ?? [], opts.downQuorum, isDown);
    outcome.results.push(result);
    outcome.votes.push(vote);
  }
  return outcome;
}

interface View {
  location: string;
  result: ProbeResult;
}

function decide(serviceId: string, views: View[], downQuorum: number, isDown: (r: ProbeResult) => boolean) {
  const first = views[0];
  if (!first) throw new Error(`consensus: service ${serviceId} has no result (bug)`);
  const judging = views.filter((v) => !v.result.inconclusive);
  const down = judging.filter((v) => isDown(v.result));
  const up = judging.filter((v) => !isDown(v.result));
  const downByConsensus = judging.length > 0 && (down.length / judging.length) * 100 >= downQuorum;
  const vote: Vote = {
    serviceId,
    down: down.map((v) => v.location),
    up: up.map((v) => v.location),
    abstained: views.filter((v) => v.result.inconclusive).map((v) => v.location),
    downByConsensus,
  };
  if (judging.length === 0) return { result: first.result, vote };
  if (downByConsensus) return { result: (down[0] ?? first).result, vote };
  const ranked = [...up].sort(
    (a, b) =>
      b.result.metrics.successRate - a.result.metrics.successRate ||
      (a.result.metrics.p95 ?? 0) - (b.result.metrics.p95 ?? 0),
  );
  return { result: (ranked[Math.floor((ranked.length - 1) / 2)] ?? first).result, vote };
}

/** One line per disagreement, for the job summary and the run log. */
export function describeVotes(votes: readonly Vote[]): string[] {
  return votes
    .filter((v) => v.down.length > 0 && v.up.length > 0)
    .map((v) =>
      v.downByConsensus
        ? `${v.serviceId}: down at ${v.down.join(", ")}; up at ${v.up.join(", ")}: down by consensus`
        : `${v.serviceId}: down only at ${v.down.join(", ")} (up at ${v.up.join(", ")}): below quorum, not counted`,
    );
}
