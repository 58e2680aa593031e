import type { Latest } from "../../actions/shared/store/latest-schema.ts";
import type { Status } from "../../actions/shared/status.ts";

const AT = "2026-11-22T16:20:00.000Z";

/** A valid latest.json with the given statuses and open incidents, written at `at`. */
export function latest(
  statuses: Record<string, Status>,
  incidents: Array<[string, "P0" | "P1" | "P2" | "P3"]> = [],
  offline = false,
  at = AT,
): Latest {
  const services: Latest["services"] = {};
  for (const [id, status] of Object.entries(statuses)) {
    services[id] = {
      id,
      name: id,
      environment: "production",
      criticality: "critical",
      type: "http",
      status,
      reason: "",
      since: at,
      checkedAt: at,
      ratings: {},
      metrics: { successRate: 100, okCount: 3, count: 3, statusCodes: [200], attempts: 1 },
      breaches: {},
      consecutiveFailures: 0,
      consecutiveSuccesses: 1,
    };
  }
  const open: Latest["incidents"] = {};
  for (const [id, severity] of incidents) {
    open[`service:${id}`] = {
      key: `service:${id}`,
      kind: "service",
      subject: id,
      state: "open",
      severity,
      status: "down",
      openedAt: at,
      escalationLevel: 1,
      goodRuns: 0,
      notified: [],
      timeline: [],
      evidence: {},
    };
  }
  return {
    version: 1,
    updatedAt: at,
    run: { startedAt: at, finishedAt: at, durationMs: 10, offline, locations: [] },
    services,
    groups: {},
    incidents: open,
  };
}
