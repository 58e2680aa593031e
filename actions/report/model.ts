import type { OpsConfig } from "../shared/config/schema/index.ts";
import type { Status } from "../shared/status.ts";
import { availability, totalOf } from "../shared/store/durations.ts";
import { meanOf, quantile } from "../shared/store/histogram.ts";
import type { IncidentState, Latest } from "../shared/store/latest-schema.ts";
import {
  BUDGET_WINDOW_MS,
  errorBudget,
  latencyObjective,
  objectiveOf,
  type Budget,
  type LatencyResult,
  type Objective,
} from "../shared/slo/slo.ts";
import type { HistoryView } from "../shared/store/view.ts";

/**
 * Everything the reports show, computed once from config + latest.json + history + the report
 * time. The renderers (status.ts, updates.ts, badges.ts, …) only format it.
 */
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const YEAR = 365 * DAY;
/** Starts of the rolling windows the reports ask for, so their first partial day is read raw. */

export interface ServiceModel {
  id: string;
  name: string;
  environment: string;
  criticality: string;
  status: Status;
  reason: string;
  since?: string;
  checkedAt?: string;
  successRate?: number;
  incident?: IncidentState;
  /** y365: the last 365 days, from the daily rollups. */
  uptime: { h24?: number; d7?: number; d30?: number; y365?: number };
  /** Share of the 30 days with a known status (0–1). */
  coverage30: number;
  p50h24?: number;
  p95h24?: number;
  meanh24?: number;
  objective: Objective;
  budget: Budget;
  latencySlo?: LatencyResult;
}

export interface GroupModel {
  id: string;
  name: string;
  environment: string;
  status: Status;
  operational?: number;
  total: number;
  reason: string;
}

export type Overall = "operational" | "degraded" | "partial" | "major" | "offline" | "nodata";

export interface ReportModel {
  title: string;
  now: number;
  services: ServiceModel[];
  groups: GroupModel[];
  overall: Overall;
  openIncidents: IncidentState[];
  /** Open incidents and those closed in the last 7 days (from latest.json), newest first. */
  recentIncidents: IncidentState[];
  /** When the newest run finished (latest.json's updatedAt). */
  dataAt?: number;
  notes: string[];
}

/** How far back STATUS.md lists closed incidents. */
export const RECENT_INCIDENTS_MS = 7 * DAY;

