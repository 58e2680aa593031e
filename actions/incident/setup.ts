import type { Clock } from "../shared/clock.ts";
import type { NotificationsConfig } from "../shared/config/schema/incidents.ts";
import type { OpsConfig } from "../shared/config/schema/index.ts";
import { resolveSecrets, type Env, type Redactor } from "../shared/config/secrets.ts";
import { createGitHubClient } from "../shared/github/client.ts";
import { createDryRunClient } from "../shared/github/dry-run.ts";
import type { IssuesApi } from "../shared/github/types.ts";
import type { ActiveMaintenance } from "../shared/maintenance.ts";
import type { Latest } from "../shared/store/latest-schema.ts";
import { createNotifier, printingNotifier, type Notifier } from "./notify/index.ts";
import { runIncidents, type IncidentRunResult } from "./run.ts";
import type { BurnAlert } from "./subjects.ts";

/**
 * Builds the incident step's clients from what the caller passes in (the entry or the CLI reads
 * the environment; nothing here does): GitHub from GITHUB_TOKEN / GITHUB_REPOSITORY /
 * GITHUB_API_URL, notifiers from the config's secrets. Used by `ops run`, `ops incidents` and the
 * incident action alike.
 */
export interface IncidentStepInput {
  config: OpsConfig;
  latest: Latest;
  env: Env;
  dataDir: string;
  clock: Clock;
  dryRun: boolean;
  redactor: Redactor;
  log: (line: string) => void;
  maintenance?: ActiveMaintenance;
  budgetAlerts?: readonly BurnAlert[];
  /** A ready notifier (the demo prints instead of sending); otherwise built from the config's secrets. */
  notifier?: Notifier;
  /** Test seams: a ready client and timeouts. */
  github?: IssuesApi;
  timeoutMs?: number;
}

export type IncidentStepResult = IncidentRunResult & { skipped?: string };

export function githubFromEnv(env: Env, options: { dryRun: boolean; log: (line: string) => void; timeoutMs?: number }): IssuesApi | string {
  const token = env.GITHUB_TOKEN;
  const real = token
    ? createGitHubClient({
        token,
        repository: env.GITHUB_REPOSITORY ?? "",
        ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        log: options.log,
      })
    : undefined;
  if (options.dryRun) {
    const [owner = "owner", repo = "repo"] = (env.GITHUB_REPOSITORY ?? "").split("/");
    return createDryRunClient({ reader: real, repo: { owner, repo }, print: options.log });
  }
  return real ?? "GITHUB_TOKEN is not set: incident issues were skipped (set it, or use --dry-run to see what would happen)";
}

/** Each notification secret is resolved on its own, so one missing secret silences one route only. */
export function notifierFromConfig(config: NotificationsConfig, env: Env, redactor: Redactor, dryRun: boolean, print: (line: string) => void): Notifier {
  if (dryRun) return printingNotifier(print, config);
  const missing: string[] = [];
  const one = (value: string | undefined) => {
    if (value === undefined) return undefined;
    const r = resolveSecrets(value, env, redactor);
    if (r.ok) return r.value;
    missing.push(...r.missing);
    return undefined;
  };
  const routingKey = one(config.pagerduty?.routingKey);
  const resolved: NotificationsConfig = {
    ...config,
    slack: { emergency: one(config.slack.emergency), alerts: one(config.slack.alerts) },
    ...(config.pagerduty && routingKey ? { pagerduty: { ...config.pagerduty, routingKey } } : { pagerduty: undefined }),
  };
  return createNotifier({ config: resolved, missing, redactor });
}

export async function runIncidentStep(input: IncidentStepInput): Promise<IncidentStepResult> {
  const github = input.github ?? githubFromEnv(input.env, { dryRun: input.dryRun, log: input.log, ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}) });
  if (typeof github === "string") {
    input.log(github);
    return { latest: input.latest, operations: [], notifications: [], errors: [], skipped: github };
  }
  const notifier = input.notifier ?? notifierFromConfig(input.config.notifications, input.env, input.redactor, input.dryRun, input.log);
  return runIncidents({
    config: input.config,
    latest: input.latest,
    github,
    clock: input.clock,
    dataDir: input.dataDir,
    dryRun: input.dryRun,
    notifier,
    redactor: input.redactor,
    log: input.log,
    ...(input.maintenance ? { maintenance: input.maintenance } : {}),
    ...(input.budgetAlerts ? { budgetAlerts: input.budgetAlerts } : {}),
  });
}
