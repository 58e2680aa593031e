import type { OpsConfig } from "../shared/config/schema/index.ts";
import { ms, pct } from "./format.ts";
import type { Overall, ReportModel } from "./model.ts";

/**
 * shields.io endpoint badges (https://shields.io/badges/endpoint-badge), one JSON file each under
 * reports/badges/: <id>-uptime-24h.json, <id>-uptime-7d.json, <id>-uptime-30d.json,
 * <id>-response-time.json, and status.json for the whole fleet. Shown with
 * https://img.shields.io/endpoint?url=https://raw.githubusercontent.com/<owner>/<repo>/main/reports/badges/<file>
 */
export interface Badge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

export function uptimeColor(value: number | undefined, objective: number): string {
  if (value === undefined) return "lightgrey";
  if (value >= objective) return "brightgreen";
  if (value >= 99) return "green";
  if (value >= 95) return "yellow";
  if (value >= 90) return "orange";
  return "red";
}

function latencyColor(p95: number | undefined, yellow: number, red: number): string {
  if (p95 === undefined) return "lightgrey";
  return p95 >= red ? "red" : p95 >= yellow ? "yellow" : "brightgreen";
}

const OVERALL_BADGE: Record<Overall, [string, string]> = {
  operational: ["operational", "brightgreen"],
  degraded: ["degraded", "yellow"],
  partial: ["partial outage", "orange"],
  major: ["major outage", "red"],
  offline: ["unknown (runner offline)", "lightgrey"],
  nodata: ["no data", "lightgrey"],
};

/** File name (relative to reports/badges/) → badge. */
export function badgesFor(config: OpsConfig, model: ReportModel): Map<string, Badge> {
  const out = new Map<string, Badge>();
  const [message, color] = OVERALL_BADGE[model.overall];
  out.set("status.json", { schemaVersion: 1, label: "status", message, color });
  for (const s of model.services) {
    const svc = config.services.find((c) => c.id === s.id);
    for (const [key, label] of [
      ["h24", "24h"],
      ["d7", "7d"],
      ["d30", "30d"],
    ] as const) {
      out.set(`${s.id}-uptime-${label}.json`, {
        schemaVersion: 1,
        label: `${s.name} uptime ${label}`,
        message: pct(s.uptime[key]),
        color: uptimeColor(s.uptime[key], s.objective.availability),
      });
    }
    const t = svc?.thresholds.latency;
    const target = s.objective.latency?.below ?? 500;
    out.set(`${s.id}-response-time.json`, {
      schemaVersion: 1,
      label: `${s.name} p95`,
      message: ms(s.p95h24),
      color: latencyColor(s.p95h24, t?.yellow ?? target, t?.red ?? target * 4),
    });
  }
  return out;
}
