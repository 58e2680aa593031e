import type { OpsConfig } from "../shared/config/schema/index.ts";
import { BUDGET_WINDOW_MS, burnRateAlerts, burnRules, errorBudget, objectiveOf, type BudgetAlert } from "./slo.ts";
import { loadHistoryView, type HistoryView } from "./uptime.ts";

/**
 * The error-budget burn-rate alerts alone, for the incident step, which runs before the reports in
 * `ops run` and so cannot wait for `runReports`. Same figures as the reports: both read the same
 * store at the same time.
 */
export interface AlertInput {
  config: OpsConfig;
  dataDir: string;
  now: Date;
}

export async function computeBudgetAlerts({ config, dataDir, now }: AlertInput): Promise<BudgetAlert[]> {
  const t = now.getTime();
  const view = await loadHistoryView({ dataDir, now: t, gapLimit: config.retention.gapLimit, spanDays: 30, rawRecentDays: 4 });
  return alertsFromView(config, view, t);
}

export function alertsFromView(config: OpsConfig, view: HistoryView, now: number): BudgetAlert[] {
  return burnRateAlerts({
    services: config.services.map((svc) => {
      const objective = objectiveOf(svc, config).availability;
      const budget = errorBudget(view.window(svc.id, now - BUDGET_WINDOW_MS, now), objective);
      return { id: svc.id, name: svc.name, objective, ...(budget.remainingPct !== undefined && { budgetRemainingPct: budget.remainingPct }) };
    }),
    rules: burnRules(config),
    window: view.window,
    now,
  });
}
