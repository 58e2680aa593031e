import type { Severity, Status } from "../shared/status.ts";

/**
 * Severity from what the service is (criticality) and how it is failing (status), following the
 * runbooks: P0 "complete service outage" of a critical service; P1 "major functionality broken",
 * i.e. a critical service degraded or an important one down; P2 "partial functionality, workarounds
 * available"; P3 "minor". `null`: this status opens no incident.
 */
export const SEVERITY_TABLE: Record<string, { down: Severity; degraded: Severity }> = {
  critical: { down: "P0", degraded: "P1" },
  high: { down: "P1", degraded: "P2" },
  medium: { down: "P2", degraded: "P3" },
  low: { down: "P3", degraded: "P3" },
};

export function severityFor(criticality: string, status: Status): Severity | null {
  if (status !== "down" && status !== "degraded") return null;
  const row = SEVERITY_TABLE[criticality] ?? SEVERITY_TABLE.medium!;
  return row[status];
}

/** P0 is the most severe; `worse("P2", "P0")` is "P0". */
export function worse(a: Severity, b: Severity): Severity {
  return a < b ? a : b;
}

/** PagerDuty Events v2 severities. */
export function pagerDutySeverity(s: Severity): "critical" | "error" | "warning" | "info" {
  return ({ P0: "critical", P1: "error", P2: "warning", P3: "info" } as const)[s];
}
