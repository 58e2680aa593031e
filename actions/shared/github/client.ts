import { GitHub, getOctokitOptions } from "@actions/github/lib/utils";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import { explainGitHubError } from "./errors.ts";
import { createBreaker, githubFetch, type Breaker } from "./transport.ts";
import { parseRepository, type Issue, type IssueComment, type IssuesApi, type RepoRole } from "./types.ts";

/**
 * The real client: @actions/github's Octokit with the throttling and retry plugins, an explicit
 * timeout on every attempt, and errors that say what to change. Everything it needs is passed in
 * (the entry reads GITHUB_TOKEN / GITHUB_REPOSITORY / GITHUB_API_URL), nothing at module scope.
 */
export interface GitHubClientOptions {
  token: string;
  /** "owner/name", as in GITHUB_REPOSITORY. */
  repository: string;
  /** GITHUB_API_URL; GitHub Enterprise Server and tests point it elsewhere. */
  apiUrl?: string;
  /** Per attempt. */
  timeoutMs?: number;
  retries?: number;
  /** Multiplies the retry plugin's backoff and GitHub's Retry-After seconds (1000 = real seconds). */
  retryUnitMs?: number;
  /** A secondary rate limit asking to wait longer than this (seconds) fails the call instead. */
  maxRetryAfter?: number;
  /**
   * A fixed pause between writes (ms). Unset (the default): writes go one at a time, unspaced, within
   * GitHub's secondary rate limits (see `WRITE_BUDGET`), so a mass outage is written in seconds.
   */
  writeSpacingMs?: number;
  /** Shared by every client of one run: once GitHub failed to answer, the others fail fast too. */
  breaker?: Breaker;
  log?: (line: string) => void;
}

/**
 * GitHub's secondary rate limits (docs: "About secondary rate limits"): at most 900 points a minute
 * for REST, a write costing 5 (180 writes), and at most 80 content-creating requests (issues,
 * comments) a minute and 500 an hour; requests one at a time. The budgets stay under those with room
 * for the reads; a 403/429 that still comes is waited out or given up by the throttling plugin.
 */
export const WRITE_BUDGET = { writesPerMinute: 150, contentPerMinute: 70 };

const PER_PAGE = 100;

/**
 * The configured Octokit (throttling, retry, per-attempt timeout) for callers that need endpoints
 * beyond issues, e.g. the rollback's deployments and approvals. Added for issue 6.
 */
export function createOctokit(options: GitHubClientOptions) {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetryAfter = options.maxRetryAfter ?? 60;
  const unit = options.retryUnitMs ?? 1_000;
  const spacing = options.writeSpacingMs;
  const breaker = options.breaker ?? createBreaker();
  const budget = (perMinute: number, minTime: number | undefined) =>
    new Bottleneck.Group({
      maxConcurrent: 1,
      ...(minTime !== undefined
        ? { minTime }
        : { reservoir: perMinute, reservoirRefreshAmount: perMinute, reservoirRefreshInterval: 60_000 }),
    });
  const Octokit = GitHub.plugin(throttling, retry);
  const octokit = new Octokit(
    getOctokitOptions(options.token, {
      baseUrl: apiBase(options),
      request: { fetch: githubFetch({ timeoutMs, breaker }) },
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: unit },
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => log(`github: ${m}`),
        error: (m: string) => log(`github: ${m}`),
      },
      throttle: {
        retryAfterBaseValue: unit,
        // Private limiters: the plugin's defaults are shared by every client in the process and
        // space writes a fixed second (content creation three), which made a mass outage minutes.
        write: budget(WRITE_BUDGET.writesPerMinute, spacing),
        notifications: budget(WRITE_BUDGET.contentPerMinute, spacing === undefined ? undefined : spacing * 3),
        onRateLimit: (after: number, o: { method: string; url: string }, _k: unknown, count: number) =>
          wait("rate limit", after, o, count),
        onSecondaryRateLimit: (after: number, o: { method: string; url: string }, _k: unknown, count: number) =>
          wait("secondary rate limit", after, o, count),
      },
    }),
  );

  function wait(kind: string, after: number, o: { method: string; url: string }, count: number): boolean {
    const retrying = count < 2 && after <= maxRetryAfter;
    log(`github: ${kind} on ${o.method} ${o.url}; ${retrying ? `retrying after ${after}s` : "giving up for this run"}`);
    return retrying;
  }

  return octokit;
}

