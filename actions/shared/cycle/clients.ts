import { createNotifier, printingNotifier, type Notifier } from "../../incident/notify/index.ts";
import type { NotificationsConfig } from "../config/schema/incidents.ts";
import { resolveSecrets, type Env, type Redactor } from "../config/secrets.ts";
import type { IssuesApi } from "../github/types.ts";

/**
 * The run's outside clients, built from what the entry passes in (the entry reads the process
 * environment; nothing here does): GitHub from GITHUB_TOKEN / GITHUB_REPOSITORY / GITHUB_API_URL,
 * notifiers from the config's secrets.
 */
export interface GitHubOptions {
  dryRun: boolean;
  log: (line: string) => void;
  timeoutMs?: number;
}

/**
 * A client, or the one line saying why there is none (no token and no --dry-run). Octokit is
 * imported only when a client is built, so a run without a token (`ops probe` on a laptop) never
 * loads it.
 */
export async function githubFromEnv(env: Env, options: GitHubOptions): Promise<IssuesApi | string> {
  const token = env.GITHUB_TOKEN;
  if (!token && !options.dryRun) return "GITHUB_TOKEN is not set: incident issues were skipped (set it, or use --dry-run to see what would happen)";
  const real = token
    ? (await import("../github/client.ts")).createGitHubClient({
        token,
        repository: env.GITHUB_REPOSITORY ?? "",
        ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        log: options.log,
      })
    : undefined;
  if (!options.dryRun && real) return real;
  const [owner = "owner", repo = "repo"] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const { createDryRunClient } = await import("../github/dry-run.ts");
  return createDryRunClient({ reader: real, repo: { owner, repo }, print: options.log });
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
