import type { OpsConfig } from "../shared/config/schema/index.ts";
import { STATUS_EMOJI, type Status } from "../shared/status.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { BUDGET_WINDOW_MS, type Budget, type BudgetAlert } from "../shared/slo/slo.ts";
import { cell, duration, ms, pct, table, utc } from "./format.ts";
import type { GroupModel, Overall, ReportModel, ServiceModel } from "./model.ts";
import { CHART_KEY } from "./charts.ts";
import { cadenceOf, parseCron } from "./cron.ts";
import { activeSilences } from "../incident/silences.ts";

/** Data older than this many schedule intervals is called stale (the status site uses the same). */
export const STALE_FACTOR = 3;

/** `reports/STATUS.md`: the page people open first. */
export const OVERALL: Record<Overall, string> = {
  operational: "✅ **All systems operational**",
  degraded: "⚠️ **Degraded performance**",
  partial: "🟠 **Partial outage**",
  major: "❌ **Major outage**",
  offline: "❔ **Last run could not check (the runner was offline)**",
  nodata: "❔ **No checks recorded yet**",
};

const ENV_ORDER = ["production", "staging", "shared"];

export interface StatusPage {
  model: ReportModel;
  config: OpsConfig;
  nextCheck?: Date;
  alerts: BudgetAlert[];
  charts: string[];
}

export function renderStatus({ model, config, nextCheck, alerts, charts }: StatusPage): string {
  const out = [
    `# ${model.title}`,
    "",
    overallLine(model, nextCheck),
    "",
    freshnessLine(model, config),
    ...(config.site.baseUrl
      ? ["", `🌐 Status site with the daily history, incidents and feeds: ${config.site.baseUrl}`]
      : []),
    "",
    statusTables(model),
    "## Incidents (open, and closed in the last 7 days)",
    "",
    recentIncidentList(model),
    "",
    "## Maintenance",
    "",
    maintenanceList(model, config),
    "",
    ...silenceSection(model, config),
    "## Error budgets (rolling 30 days)",
    "",
    budgetTable(model.services),
    "",
    burnRateSection(alerts),
    "",
  ];
  if (charts.length) out.push("## Charts", "", CHART_KEY, "", charts.join("\n\n"), "");
  if (model.notes.length) out.push("## Data notes", "", ...model.notes.map((n) => `- ${n}`), "");
  out.push(
    "<sub>Uptime is measured in time, not runs: each check's status holds until the next check, for at most " +
      `${duration(config.retention.gapLimit)}; longer gaps count as unknown. Degraded counts as up; unknown and maintenance are left out. ` +
      "See docs/reports.md.</sub>",
    "",
  );
  return out.join("\n");
}

/**
 * When the data is from and when to call it stale (3 × the schedule's interval): a Markdown page
 * cannot read the reader's clock, so the line gives the time to compare with, and says so outright
 * when the data was already stale as this report was written (e.g. `ops report` on an old store).
 */
export function freshnessLine(model: ReportModel, config: OpsConfig): string {
  if (model.dataAt === undefined) return "_No run has been recorded yet._";
  let cadence: number;
  try {
    cadence = cadenceOf(parseCron(config.schedule.monitor), new Date(model.dataAt));
  } catch {
    return `Data from the run at ${utc(model.dataAt)}.`;
  }
  const staleAfter = model.dataAt + STALE_FACTOR * cadence;
  if (model.now > staleAfter) {
    return `⚠️ **Stale data:** the newest run is from ${utc(model.dataAt)}, ${duration(model.now - model.dataAt)} before this report, and runs are due every ${duration(cadence)}. The statuses below may be out of date; check the monitor workflow.`;
  }
  return `Data from the run at ${utc(model.dataAt)}. Runs are due every ${duration(cadence)}: if this page is still unchanged after ${utc(staleAfter)}, the data is stale (check the monitor workflow).`;
}

export function overallLine(model: ReportModel, nextCheck?: Date): string {
  const parts = [OVERALL[model.overall], `updated ${utc(model.now)}`];
  if (nextCheck) parts.push(`next check ${utc(nextCheck)}`);
  return `> ${parts.join(" · ")}`;
}

/** One table per environment, with its group lines: also the README section and the job summary. */
export function statusTables(model: ReportModel): string {
  const envs = [
    ...new Set([...model.services.map((s) => s.environment), ...model.groups.map((g) => g.environment)]),
  ].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const parts: string[] = [];
  for (const env of envs) {
    const services = model.services.filter((s) => s.environment === env);
    const groups = model.groups.filter((g) => g.environment === env);
    parts.push(`### ${env[0]!.toUpperCase()}${env.slice(1)}`, "");
    if (services.length) {
      parts.push(
        table(
          ["Service", "Status", "Uptime 24 h", "7 d", "30 d", "p95 24 h", "Last check", "Incident"],
          services.map((s) => [
            cell(s.name),
            statusCell(s.status, s.reason),
            pct(s.uptime.h24),
            pct(s.uptime.d7),
            pct(s.uptime.d30),
            ms(s.p95h24),
            s.checkedAt ? utc(s.checkedAt).slice(5) : "—",
            incidentLink(s.incident),
          ]),
          ["l", "l", "r", "r", "r", "r", "l", "l"],
        ),
        "",
      );
    }
    for (const g of groups) parts.push(groupLine(g), "");
  }
  return parts.join("\n");
}

export function groupLine(g: GroupModel): string {
  const count = g.operational === undefined ? "no data yet" : `${g.operational}/${g.total} operational`;
  return `${STATUS_EMOJI[g.status]} **${cell(g.name)}:** ${count}${g.reason && g.status !== "up" ? ` (${cell(g.reason)})` : ""}`;
}

