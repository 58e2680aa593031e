import { alertsFromView } from "../slo/alerts.ts";
import type { BudgetAlert } from "../slo/slo.ts";
import { type HistoryView, loadRunView } from "../store/view.ts";
import type { RunContext } from "./context.ts";

/**
 * The history step and the alerts step: the run reads its history once (a year, from rollups and
 * the recent raw days) and computes the SLO budgets' burn-rate alerts once, from that view. Both
 * are handed forward to the incident step and the reports.
 */
export interface Observed {
  view: HistoryView;
  alerts: BudgetAlert[];
}

export async function historyStep(ctx: RunContext): Promise<HistoryView> {
  // A dry run writes nothing, the history's hourly summaries (a cache) included.
  const view = await loadRunView(ctx.dataDir, ctx.config, ctx.runAt.getTime(), { writeCache: !ctx.dryRun });
  for (const p of view.problems) ctx.log.warn(p);
  return view;
}

export function alertsStep(ctx: RunContext, view: HistoryView): BudgetAlert[] {
  return alertsFromView(ctx.config, view, ctx.runAt.getTime());
}
