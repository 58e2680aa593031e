import { runProbeStep, type ProbeStepOutput } from "../../actions/probe/step.ts";
import { runReports, type ReportOutput } from "../../actions/report/run.ts";
import type { Clock } from "../../actions/shared/clock.ts";
import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor, type Env, type Redactor } from "../../actions/shared/config/secrets.ts";
import { checkConnectivity, type Reach } from "../../actions/shared/connectivity.ts";
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
  redactor?: Redactor;
  /** How the connectivity pre-check reaches a URL (tests inject one). */
  reach?: Reach;
  /** Maintenance windows announced in open `maintenance` issues. */
  issueWindows?: IssueWindow[];
}

export interface CycleOutput {
  probe: ProbeStepOutput;
  reports?: ReportOutput;
  /** Lines describing what the later steps did, for the console. */
  notes: string[];
  /** Failures of later steps; the probe step's results were stored regardless. */
  errors: string[];
}

/**
 * One full `ops run`: connectivity pre-check → probe → evaluate → store → roll up → reports.
 * Each step gets what the earlier wrote; a failing later step is reported in `errors` and never
 * loses what the probe step already stored.
 */
export async function runCycle(input: CycleInput): Promise<CycleOutput> {
  const { config, dataDir, log } = input;
  const redactor = input.redactor ?? createRedactor();
  const runAt = input.runAt ?? input.clock.now();
  const notes: string[] = [];
  const errors: string[] = [];

  const reach = await checkConnectivity(config.connectivity, input.reach);
  if (!reach.online) notes.push(`runner offline: ${reach.offline?.kind === "offline" ? reach.offline.detail : "no connectivity URL answered"}; every service recorded unknown`);
  const maintenance = activeMaintenance(config.maintenance, input.issueWindows ?? [], runAt);
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
    ...(input.results && { results: input.results }),
  });
  let latest = probe.latest;

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

  await step("history roll-up", () => compactHistory({ dataDir, config, now: runAt, log }));
  await writeLatest(dataDir, latest);
  // Reports read one instant, so the same data and --now give the same bytes.
  const fixed: Clock = { now: () => new Date(runAt), sleep: input.clock.sleep };
  const reports = await step("reports", () => runReports({ config, latest, dataDir, clock: fixed, log, redactor }));
  if (reports) notes.push(`reports: wrote ${reports.written.length} file(s): ${reports.written.slice(0, 6).join(", ")}${reports.written.length > 6 ? ", …" : ""}`);
  return { probe: { ...probe, latest }, ...(reports && { reports }), notes, errors };
}
