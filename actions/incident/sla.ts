import type { SlaConfig } from "../shared/config/schema/incidents.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";

/**
 * An incident measured against the support plan's SLAs (`incidents.sla`). Pure; the lifecycle uses
 * it to escalate, the weekly and monthly reports to count breaches.
 *
 * - Time to acknowledge: from the opening to the acknowledgement (`ackedAt`).
 * - Response breach: acknowledged later than `respond`, or not acknowledged by then while still
 *   open (or closed only after it). An incident that resolved itself before `respond` is no breach.
 * - Resolution breach: failing (from `startedAt`) for longer than `resolve`, open or closed.
 */
export interface SlaView {
  timeToAckMs?: number;
  responseBreached: boolean;
  resolutionBreached: boolean;
  respondMs: number;
  resolveMs: number;
}

export function slaView(state: IncidentState, sla: SlaConfig, now: Date): SlaView {
  const target = sla[state.severity];
  const opened = Date.parse(state.openedAt);
  const started = Date.parse(state.startedAt ?? state.openedAt);
  const end = state.state === "closed" && state.closedAt ? Date.parse(state.closedAt) : now.getTime();
  const acked = state.ackedAt !== undefined ? Date.parse(state.ackedAt) : undefined;
  const timeToAckMs = acked !== undefined ? Math.max(0, acked - opened) : undefined;
  const responseBreached = timeToAckMs !== undefined ? timeToAckMs > target.respond : end - opened > target.respond;
  return {
    ...(timeToAckMs !== undefined && { timeToAckMs }),
    responseBreached,
    resolutionBreached: end - started > target.resolve,
    respondMs: target.respond,
    resolveMs: target.resolve,
  };
}