export function statusCell(status: Status, reason: string): string {
  const why = reason && status !== "up" ? ` — ${cell(reason.length > 80 ? `${reason.slice(0, 79)}…` : reason)}` : "";
  return `${STATUS_EMOJI[status]} ${status}${why}`;
}

export function incidentLink(i: IncidentState | undefined): string {
  if (!i) return "—";
  const label = i.number ? `#${i.number}` : "open";
  return `${i.url ? `[${label}](${i.url})` : label} ${i.severity}`;
}

export function incidentList(incidents: IncidentState[]): string {
  if (!incidents.length) return "None.";
  return incidents
    .map(
      (i) =>
        `- ${incidentLink(i)} ${cell(i.subject)}: ${i.status} since ${utc(i.openedAt)}${i.kind === "budget" ? " (error budget)" : ""}`,
    )
    .join("\n");
}

/** Open incidents first, then those closed in the last 7 days, each with how long it lasted. */
export function recentIncidentList(model: ReportModel): string {
  if (!model.recentIncidents.length) return "None in the last 7 days.";
  const rows = [...model.recentIncidents].sort((a, b) => Number(b.state === "open") - Number(a.state === "open"));
  return rows
    .map((i) => {
      const start = Date.parse(i.startedAt ?? i.openedAt);
      const end = i.recoveredAt ?? i.closedAt;
      const span =
        i.state === "open"
          ? `${i.status} since ${utc(i.openedAt)}`
          : `resolved ${utc(i.closedAt)}${end ? `, after ${duration(Math.max(0, Date.parse(end) - start))}` : ""}`;
      const link = i.number ? (i.url ? `[#${i.number}](${i.url})` : `#${i.number}`) : i.state;
      return `- ${i.state === "open" ? "🔴" : "✅"} ${link} ${i.severity} ${cell(i.subject)}${i.kind === "budget" ? " (error budget)" : ""}: ${span}`;
    })
    .join("\n");
}

function maintenanceList(model: ReportModel, config: OpsConfig): string {
  const lines: string[] = [];
  for (const s of model.services.filter((x) => x.status === "maintenance"))
    lines.push(`- 🔧 ${cell(s.name)}: in maintenance now${s.reason ? ` (${cell(s.reason)})` : ""}`);
  for (const w of config.maintenance) {
    const who = w.services.join(", ");
    if ("start" in w) {
      if (Date.parse(w.end) <= model.now) continue;
      lines.push(`- ${who}: ${utc(w.start)} → ${utc(w.end)}${w.reason ? ` (${cell(w.reason)})` : ""}`);
    } else {
      lines.push(
        `- ${who}: every ${w.weekly.days.join(", ")} at ${w.weekly.start} ${w.timezone} for ${duration(w.weekly.duration)}${w.reason ? ` (${cell(w.reason)})` : ""}`,
      );
    }
  }
  return lines.length ? lines.join("\n") : "None scheduled.";
}

/** Active silences (config and `/silence` on issues): shown only while there are some. */
function silenceSection(model: ReportModel, config: OpsConfig): string[] {
  const active = activeSilences(config.silences, model.openIncidents, model.now);
  if (!active.length) return [];
  const lines = active.map(
    (s) =>
      `- 🔕 ${cell(s.what)}${s.issue ? ` (#${s.issue})` : ""}: notifications silenced until ${utc(s.until)} by ${cell(s.by)} (${cell(s.reason)})`,
  );
  return [
    "## Silences",
    "",
    "Issues and records go on; no page, Slack or other message is sent for these until the silence ends.",
    "",
    ...lines,
    "",
  ];
}

export function budgetTable(services: ServiceModel[]): string {
  return table(
    ["Service", "Objective", "Uptime 30 d", "Budget left", "Downtime 30 d", "Latency objective", "Uptime 365 d"],
    services.map((s) => [
      cell(s.name),
      `${s.objective.availability}%`,
      pct(s.uptime.d30),
      budgetCell(s.budget.remainingPct),
      downtimeCell(s.budget),
      s.latencySlo
        ? `${s.latencySlo.stat} < ${ms(s.latencySlo.below)}: ${s.latencySlo.met === undefined ? "no data" : `${s.latencySlo.met ? "✅" : "❌"} ${ms(s.latencySlo.actual)}`}`
        : "—",
      pct(s.uptime.y365),
    ]),
    ["l", "r", "r", "r", "r", "l", "r"],
  );
}

/**
 * The downtime against the whole 30-day allowance, and how much of the 30 days was observed when
 * that is short of all of it (a young or gappy history): the budget is not pro-rated to it.
 */
export function downtimeCell(budget: Budget): string {
  const spent = `${duration(budget.usedMs)} of ${duration(budget.allowedMs)}`;
  return budget.observedMs > 0 && budget.observedMs < 0.99 * BUDGET_WINDOW_MS
    ? `${spent} (${duration(budget.observedMs)} observed)`
    : spent;
}

export function budgetCell(remaining: number | undefined): string {
  if (remaining === undefined) return "—";
  // Overspent: say by how much (spent 3.2× the budget) rather than a large negative percent.
  if (remaining < 0) return `❌ overspent (${(1 - remaining / 100).toFixed(2)}× used)`;
  return `${remaining < 25 ? "⚠️" : "✅"} ${pct(remaining)}`;
}

export function burnRateSection(alerts: BudgetAlert[]): string {
  if (!alerts.length) return "No error-budget burn-rate alert fires.";
  return [
    "**Burn-rate alerts:**",
    "",
    ...alerts.map((a) => `- ${a.action === "page" ? "📟" : "🎫"} ${cell(a.summary)}`),
  ].join("\n");
}

function rank(env: string): number {
  const i = ENV_ORDER.indexOf(env);
  return i === -1 ? ENV_ORDER.length : i;
}
