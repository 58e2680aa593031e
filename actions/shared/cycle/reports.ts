import { type ReportOutput, runReports } from "../../report/step.ts";
import type { BudgetAlert } from "../slo/slo.ts";
import type { Latest } from "../store/latest-schema.ts";
import type { HistoryView } from "../store/view.ts";
import { frozen, type RunContext } from "./context.ts";

export interface ReportStepInput {
  latest: Latest | undefined;
  view: HistoryView;
  alerts: BudgetAlert[];
  /** Rewrite the latest update, daily and weekly reports even if their files exist. */
  force?: boolean;
  /** false: compute everything, write no file. */
  write?: boolean;
}

/** The report step: STATUS.md, badges, the README section and the runbooks' reports, at the run's time. */
export function reportsStep(ctx: RunContext, input: ReportStepInput): Promise<ReportOutput> {
  return runReports({
    config: ctx.config,
    latest: input.latest,
    dataDir: ctx.dataDir,
    clock: frozen(ctx),
    log: ctx.log,
    redactor: ctx.redactor,
    view: input.view,
    alerts: input.alerts,
    force: input.force ?? false,
    write: input.write ?? true,
  });
}
