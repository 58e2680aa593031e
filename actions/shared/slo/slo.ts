import type { OpsConfig, ServiceConfig } from "../config/schema/index.ts";
import { SloDefaults, type SloDefaultsConfig } from "../config/schema/reports.ts";
import type { WindowStats } from "../store/durations.ts";
import { quantile } from "../store/histogram.ts";

/**
 * Service level objectives: availability over a rolling 30 days (default 99.9 %, the support
 * plan's), an optional latency objective (e.g. p95 < 500 ms), the error budget left, and the
 * multi-window burn-rate alerts of the Google SRE workbook. A "bad" millisecond is one the service
 * was down; degraded time is available time, and unknown and maintenance time count for neither.
 */
export const BUDGET_WINDOW_MS = 30 * 86_400_000;

export interface Objective {
  availability: number;
  latency?: { stat: "p50" | "p95" | "p99"; below: number };
}

export function objectiveOf(service: ServiceConfig, config: Pick<OpsConfig, "slo">): Objective {
  const availability = service.slo?.availability ?? config.slo?.availability ?? 99.9;
  return service.slo?.latency ? { availability, latency: service.slo.latency } : { availability };
}

export interface Budget {
  objective: number;
  /** Bad time the objective allows over the whole window, ms (99.9 % of 30 d: 43.2 min). */
  allowedMs: number;
  usedMs: number;
  /** Time with a known availability (up, degraded or down) inside the window, ms. */
  observedMs: number;
  /** Share of the budget left, percent; negative once overspent. Undefined without data. */
  remainingPct?: number;
}

/** Time whose availability is known: up, degraded or down (not unknown, not maintenance). */
export function knownMs(stats: WindowStats): number {
  return stats.ms.up + stats.ms.degraded + stats.ms.down;
}

export function errorBudget(stats: WindowStats, objective: number, windowMs = BUDGET_WINDOW_MS): Budget {
  const allowedMs = (1 - objective / 100) * windowMs;
  const observedMs = knownMs(stats);
  const usedMs = stats.ms.down;
  if (observedMs === 0) return { objective, allowedMs, usedMs, observedMs };
  // Spent against the whole window's allowance, however much of it was observed: a 10-minute
  // outage in a 2-day-old history uses 10 of 43.2 minutes, it does not overspend a 2-day pro rata
  // share (which turned one outage into "666× used"). A 100 % objective allows nothing: any
  // downtime shows as overspent (-100 %, finite so it survives JSON).
  const remainingPct = allowedMs === 0 ? (usedMs === 0 ? 100 : -100) : ((allowedMs - usedMs) / allowedMs) * 100;
  return { objective, allowedMs, usedMs, observedMs, remainingPct };
}

export interface LatencyResult {
  stat: "p50" | "p95" | "p99";
  below: number;
  actual?: number;
  met?: boolean;
}

export function latencyObjective(stats: WindowStats, objective: Objective["latency"]): LatencyResult | undefined {
  if (!objective) return undefined;
  const q = { p50: 0.5, p95: 0.95, p99: 0.99 }[objective.stat];
  const actual = quantile(stats.hist, q);
  return actual === undefined ? { ...objective } : { ...objective, actual, met: actual < objective.below };
}

/** Budget consumption speed: 1 spends exactly the budget over the SLO window. */
export function burnRate(stats: WindowStats, objective: number): number | undefined {
  const known = knownMs(stats);
  if (known === 0) return undefined;
  const allowed = 1 - objective / 100;
  const errorRatio = stats.ms.down / known;
  return allowed === 0 ? (errorRatio > 0 ? Infinity : 0) : errorRatio / allowed;
}

export type BurnRule = SloDefaultsConfig["burnRates"][number];

export function burnRules(config: Pick<OpsConfig, "slo">): BurnRule[] {
  return config.slo?.burnRates ?? SloDefaults.parse({}).burnRates;
}

/**
 * An error-budget alert, consumed by the incident lifecycle as its own kind of incident
 * (`kind: "budget"`, key `budget:<service id>`, labelled as an error-budget issue).
 * One per service at most: the most urgent firing rule (page before ticket, higher factor first).
 */
export interface BudgetAlert {
  kind: "budget";
  key: string;
  service: string;
  name: string;
  action: "page" | "ticket";
  /** A suggestion for the incident: page → P1, ticket → P3. */
  severity: "P1" | "P3";
  objective: number;
  factor: number;
  long: { windowMs: number; burnRate: number };
  short: { windowMs: number; burnRate: number };
  /** Percent of the 30-day budget left. */
  budgetRemainingPct?: number;
  at: string;
  summary: string;
}

export interface BurnInput {
  services: Array<{ id: string; name: string; objective: number; budgetRemainingPct?: number }>;
  rules: BurnRule[];
  window: (id: string, from: number, to: number) => WindowStats;
  now: number;
}

/**
 * A burn rate is a ratio over the time observed, so over a sliver of its window it says little: a
 * new service's first failed 5-minute run is "100 % bad" over a 1 h window that holds 5 minutes of
 * data, and would page at 1000×. A rule only judges windows at least half covered by known time,
 * the point from which the ratio reflects the window more than one run.
 */
export const MIN_WINDOW_COVERAGE = 0.5;

/**
 * Both windows of a rule must burn at least `factor` for it to fire (the short one says it still
 * is), and both must hold at least `MIN_WINDOW_COVERAGE` of their length in known time.
 */
export function burnRateAlerts({ services, rules, window, now }: BurnInput): BudgetAlert[] {
  const ordered = [...rules].sort((a, b) =>
    a.action === b.action ? b.factor - a.factor : a.action === "page" ? -1 : 1,
  );
  const alerts: BudgetAlert[] = [];
  for (const s of services) {
    for (const rule of ordered) {
      const longStats = window(s.id, now - rule.long, now);
      const shortStats = window(s.id, now - rule.short, now);
      if (
        knownMs(longStats) < MIN_WINDOW_COVERAGE * rule.long ||
        knownMs(shortStats) < MIN_WINDOW_COVERAGE * rule.short
      )
        continue;
      const long = burnRate(longStats, s.objective);
      const short = burnRate(shortStats, s.objective);
      if (long === undefined || short === undefined || long < rule.factor || short < rule.factor) continue;
      alerts.push({
        kind: "budget",
        key: `budget:${s.id}`,
        service: s.id,
        name: s.name,
        action: rule.action,
        severity: rule.action === "page" ? "P1" : "P3",
        objective: s.objective,
        factor: rule.factor,
        long: { windowMs: rule.long, burnRate: round2(long) },
        short: { windowMs: rule.short, burnRate: round2(short) },
        ...(s.budgetRemainingPct !== undefined && { budgetRemainingPct: round2(s.budgetRemainingPct) }),
        at: new Date(now).toISOString(),
        summary: `${s.name} is burning its ${s.objective} % error budget ${round2(long)}× over ${hours(rule.long)} and ${round2(short)}× over ${hours(rule.short)} (threshold ${rule.factor}×): ${rule.action}`,
      });
      break;
    }
  }
  return alerts;
}

function round2(n: number): number {
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : n;
}

function hours(ms: number): string {
  return ms < 3_600_000 ? `${ms / 60_000} min` : ms < 172_800_000 ? `${ms / 3_600_000} h` : `${ms / 86_400_000} d`;
}
