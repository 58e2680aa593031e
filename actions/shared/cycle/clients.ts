import type { Env } from "../config/secrets.ts";
import { createGitHubClient } from "../github/client.ts";
import { createDryRunClient } from "../github/dry-run.ts";
import type { IssuesApi } from "../github/types.ts";

/**
 * The run's GitHub client, built from what the entry passes in (the entry reads the process
 * environment; nothing here does): GITHUB_TOKEN / GITHUB_REPOSITORY / GITHUB_API_URL. The
 * notifier comes from actions/incident/notify/from-config.ts.
 */
export interface GitHubOptions {
  dryRun: boolean;
  log: (line: string) => void;
  timeoutMs?: number;
}

/** A client, or the one line saying why there is none (no token and no --dry-run). */
export function githubFromEnv(env: Env, options: GitHubOptions): IssuesApi | string {
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
  return (
    real ?? "GITHUB_TOKEN is not set: incident issues were skipped (set it, or use --dry-run to see what would happen)"
  );
}
