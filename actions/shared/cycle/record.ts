import type { ProbeResult } from "../probe/result.ts";
import { appendHistory, toHistoryRecord } from "../store/history.ts";
import type { Latest } from "../store/latest-schema.ts";
import { compactHistory } from "../store/rollup.ts";
import type { RunContext } from "./context.ts";

/**
 * The store and roll-up steps: the run's history records appended to today's file (what every
 * uptime figure is computed from), then whole past days rolled up and old raw days pruned.
 * Returns the bytes appended.
 */
export async function storeStep(ctx: RunContext, latest: Latest, results: readonly ProbeResult[]): Promise<number> {
  const at = ctx.runAt.toISOString();
  const records = results.flatMap((r) => {
    const state = latest.services[r.serviceId];
    return state ? [toHistoryRecord(state, r, at)] : [];
  });
  return appendHistory(ctx.dataDir, records);
}

export async function rollupStep(ctx: RunContext): Promise<void> {
  await compactHistory({ dataDir: ctx.dataDir, config: ctx.config, now: ctx.runAt, log: ctx.log });
}
