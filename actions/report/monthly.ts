import type { OpsConfig } from "../shared/config/schema/index.ts";
import { duration, pct } from "./format.ts";
import type { IncidentFact } from "./incident-facts.ts";
import { DAY, type ReportModel } from "./model.ts";
import { incidentFigures, periodOf, periodTable, slaLines } from "./period.ts";
import { budgetAndIncidentSections } from "./period-sections.ts";
import type { HistoryView } from "../shared/store/view.ts";

/**
 * The support plan's monthly review (reports/monthly/YYYY-MM.md) for the calendar month (UTC)
 * before the run that writes it: uptime per service, MTTR, incidents by severity, time to
 * acknowledge and SLA breaches (incidents.sla), and the error budgets at writing.
 */
export interface MonthlyInput {
  config: OpsConfig;
  view: HistoryView;
  model: ReportModel;
  facts: IncidentFact[];
  month: { label: string; start: number; end: number };
}

/** The month before the one `now` falls in, and whether `now` is still in the week a monthly review may be written (its first 7 days). */
export function previousMonth(now: number): { label: string; start: number; end: number; due: boolean } {
  const d = new Date(now);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const p = new Date(end - DAY);
  const start = Date.UTC(p.getUTCFullYear(), p.getUTCMonth(), 1);
  return {
    label: `${p.getUTCFullYear()}-${String(p.getUTCMonth() + 1).padStart(2, "0")}`,
    start,
    end,
    due: now - end < 7 * DAY,
  };
}

export function renderMonthly({ config, view, model, facts, month }: MonthlyInput): string {
  const period = periodOf(config, view, month.start, month.end);
  const inc = incidentFigures(facts, month.start, month.end);
  return [
    `# ${month.label} Monthly Review`,
    "",
    `**Period**: ${new Date(month.start).toISOString().slice(0, 10)} - ${new Date(month.end - DAY).toISOString().slice(0, 10)} (UTC)`,
    "",
    "## Key Metrics",
    "",
    `- Uptime: ${pct(period.fleetUptime)}`,
    `- Incidents: ${inc.opened.length} (P0: ${inc.bySeverity.P0}, P1: ${inc.bySeverity.P1}, P2: ${inc.bySeverity.P2}, P3: ${inc.bySeverity.P3})`,
    `- Mean Time to Resolve (MTTR): ${inc.mttr === undefined ? "— (none resolved)" : `${duration(inc.mttr)} over ${inc.resolved.length} incident(s)`}`,
    ...slaLines(inc),
    "",
    "## Uptime per service",
    "",
    periodTable(period),
    "",
    ...budgetAndIncidentSections(model, inc),
    "",
  ].join("\n");
}
