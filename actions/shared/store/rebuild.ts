import { percentile } from "../probe/stats.ts";
import type { Log } from "../log.ts";
import { type HistoryRecord, readHistory } from "./history.ts";
import type { Latest, ServiceState } from "./latest-schema.ts";

/**
 * When latest.json is lost or corrupt, the services' states are rebuilt from the tail of the
 * history (the last two days): status, since and the consecutive counters come back as they were.
 * What history does not hold (breach start times, incident state) starts afresh; open incidents
 * are found again on GitHub by their markers.
 */
export async function rebuildFromHistory(dataDir: string, now: Date, log: Log): Promise<Latest | undefined> {
  const from = new Date(now.getTime() - 2 * 86_400_000);
  const records = await readHistory(dataDir, { from, to: now }, log);
  if (!records.length) return undefined;
  const byId = new Map<string, HistoryRecord[]>();
  for (const r of records) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  const services: Record<string, ServiceState> = {};
  let last = "";
  for (const [id, list] of byId) {
    list.sort((a, b) => a.t.localeCompare(b.t));
    const tail = list.at(-1)!;
    if (tail.t > last) last = tail.t;
    let i = list.length - 1;
    while (i > 0 && list[i - 1]!.s === tail.s) i--;
    const streak = list.length - i;
    const bad = tail.s === "down" || tail.s === "degraded";
    const latencies = [...tail.l].sort((a, b) => a - b);
    services[id] = {
      id,
      name: id,
      environment: "unknown",
      criticality: "unknown",
      type: "unknown",
      status: tail.s,
      reason: tail.r ?? "",
      since: list[i]!.t,
      checkedAt: tail.t,
      ratings: {},
      metrics: {
        successRate: tail.n ? (tail.ok / tail.n) * 100 : 0,
        okCount: tail.ok,
        count: tail.n,
        ...(latencies.length && { p50: percentile(latencies, 50), p95: percentile(latencies, 95) }),
        ...(tail.v !== undefined && { value: tail.v }),
        statusCodes: [],
        attempts: 1,
      },
      breaches: {},
      consecutiveFailures: bad ? streak : 0,
      consecutiveSuccesses: tail.s === "up" ? streak : 0,
    };
  }
  log.warn(`rebuilt the state of ${byId.size} service(s) from the history up to ${last}`);
  return {
    version: 1,
    updatedAt: last,
    run: { startedAt: last, finishedAt: last, durationMs: 0, offline: false, locations: [] },
    services,
    groups: {},
    incidents: {},
  };
}