export function buildModel(config: OpsConfig, latest: Latest | undefined, view: HistoryView, now: number): ReportModel {
  const notes: string[] = [];
  // Days before the history began are not "missing"; they are said once, as the start.
  const historyFrom = view.firstDay
    ? Math.max(now - BUDGET_WINDOW_MS, Date.parse(`${view.firstDay}T00:00:00.000Z`))
    : now;
  const missing = view.missingDays(historyFrom, now);
  // Missing days lower every service's coverage alike; only a service's own gaps deserve a note.
  // In a store younger than the window, the "History starts" note says it all.
  const expectedCoverage = historyFrom > now - BUDGET_WINDOW_MS ? 0 : 1 - (missing.length * DAY) / BUDGET_WINDOW_MS;
  const names = new Map(config.services.map((s) => [s.id, s.name] as const));
  for (const g of config.groups) names.set(g.id, g.name);
  const openIncidents = Object.values(latest?.incidents ?? {})
    .filter((i) => i.state === "open")
    .map((i) => ({ ...i, subject: names.get(i.subject) ?? i.subject }))
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.key.localeCompare(b.key));
  const recentIncidents = Object.values(latest?.incidents ?? {})
    .filter((i) => i.state === "open" || Date.parse(i.closedAt ?? i.openedAt) >= now - RECENT_INCIDENTS_MS)
    .map((i) => ({ ...i, subject: names.get(i.subject) ?? i.subject }))
    .sort((a, b) => (b.startedAt ?? b.openedAt).localeCompare(a.startedAt ?? a.openedAt) || a.key.localeCompare(b.key));
  const services = config.services.map((svc): ServiceModel => {
    const state = latest?.services[svc.id];
    const d1 = view.window(svc.id, now - DAY, now);
    const d7 = view.window(svc.id, now - 7 * DAY, now, { latency: false });
    const d30 = view.window(svc.id, now - BUDGET_WINDOW_MS, now);
    const objective = objectiveOf(svc, config);
    const known30 = d30.ms.up + d30.ms.degraded + d30.ms.down + d30.ms.maintenance;
    const model: ServiceModel = {
      id: svc.id,
      name: svc.name,
      environment: svc.environment,
      criticality: svc.criticality,
      status: state?.status ?? "unknown",
      reason: state ? state.reason : "not checked yet",
      uptime: {
        h24: availability(d1.ms),
        d7: availability(d7.ms),
        d30: availability(d30.ms),
        y365: availability(view.window(svc.id, now - YEAR, now, { latency: false }).ms),
      },
      coverage30: known30 / Math.max(1, totalOf(d30.ms)),
      p50h24: quantile(d1.hist, 0.5),
      p95h24: quantile(d1.hist, 0.95),
      meanh24: meanOf(d1.hist),
      objective,
      budget: errorBudget(d30, objective.availability),
    };
    const latencySlo = latencyObjective(d30, objective.latency);
    if (latencySlo) model.latencySlo = latencySlo;
    if (state)
      Object.assign(model, {
        since: state.since,
        checkedAt: state.checkedAt,
        successRate: state.metrics.count ? state.metrics.successRate : undefined,
      });
    const incident = openIncidents.find((i) => i.key === `service:${svc.id}`);
    if (incident) model.incident = incident;
    if (!state && latest) notes.push(`${svc.name}: no result in latest.json yet (added recently?).`);
    else if (model.coverage30 < expectedCoverage - 0.001 && totalOf(d30.ms) > 0) {
      notes.push(
        `${svc.name}: status known for ${(model.coverage30 * 100).toFixed(1)}% of the last 30 days; the rest is unknown (gaps longer than the gap limit, or added since).`,
      );
    }
    return model;
  });
  const groups = config.groups.map((g): GroupModel => {
    const state = latest?.groups[g.id];
    const base = { id: g.id, name: g.name, environment: g.environment, total: g.members.length };
    return state
      ? { ...base, status: state.status, operational: state.operational, total: state.total, reason: state.reason }
      : { ...base, status: "unknown", reason: "not checked yet" };
  });
  const configured = new Set(config.services.map((s) => s.id));
  const removed = view.ids().filter((id) => !configured.has(id));
  if (removed.length) notes.push(`History also holds services no longer configured, left out: ${removed.join(", ")}.`);
  if (!latest) notes.push("No readable latest.json: current statuses are unknown until the next run writes it.");
  if (view.ids().length === 0)
    notes.push("No history stored yet: uptime, charts and budgets fill in as runs are recorded.");
  else if (historyFrom > now - BUDGET_WINDOW_MS)
    notes.push(`History starts on ${view.firstDay}: the 30-day figures cover the days since.`);
  if (view.ids().length > 0 && missing.length) {
    notes.push(
      `No history at all for ${missing.length} UTC day(s) within the last 30 days: ${summarizeDays(missing)}; that time counts as unknown.`,
    );
  }
  if (view.problems.length) {
    const shown = view.problems.slice(0, 5).join("; ");
    notes.push(
      `Skipped ${view.problems.length} unreadable history line(s): ${shown}${view.problems.length > 5 ? "; …" : ""}.`,
    );
  }
  if (view.future)
    notes.push(`Ignored ${view.future} history record(s) dated after the report time (a runner clock ahead?).`);
  // An offline runner saw nothing; its unknowns say nothing about the services.
  const overall = latest?.run.offline ? "offline" : overallOf(config, services, groups);
  return {
    title: config.title,
    now,
    services,
    groups,
    overall,
    openIncidents,
    recentIncidents,
    ...(latest && { dataAt: Date.parse(latest.updatedAt) }),
    notes,
  };
}

function overallOf(config: OpsConfig, services: ServiceModel[], groups: GroupModel[]): Overall {
  const checked = services.filter((s) => s.checkedAt);
  if (checked.length === 0) return "nodata";
  const down = services.filter((s) => s.status === "down");
  // Staging never makes a major outage on the status page: users do not see it.
  const criticalDown = down.some((s) => s.criticality === "critical" && s.environment !== "staging");
  const groupCriticalDown = groups.some(
    (g) => g.status === "down" && config.groups.find((c) => c.id === g.id)?.criticality === "critical",
  );
  if (criticalDown || groupCriticalDown || down.length * 2 >= services.length) return "major";
  if (down.length || groups.some((g) => g.status === "down")) return "partial";
  if (services.some((s) => s.status === "degraded") || groups.some((g) => g.status === "degraded")) return "degraded";
  return "operational";
}

/** "2026-11-01 – 2026-11-03, 2026-11-09" */
export function summarizeDays(days: string[]): string {
  const runs: string[][] = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && Date.parse(d) - Date.parse(prev) === DAY) last.push(d);
    else runs.push([d]);
  }
  return runs.map((r) => (r.length === 1 ? r[0] : `${r[0]} – ${r[r.length - 1]}`)).join(", ");
}
