import { type GapDecision, measureGap, recordGap } from "../heartbeat/index.ts";
import type { Latest } from "../store/latest-schema.ts";
import type { RunContext } from "./context.ts";

/**
 * The monitor watches itself: the time since the previous run (GitHub's cron starts late, drops
 * runs, or is disabled), measured before this run's state replaces the previous one.
 */
export function gapStep(ctx: RunContext, previous: Latest | undefined): GapDecision {
  const h = ctx.config.heartbeat;
  return measureGap({
    previousRunAt: previous?.run.startedAt,
    now: ctx.runAt,
    cron: ctx.config.schedule.monitor,
    ...(h.gapThreshold !== undefined && { thresholdMs: h.gapThreshold }),
    incidentAfterMs: h.gapIncident,
  });
}

/** The state with the recorded gaps carried over, and this run's gap added (replaying it adds nothing). */
export function withGaps(latest: Latest, previous: Latest | undefined, gap: GapDecision): Latest {
  const before = previous?.gaps ?? [];
  const gaps = gap.kind === "gap" ? recordGap(before, gap.gap) : before;
  return gaps.length ? { ...latest, gaps } : latest;
}
