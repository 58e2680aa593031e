import type { Notifier } from "../../incident/notify/index.ts";
import { type IncidentRunResult, runIncidents } from "../../incident/step.ts";
import type { Subject } from "../../incident/subjects.ts";
import type { IssuesApi } from "../github/types.ts";
import type { ActiveMaintenance } from "../maintenance.ts";
import type { BudgetAlert } from "../slo/slo.ts";
import type { Latest } from "../store/latest-schema.ts";
import { archiveReplaced } from "./archive.ts";
import { notifierFromConfig } from "../../incident/notify/from-config.ts";
import { frozen, type RunContext } from "./context.ts";

export type IncidentStepResult = IncidentRunResult & { skipped?: string };

export interface IncidentStepInput {
  latest: Latest;
  /** The client, or why there is none (no token): the step is then skipped and says so. */
  github: IssuesApi | string;
  maintenance: ActiveMaintenance;
  /** This run's burn-rate alerts; undefined when they could not be computed. */
  alerts: readonly BudgetAlert[] | undefined;
  /** A ready notifier (the demo prints); otherwise built from the config's notification secrets. */
  notifier?: Notifier;
  /** Incidents about the monitor itself (the gap since the previous run). */
  monitorSubjects?: readonly Subject[];
}

/**
 * The incident step: open, update, escalate and close issues from the evaluated state, write
 * records, notify. Skipped (with the reason) when incidents are off, there is no GitHub client, or
 * the runner was offline (nothing can be blamed on anyone).
 */
export async function incidentsStep(ctx: RunContext, input: IncidentStepInput): Promise<IncidentStepResult> {
  const skip = (why: string): IncidentStepResult => ({
    latest: input.latest,
    operations: [],
    notifications: [],
    errors: [],
    warnings: [],
    skipped: why,
  });
  if (!ctx.config.incidents.enabled) return skip("incidents are disabled in the config");
  if (typeof input.github === "string") return skip(input.github);
  if (input.latest.run.offline) return skip("none opened or closed while the runner is offline");
  const print = (line: string) => ctx.log.info(ctx.redactor.scrub(line));
  const notifier =
    input.notifier ??
    notifierFromConfig({
      config: ctx.config,
      env: ctx.env,
      redactor: ctx.redactor,
      dryRun: ctx.dryRun,
      print,
      clock: frozen(ctx),
    });
  const result = await runIncidents({
    config: ctx.config,
    latest: input.latest,
    github: input.github,
    clock: frozen(ctx),
    dataDir: ctx.dataDir,
    dryRun: ctx.dryRun,
    notifier,
    redactor: ctx.redactor,
    log: ctx.log,
    maintenance: input.maintenance,
    budgetAlerts: input.alerts,
    // A replay names its run; otherwise the stored state's run is the one being decided.
    ...(ctx.replay && { runAt: ctx.runAt }),
    ...(input.monitorSubjects && { monitorSubjects: input.monitorSubjects }),
  });
  return { ...result, latest: archiveReplaced(input.latest, result.latest, ctx.runAt) };
}
