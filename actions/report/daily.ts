import type { OpsConfig } from "../shared/config/schema/index.ts";
import { utc, pct, duration } from "./format.ts";
import type { IncidentFact } from "./incident-facts.ts";
import { DAY, type ReportModel } from "./model.ts";
import { incidentFigures, incidentLines, periodOf, periodTable } from "./period.ts";
import { OVERALL } from "./status.ts";
import type { HistoryView } from "../shared/store/view.ts";

/**
 * The runbook's end-of-day summary (reports/daily/YYYY-MM-DD.md), written at `schedule.daily`
 * (23:00 UTC by default) and covering the UTC day up to the run that writes it.
 */
export interface DailyInput {
  config: OpsConfig;
  view: HistoryView;
  model: ReportModel;
  facts: IncidentFact[];
  day: string;
}

export function renderDaily({ config, view, model, facts, day }: DailyInput): string {
  const from = Date.parse(`${day}T00:00:00.000Z`);
  const to = Math.min(from + DAY, model.now);
  const period = periodOf(config, view, from, to);
  const inc = incidentFigures(facts, from, to);
  const worst = [...period.rows].filter((r) => r.uptime !== undefined).sort((a, b) => a.uptime! - b.uptime! || a.id.localeCompare(b.id))[0];
  return [
    `# End of day summary: ${day}`,
    "",
    `Covers ${utc(from)} to ${utc(to)}. Status at writing: ${OVERALL[model.overall]}.`,
    "",
    "## Key figures",
    "",
    `- Fleet uptime: ${pct(period.fleetUptime)} (downtime ${duration(period.fleet.ms.down)}, maintenance ${duration(period.fleet.ms.maintenance)}, unknown ${duration(period.fleet.ms.unknown)} across ${period.rows.length} services)`,
    `- Incidents opened: P0: ${inc.bySeverity.P0}, P1: ${inc.bySeverity.P1}, P2: ${inc.bySeverity.P2}, P3: ${inc.bySeverity.P3}`,
    `- Incidents resolved: ${inc.resolved.length}${inc.mttr === undefined ? "" : `, mean time to resolve ${duration(inc.mttr)}`}`,
    `- Lowest uptime: ${worst ? `${worst.name} ${pct(worst.uptime)}` : "no data"}`,
    "",
    "## Services",
    "",
    periodTable(period),
    "",
    "## Incidents",
    "",
    ...(inc.opened.length || inc.resolved.length ? incidentLines([...new Set([...inc.opened, ...inc.resolved])]) : ["None."]),
    "",
  ].join("\n");
}
