import type { OpsConfig } from "../shared/config/schema/index.ts";
import { cell, duration, ms, pct, utc } from "./format.ts";
import type { IncidentFact } from "./incident-facts.ts";
import { meanOf } from "../shared/store/histogram.ts";
import { DAY, type ReportModel } from "./model.ts";
import { incidentFigures, periodOf, periodTable, slaLines } from "./period.ts";
import { budgetAndIncidentSections } from "./period-sections.ts";
import type { BudgetAlert } from "../shared/slo/slo.ts";
import type { HistoryView } from "../shared/store/view.ts";

/**
 * The post-launch support plan's weekly report (reports/weekly/YYYY-Www.md) for the ISO week
 * before the run that writes it: uptime, incidents by severity, average response time, mean time
 * to resolve, highlights, error budgets and action items.
 */
export interface WeeklyInput {
  config: OpsConfig;
  view: HistoryView;
  model: ReportModel;
  facts: IncidentFact[];
  alerts: BudgetAlert[];
  week: { label: string; start: number };
}

export function renderWeekly({ config, view, model, facts, alerts, week }: WeeklyInput): string {
  const from = week.start;
  const to = from + 7 * DAY;
  const period = periodOf(config, view, from, to);
  const inc = incidentFigures(facts, from, to);
  const highlights: string[] = [];
  const met = period.rows.filter((r) => r.uptime !== undefined && r.uptime >= r.objective);
  const missed = period.rows.filter((r) => r.uptime !== undefined && r.uptime < r.objective);
  const perfect = period.rows.filter((r) => r.uptime === 100);
  if (perfect.length) highlights.push(`✅ 100% uptime: ${perfect.map((r) => r.name).join(", ")}`);
  for (const r of missed)
    highlights.push(
      `⚠️ ${r.name} below its ${r.objective}% objective: ${pct(r.uptime)} (down ${duration(r.stats.ms.down)})`,
    );
  if (inc.opened.length === 0) highlights.push("✅ No incidents opened");
  highlights.push(
    `🎯 Availability objective met by ${met.length} of ${period.rows.filter((r) => r.uptime !== undefined).length} services with data`,
  );
  const noData = period.rows.filter((r) => r.uptime === undefined);
  if (noData.length) highlights.push(`❔ No data for the week: ${noData.map((r) => r.name).join(", ")}`);
  const actions = [
    ...model.openIncidents.map(
      (i) =>
        `- [ ] Resolve ${i.severity} ${cell(i.subject)}${i.number ? ` (#${i.number})` : ""}, open since ${utc(i.openedAt)}`,
    ),
    ...alerts.map((a) => `- [ ] Error budget: ${cell(a.summary)}`),
    ...model.services
      .filter((s) => s.budget.remainingPct !== undefined && s.budget.remainingPct < 25)
      .map((s) =>
        s.budget.remainingPct! < 0
          ? `- [ ] ${cell(s.name)}: 30-day error budget overspent (${(1 - s.budget.remainingPct! / 100).toFixed(2)}× used); hold risky changes`
          : `- [ ] ${cell(s.name)}: only ${pct(s.budget.remainingPct)} of the 30-day error budget left; review before risky changes`,
      ),
  ];
  return [
    `# Week ${week.label} Status Report`,
    "",
    `**Period**: ${new Date(from).toISOString().slice(0, 10)} - ${new Date(to - DAY).toISOString().slice(0, 10)} (UTC)`,
    "",
    "## Key Metrics",
    "",
    `- Uptime: ${pct(period.fleetUptime)}`,
    `- Incidents: P0: ${inc.bySeverity.P0}, P1: ${inc.bySeverity.P1}, P2: ${inc.bySeverity.P2}, P3: ${inc.bySeverity.P3}`,
    `- Avg Response Time (services): ${ms(meanOf(period.fleet.hist))}`,
    `- Avg Resolution Time (MTTR): ${inc.mttr === undefined ? "— (none resolved)" : `${duration(inc.mttr)} over ${inc.resolved.length} incident(s)`}`,
    ...slaLines(inc),
    "",
    "## Highlights",
    "",
    ...highlights.map((h) => `- ${h}`),
    "",
    "## Services",
    "",
    periodTable(period),
    "",
    ...budgetAndIncidentSections(model, inc),
    "",
    "## Action Items for Next Week",
    "",
    ...(actions.length ? actions : ["- [ ] None raised by the monitoring"]),
    "",
  ].join("\n");
}
