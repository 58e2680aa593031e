import type { OpsConfig } from "../shared/config/schema/index.ts";
import { utc, pct, duration } from "./format.ts";
import type { IncidentFact } from "./incident-facts.ts";
import { DAY, type ReportModel } from "./model.ts";
import { incidentFigures, periodOf, periodTable } from "./period.ts";
import { incidentSection } from "./period-sections.ts";
import { OVERALL } from "./status.ts";
import type { HistoryView } from "../shared/store/view.ts";

/**
 * The runbook's end-of-day summary (reports/daily/YYYY-MM-DD.md), written at `schedule.daily`
 * (23:00 UTC by default). It covers the 24 hours up to that time (by default 23:00 the day before
 * to 23:00), so consecutive summaries tile the timeline: the hour after 23:00 belongs to the next
 * day's summary. (Covering the UTC day up to the writing run left 23:00–24:00 in none, and a late
 * run's summary depended on when it ran.)
 */
export interface DailyInput {
  config: OpsConfig;
  view: HistoryView;
  model: ReportModel;
  facts: IncidentFact[];
  day: string;
}

/** The period of the summary named `day`: the 24 hours ending at `day` + the daily time (UTC). */
export function dailyPeriod(day: string, time: string): { from: number; to: number } {
  const to = Date.parse(`${day}T${time}:00.000Z`);
  return { from: to - DAY, to };
}

export function renderDaily({ config, view, model, facts, day }: DailyInput): string {
  const { from, to } = dailyPeriod(day, config.schedule.daily);
  const period = periodOf(config, view, from, to);
  const inc = incidentFigures(facts, from, to);
  const worst = [...period.rows]
    .filter((r) => r.uptime !== undefined)
    .sort((a, b) => a.uptime! - b.uptime! || a.id.localeCompare(b.id))[0];
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
    ...incidentSection(inc),
    "",
  ].join("\n");
}
