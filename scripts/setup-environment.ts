#!/usr/bin/env node
/**
 * Creates or updates the GitHub environment that gates rollbacks (`production` by default) from
 * ops.config.yml `environments.<name>`: required reviewers (users and teams, resolved to ids),
 * prevent self-review, wait timer, and a deployment branch policy allowing only the configured
 * branches (main). Needs an ADMIN token (GITHUB_TOKEN cannot manage environments):
 *
 *   GITHUB_ADMIN_TOKEN=… npx tsx scripts/setup-environment.ts --repo owner/name [--environment production] [--dry-run]
 *
 * `--dry-run` prints every request instead of sending writes (reads still resolve ids when a token
 * is set; without one, ids are shown as placeholders).
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { OpsConfig } from "../actions/shared/config/schema/index.ts";
import { loadConfigOrThrow } from "../actions/shared/config/load.ts";
import { createOctokit } from "../actions/shared/github/client.ts";
import { parseRepository, type Repo } from "../actions/shared/github/types.ts";
import type { OctokitRequest } from "../actions/rollback/github.ts";

export interface SetupOptions {
  config: OpsConfig;
  repo: Repo;
  environment: string;
  /** Absent in a dry run without a token. */
  request?: OctokitRequest;
  dryRun: boolean;
  print: (line: string) => void;
}

export interface SetupResult {
  body: EnvironmentBody;
  policies: { created: string[]; deleted: string[]; kept: string[] };
}

interface EnvironmentBody {
  wait_timer: number;
  prevent_self_review: boolean;
  reviewers: Array<{ type: "User" | "Team"; id: number | string }>;
  deployment_branch_policy: { protected_branches: false; custom_branch_policies: true };
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const PLACEHOLDER = /REPLACE|CHANGE[_-]?ME|TODO|EXAMPLE/i;

export async function setupEnvironment(opts: SetupOptions): Promise<SetupResult> {
  const { repo, environment, print } = opts;
  const env = opts.config.environments[environment];
  if (!env)
    throw new Error(
      `ops.config.yml has no environments.${environment}; add it with \`reviewers: [<login>]\` (who approves rollbacks)`,
    );
  const where = `environments.${environment}`;
  const problems: string[] = [];
  for (const login of env.reviewers) {
    if (PLACEHOLDER.test(login))
      problems.push(
        `${where}.reviewers: "${login}" is a placeholder; put the approver's GitHub login there (support plan: the Manager approves rollbacks for P1+)`,
      );
    else if (!LOGIN.test(login)) problems.push(`${where}.reviewers: "${login}" is not a GitHub login`);
  }
  if (env.reviewers.length + env.teams.length === 0)
    problems.push(`${where}: no reviewers or teams; an environment without required reviewers approves nothing`);
  if (env.reviewers.length + env.teams.length > 6)
    problems.push(
      `${where}: GitHub allows at most 6 reviewers (users + teams), found ${env.reviewers.length + env.teams.length}`,
    );
  if (problems.length) throw new Error(problems.join("\n"));

  const call = async (route: string, params: Record<string, unknown> = {}, opt: { missingOk?: boolean } = {}) => {
    const write = !route.startsWith("GET ");
    const all = route.includes("/repos/{owner}/{repo}") ? { owner: repo.owner, repo: repo.repo, ...params } : params;
    if (write && opts.dryRun) {
      print(`[dry-run] ${fill(route, all)}\n${JSON.stringify(bodyOf(params), null, 2)}`);
      return undefined;
    }
    if (!opts.request) return undefined;
    try {
      return (await opts.request(route, all)).data;
    } catch (error) {
      if (opt.missingOk && (error as { status?: number }).status === 404) return undefined;
      throw explain(error, route, repo);
    }
  };

  const reviewers: EnvironmentBody["reviewers"] = [];
  for (const login of env.reviewers) {
    const user = (await call("GET /users/{username}", { username: login })) as { id: number } | undefined;
    reviewers.push({ type: "User", id: user?.id ?? `<id of user ${login}>` });
  }
  for (const team of env.teams) {
    const [org, slug] = team.includes("/") ? team.split("/", 2) : [repo.owner, team];
    const found = (await call("GET /orgs/{org}/teams/{team_slug}", { org, team_slug: slug })) as
      | { id: number }
      | undefined;
    reviewers.push({ type: "Team", id: found?.id ?? `<id of team ${org}/${slug}>` });
  }

  const body: EnvironmentBody = {
    wait_timer: env.waitTimer,
    prevent_self_review: env.preventSelfReview,
    reviewers,
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  };
  await call("PUT /repos/{owner}/{repo}/environments/{environment_name}", { environment_name: environment, ...body });

  // Only the configured branches may deploy: add the missing policies, remove the others.
  const listed = (await call(
    "GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies",
    { environment_name: environment, per_page: 100 },
    { missingOk: opts.dryRun },
  )) as { branch_policies: Array<{ id: number; name: string; type?: string }> } | undefined;
  const existing = listed?.branch_policies ?? [];
  const policies = { created: [] as string[], deleted: [] as string[], kept: [] as string[] };
  for (const branch of env.branches) {
    if (existing.some((p) => p.name === branch && (p.type ?? "branch") === "branch")) policies.kept.push(branch);
    else {
      await call("POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies", {
        environment_name: environment,
        name: branch,
        type: "branch",
      });
      policies.created.push(branch);
    }
  }
  for (const p of existing.filter((p) => !env.branches.includes(p.name) || (p.type ?? "branch") !== "branch")) {
    await call(
      "DELETE /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}",
      { environment_name: environment, branch_policy_id: p.id },
    );
    policies.deleted.push(p.name);
  }

  print(
    `${opts.dryRun ? "Would set" : "Set"} ${repo.owner}/${repo.repo} environment "${environment}": ${reviewers.length} required reviewer(s), prevent self-review ${env.preventSelfReview ? "on" : "off"}, wait ${env.waitTimer} min, deployments only from ${env.branches.join(", ")}` +
      ` (policies created: ${policies.created.join(", ") || "none"}; removed: ${policies.deleted.join(", ") || "none"}).`,
  );
  print(
    "Reminder: required reviewers apply to public repositories on Free/Pro/Team plans; private repositories need GitHub Enterprise.",
  );
  return { body, policies };
}

function bodyOf(params: Record<string, unknown>): Record<string, unknown> {
  const { environment_name: _e, branch_policy_id: _b, ...rest } = params;
  return rest;
}

function fill(route: string, params: Record<string, unknown>): string {
  return route.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(String(params[k] ?? `{${k}}`)));
}

