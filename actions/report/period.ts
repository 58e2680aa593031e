import type { OpsConfig } from "../shared/config/schema/index.ts";
import { availability, emptyStats, addDurations, type WindowStats } from "../shared/store/durations.ts";
import { meanOf, mergeInto, quantile } from "../shared/store/histogram.ts";
import { cell, duration, ms, pct, table } from "./format.ts";
import type { IncidentFact } from "./incident-facts.ts";
import { objectiveOf } from "../shared/slo/slo.ts";
import type { HistoryView } from "../shared/store/view.ts";

/** Per-service figures over a closed period, shared by the daily and weekly reports. */
export interface PeriodRow {
  id: string;
  name: string;
  stats: WindowStats;
  uptime?: number;
  objective: number;
}

export interface Period {
  rows: PeriodRow[];
  fleet: WindowStats;
  fleetUptime?: number;
}

export function periodOf(config: OpsConfig, view: HistoryView, from: number, to: number): Period {
  const fleet = emptyStats();
  const rows = config.services.map((svc) => {
    const stats = view.window(svc.id, from, to);
    addDurations(fleet.ms, stats.ms);
    fleet.runs += stats.runs;
    mergeInto(fleet.hist, stats.hist);
    return {
      id: svc.id,
      name: svc.name,
      stats,
      uptime: availability(stats.ms),
      objective: objectiveOf(svc, config).availability,
    };
  });
  return { rows, fleet, fleetUptime: availability(fleet.ms) };
}

export function periodTable(period: Period): string {
  return table(
    ["Service", "Uptime", "Objective", "Downtime", "Maintenance", "Unknown", "p50", "p95", "Mean", "Checks"],
    period.rows.map((r) => [
      cell(r.name),
      `${r.uptime === undefined ? "" : r.uptime >= r.objective ? "✅ " : "⚠️ "}${pct(r.uptime)}`,
      `${r.objective}%`,
      duration(r.stats.ms.down),
      duration(r.stats.ms.maintenance),
      duration(r.stats.ms.unknown),
      ms(quantile(r.stats.hist, 0.5)),
      ms(quantile(r.stats.hist, 0.95)),
      ms(meanOf(r.stats.hist)),
      String(r.stats.runs),
    ]),
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

/** Incidents opened in [from, to), by severity, and the mean time to resolve of those closed in it. */
export function incidentFigures(facts: IncidentFact[], from: number, to: number) {
  const opened = facts.filter((f) => f.openedAt !== undefined && f.openedAt >= from && f.openedAt < to);
  const bySeverity = { P0: 0, P1: 0, P2: 0, P3: 0 } as Record<"P0" | "P1" | "P2" | "P3", number>;
  for (const f of opened) if (f.severity) bySeverity[f.severity]++;
  const resolved = facts.filter(
    (f) =>
      f.closedAt !== undefined &&
      f.openedAt !== undefined &&
      f.closedAt >= from &&
      f.closedAt < to &&
      f.closedAt >= f.openedAt,
  );
  const mttr = resolved.length
    ? resolved.reduce((s, f) => s + (f.closedAt! - f.openedAt!), 0) / resolved.length
    : undefined;
  const acked = opened.filter((f) => f.timeToAckMs !== undefined);
  const meanAck = acked.length ? acked.reduce((s, f) => s + f.timeToAckMs!, 0) / acked.length : undefined;
  const breaches = {
    response: opened.filter((f) => f.responseBreached),
    resolution: [...new Set([...opened, ...resolved])].filter((f) => f.resolutionBreached),
  };
  return { opened, bySeverity, resolved, mttr, acked, meanAck, breaches };
}

/** The time-to-acknowledge and SLA lines of the weekly and monthly reports. */
export function slaLines(inc: ReturnType<typeof incidentFigures>): string[] {
  const list = (fs: IncidentFact[]) =>
    fs.length ? ` (${fs.map((f) => (f.number ? `#${f.number}` : cell(f.subject))).join(", ")})` : "";
  return [
    `- Time to Acknowledge: ${inc.meanAck === undefined ? "— (none acknowledged)" : `${duration(inc.meanAck)} on average, ${inc.acked.length} of ${inc.opened.length} acknowledged`}`,
    `- SLA breaches: response ${inc.breaches.response.length}${list(inc.breaches.response)}, resolution ${inc.breaches.resolution.length}${list(inc.breaches.resolution)}`,
  ];
}

export function incidentLines(facts: IncidentFact[]): string[] {
  return facts.map((f) => {
    const ref = f.number ? (f.url ? `[#${f.number}](${f.url})` : `#${f.number}`) : cell(f.id);
    const span =
      f.closedAt !== undefined && f.openedAt !== undefined
        ? `resolved after ${duration(f.closedAt - f.openedAt)}`
        : "still open";
    return `- ${ref} ${f.severity ?? "P?"} ${cell(f.subject)}${f.kind === "budget" ? " (error budget)" : ""}: ${span}`;
  });
}
