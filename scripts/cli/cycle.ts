import { runProbeStep, type ProbeStepOutput } from "../../actions/probe/step.ts";
import { githubFromEnv, runIncidentStep, type IncidentStepResult } from "../../actions/incident/setup.ts";
import { loadMaintenanceIssues } from "../../actions/incident/maintenance.ts";
import { computeBudgetAlerts } from "../../actions/report/alerts.ts";
import { runReports, type ReportOutput } from "../../actions/report/run.ts";
import type { IssuesApi } from "../../actions/shared/github/types.ts";
import type { Notifier } from "../../actions/incident/notify/index.ts";
import type { Clock } from "../../actions/shared/clock.ts";
import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor, type Env, type Redactor } from "../../actions/shared/config/secrets.ts";
import { checkConnectivity, offlineResults, type Reach } from "../../actions/shared/connectivity.ts";
import { activeMaintenance, type IssueWindow } from "../../actions/shared/maintenance.ts";
import type { ProbeKinds } from "../../actions/shared/probe/kind.ts";
import type { ProbeResult } from "../../actions/shared/probe/result.ts";
import type { Log } from "../../actions/shared/store/files.ts";
import { writeLatest } from "../../actions/shared/store/latest.ts";
import { compactHistory } from "../../actions/shared/store/rollup.ts";

export interface CycleInput {
  config: OpsConfig;
  dataDir: string;
  clock: Clock;
  /** The run's time (exactly `--now` when given). */
  runAt?: Date;
  env: Env;
  log: Log;
  dryRun: boolean;
  only?: string[];
  kinds?: ProbeKinds;
  /** Results measured elsewhere (merged shards / locations) instead of probing here. */
  results?: ProbeResult[];
  /** The locations those results came from. */
  locations?: string[];
  redactor?: Redactor;
  /** How the connectivity pre-check reaches a URL (tests inject one). */
  reach?: Reach;
  /** A ready GitHub client (tests, the demo); otherwise built from GITHUB_TOKEN / GITHUB_REPOSITORY / GITHUB_API_URL. */
  github?: IssuesApi;
  /** A ready notifier (the demo prints); otherwise built from the config's notification secrets. */
  notifier?: Notifier;
}

export interface CycleOutput {
  probe: ProbeStepOutput;
  incidents?: IncidentStepResult;
  reports?: ReportOutput;
  /** Lines describing what the later steps did, for the console. */
  notes: string[];
  /** Failures of later steps; the probe step's results were stored regardless. */
  errors: string[];
}

/**
 * One full `ops run`: connectivity pre-check → maintenance → probe → evaluate → store → roll up →
 * incidents → reports.
 * Each step gets what the earlier wrote; a failing later step is reported in `errors` and never
 * loses what the probe step already stored.
 */
export async function runCycle(input: CycleInput): Promise<CycleOutput> {
  const { config, dataDir, log } = input;
  const redactor = input.redactor ?? createRedactor();
  const runAt = input.runAt ?? input.clock.now();
  const notes: string[] = [];
  const errors: string[] = [];

  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      const message = redactor.scrub(`${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      errors.push(message);
      log.warn(message);
      return undefined;
    }
  };

  const reach = await checkConnectivity(config.connectivity, input.reach);
  if (!reach.online) notes.push(`runner offline: ${reach.offline?.kind === "offline" ? reach.offline.detail : "no connectivity URL answered"}; every service recorded unknown`);

  // GitHub is needed before evaluation: open `maintenance` issues put services in maintenance.
  const incidentsOn = config.incidents.enabled && !input.only;
  const github = incidentsOn ? (input.github ?? githubFromEnv(input.env, { dryRun: input.dryRun, log: log.info })) : undefined;
  const issueWindows: IssueWindow[] = [];
  if (github && typeof github !== "string") {
    const found = await step("reading maintenance issues", () => loadMaintenanceIssues(github));
    for (const p of found?.problems ?? []) log.warn(p);
    issueWindows.push(...(found?.windows ?? []));
  }
  const maintenance = activeMaintenance(config.maintenance, issueWindows, runAt);
  const inMaintenance = new Set(config.services.map((s) => s.id).filter((id) => maintenance.reasonFor(id) !== undefined));

  const probe = await runProbeStep({
    config,
    dataDir,
    clock: input.clock,
    runAt,
    env: input.env,
    redactor,
    log,
    write: true,
    maintenance: inMaintenance,
    ...(reach.offline && { offline: reach.offline }),
    ...(input.only && { only: input.only }),
    ...(input.kinds && { kinds: input.kinds }),
    ...(input.locations && { locations: input.locations }),
    // Offline: nothing is probed; every service gets an inconclusive result (unknown).
    ...((input.results || reach.offline) && {
      results: input.results ?? offlineResults(config.services.filter((s) => !input.only || input.only.includes(s.id)), reach.offline!, runAt),
    }),
  });
  let latest = probe.latest;

  await step("history roll-up", () => compactHistory({ dataDir, config, now: runAt, log }));
  // Later steps read one instant, so the same data and --now give the same bytes.
  const fixed: Clock = { now: () => new Date(runAt), sleep: input.clock.sleep };

  let incidents: IncidentStepResult | undefined;
  if (github === undefined) {
    if (config.incidents.enabled) notes.push("incidents: skipped (--only probes part of the fleet)");
  } else if (typeof github === "string") {
    notes.push(`incidents: ${github}`);
  } else if (!reach.online) {
    notes.push("incidents: none opened or closed while the runner is offline");
  } else {
    const budgetAlerts = (await step("error-budget alerts", () => computeBudgetAlerts({ config, dataDir, now: runAt }))) ?? [];
    incidents = await step("incidents", () =>
      runIncidentStep({ config, latest, env: input.env, dataDir, clock: fixed, dryRun: input.dryRun, redactor, log: log.info, maintenance, github, budgetAlerts, ...(input.notifier && { notifier: input.notifier }) }),
    );
    if (incidents) {
      latest = incidents.latest;
      errors.push(...incidents.errors);
      const open = Object.values(latest.incidents).filter((i) => i.state === "open");
      notes.push(`incidents: ${incidents.operations.length} operation(s)${input.dryRun ? " (dry run)" : ""}; ${open.length} open`);
    }
  }
  await writeLatest(dataDir, latest);

  const reports = await step("reports", () => runReports({ config, latest, dataDir, clock: fixed, log, redactor }));
  if (reports) notes.push(`reports: wrote ${reports.written.length} file(s): ${reports.written.slice(0, 6).join(", ")}${reports.written.length > 6 ? ", …" : ""}`);
  return { probe: { ...probe, latest }, ...(incidents && { incidents }), ...(reports && { reports }), notes, errors };
}