function explain(error: unknown, route: string, repo: Repo): Error {
  const status = (error as { status?: number }).status;
  const message = (error as Error).message;
  let hint = "";
  if (status === 401) hint = "the token was refused; export GITHUB_ADMIN_TOKEN with a valid token";
  else if (status === 403 || (status === 404 && route.includes("/environments/")))
    hint = `this needs an admin token on ${repo.owner}/${repo.repo} (GITHUB_TOKEN cannot manage environments): a fine-grained token with "Administration: write", or a classic token with \`repo\` scope from an admin`;
  else if (status === 404 && route.startsWith("GET /users/"))
    hint = "no such GitHub user; check environments.*.reviewers in ops.config.yml";
  else if (status === 404 && route.startsWith("GET /orgs/"))
    hint =
      'no such team (or the token cannot see it); check environments.*.teams ("org/slug" or a slug of the repository owner)';
  else if (status === 422)
    hint =
      "GitHub rejected it; required reviewers on a private repository need GitHub Enterprise (public repositories: any plan)";
  return new Error(`${route}: ${status ?? "no answer"} ${message}${hint ? ` — ${hint}` : ""}`, { cause: error });
}

async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      repo: { type: "string" },
      environment: { type: "string", default: "production" },
      config: { type: "string", default: "ops.config.yml" },
      "dry-run": { type: "boolean", default: false },
    },
    strict: true,
  });
  const repo = parseRepository(values.repo ?? process.env.GITHUB_REPOSITORY);
  const token = process.env.GITHUB_ADMIN_TOKEN || process.env.GH_TOKEN || "";
  const dryRun = values["dry-run"] === true;
  if (!token && !dryRun) {
    throw new Error(
      "no admin token: export GITHUB_ADMIN_TOKEN (GITHUB_TOKEN cannot manage environments), or pass --dry-run to print the requests",
    );
  }
  const { config } = loadConfigOrThrow(resolve(values.config));
  await setupEnvironment({
    config,
    repo,
    environment: values.environment,
    dryRun,
    print: (l) => console.log(l),
    ...(token
      ? {
          request: createOctokit({
            token,
            repository: `${repo.owner}/${repo.repo}`,
            ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}),
          }).request as unknown as OctokitRequest,
        }
      : {}),
  });
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(`setup-environment: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
