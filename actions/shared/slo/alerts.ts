import type { OpsConfig } from "../config/schema/index.ts";
import { BUDGET_WINDOW_MS, burnRateAlerts, burnRules, errorBudget, objectiveOf, type BudgetAlert } from "./slo.ts";
import { loadRunView, type HistoryView } from "../store/view.ts";

/**
 * The error-budget burn-rate alerts: the pipeline's alerts step, computed once per run from the
 * run's history view and handed to both the incident step and the reports.
 */
export interface AlertInput {
  config: OpsConfig;
  dataDir: string;
  now: Date;
}

export async function computeBudgetAlerts({ config, dataDir, now }: AlertInput): Promise<BudgetAlert[]> {
  const t = now.getTime();
  return alertsFromView(config, await loadRunView(dataDir, config, t), t);
}

export function alertsFromView(config: OpsConfig, view: HistoryView, now: number): BudgetAlert[] {
  return burnRateAlerts({
    services: config.services.map((svc) => {
      const objective = objectiveOf(svc, config).availability;
      const budget = errorBudget(view.window(svc.id, now - BUDGET_WINDOW_MS, now), objective);
      return {
        id: svc.id,
        name: svc.name,
        objective,
        ...(budget.remainingPct !== undefined && { budgetRemainingPct: budget.remainingPct }),
      };
    }),
    rules: burnRules(config),
    window: view.window,
    now,
  });
}