export function createGitHubClient(options: GitHubClientOptions): IssuesApi {
  if (!options.token) {
    throw new Error(
      "GITHUB_TOKEN is empty; pass the workflow token (`env: GITHUB_TOKEN: ${{ github.token }}`) or use --dry-run",
    );
  }
  const repo = parseRepository(options.repository);
  const repoName = `${repo.owner}/${repo.repo}`;
  const breaker = options.breaker ?? createBreaker();
  const octokit = createOctokit({ ...options, breaker });
  async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const explained = explainGitHubError(error, operation, repoName, apiBase(options));
      // Still 503/504 after the retries: GitHub is unavailable; the rest of the run skips it. (A 500
      // or 502 on one request is retried and reported, and the run goes on.)
      const status = (error as { status?: unknown; response?: unknown }).response
        ? (error as { status?: number }).status
        : undefined;
      if (status === 503 || status === 504) breaker.trip(explained);
      throw explained;
    }
  }

  // POSTs that create things are not retried blindly: a lost answer may hide a success, and the
  // tracker's marker search (next call or next run) finishes them exactly once instead.
  const once = { request: { retries: 0 } };

  return {
    repo,
    listIssues: (filter) =>
      call("list issues", async () => {
        const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
          ...repo,
          state: filter.state,
          ...(filter.labels?.length ? { labels: filter.labels.join(",") } : {}),
          per_page: PER_PAGE,
        });
        return items.filter((i) => !i.pull_request).map(toIssue);
      }),
    getIssue: (number) =>
      call(`get issue #${number}`, async () => {
        try {
          const { data } = await octokit.rest.issues.get({ ...repo, issue_number: number });
          return toIssue(data);
        } catch (error) {
          const status = (error as { status?: number }).status;
          if (status === 404 || status === 410) return null;
          throw error;
        }
      }),
    createIssue: (issue) =>
      call("create issue", async () => {
        const { data } = await octokit.rest.issues.create({ ...repo, ...issue, ...once });
        return toIssue(data);
      }),
    updateIssue: (number, u) =>
      call(`update issue #${number}`, async () => {
        const { data } = await octokit.rest.issues.update({
          ...repo,
          issue_number: number,
          ...(u.title !== undefined ? { title: u.title } : {}),
          ...(u.body !== undefined ? { body: u.body } : {}),
          ...(u.labels !== undefined ? { labels: u.labels } : {}),
          ...(u.assignees !== undefined ? { assignees: u.assignees } : {}),
          ...(u.state !== undefined ? { state: u.state } : {}),
          ...(u.stateReason !== undefined ? { state_reason: u.stateReason } : {}),
        });
        return toIssue(data);
      }),
    listComments: (number) =>
      call(`list comments of #${number}`, async () => {
        const items = await octokit.paginate(octokit.rest.issues.listComments, {
          ...repo,
          issue_number: number,
          per_page: PER_PAGE,
        });
        return items.map(toComment);
      }),
    createComment: (number, body) =>
      call(`comment on #${number}`, async () => {
        const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: number, body, ...once });
        return toComment(data);
      }),
    addAssignees: (number, assignees) =>
      call(`assign #${number}`, async () => {
        await octokit.rest.issues.addAssignees({ ...repo, issue_number: number, assignees });
      }),
    permissionOf: (login) =>
      call(`read the permission of @${login}`, async () => {
        try {
          const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
          return toRole(data.role_name, data.permission);
        } catch (error) {
          // A user GitHub does not know (renamed, deleted) has no access.
          if ((error as { status?: number }).status === 404) return "none";
          throw error;
        }
      }),
  };
}

function apiBase(options: GitHubClientOptions): string {
  return (options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
}

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  labels: Array<string | { name?: string }>;
  assignees?: Array<{ login: string }> | null;
  html_url: string;
  created_at: string;
  closed_at: string | null;
}

function toIssue(raw: RawIssue): Issue {
  return {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? "",
    state: raw.state === "closed" ? "closed" : "open",
    stateReason: raw.state_reason ?? null,
    labels: raw.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
    assignees: (raw.assignees ?? []).map((a) => a.login),
    url: raw.html_url,
    createdAt: raw.created_at,
    closedAt: raw.closed_at,
  };
}

function toComment(raw: {
  id: number;
  body?: string;
  created_at: string;
  user?: { login: string } | null;
}): IssueComment {
  return {
    id: raw.id,
    body: raw.body ?? "",
    createdAt: raw.created_at,
    ...(raw.user?.login && { author: raw.user.login }),
  };
}

const ROLES: readonly RepoRole[] = ["admin", "maintain", "write", "triage", "read", "none"];

/** role_name is the fine-grained role; the legacy `permission` folds maintain into write. */
function toRole(roleName: string | undefined, permission: string): RepoRole {
  const role = (roleName ?? "").toLowerCase() as RepoRole;
  if (ROLES.includes(role)) return role;
  const legacy = permission.toLowerCase() as RepoRole;
  return ROLES.includes(legacy) ? legacy : "none";
}
