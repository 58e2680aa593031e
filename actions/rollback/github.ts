/**
 * The narrow view of GitHub the rollback uses: a run's approvals, deployments and their statuses,
 * and one marked comment on the incident issue. Built on any Octokit-style `request` (the shared
 * client's `createOctokit(...).request` in CI, the local emulator in tests).
 */
import { callGitHub, type OctokitRequest, readPages } from "../shared/github/rest.ts";
import type { Repo } from "../shared/github/types.ts";

export type { OctokitRequest };

export interface Approval {
  login: string;
  state: "approved" | "rejected";
  comment: string;
  environments: string[];
}

export interface NewDeployment {
  ref: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
}

export interface DeploymentStatus {
  state: "in_progress" | "success" | "failure" | "error";
  description: string;
  environmentUrl?: string;
  logUrl?: string;
}

export interface RollbackGitHub {
  repo: Repo;
  listRunApprovals(runId: number): Promise<Approval[]>;
  /** The rollback deployment this run created earlier (a re-run finishes it, never duplicates it). */
  findDeployment(environment: string, runKey: string): Promise<number | undefined>;
  createDeployment(d: NewDeployment): Promise<number>;
  setDeploymentStatus(id: number, s: DeploymentStatus): Promise<void>;
  /** Creates the comment carrying `marker`, or updates it if this run already wrote one. */
  upsertComment(issue: number, marker: string, body: string): Promise<"created" | "updated">;
}

const MAX_PAGES = 10;

const PERMISSION: Record<string, string> = {
  approvals: "`permissions: actions: read`",
  deployments: "`permissions: deployments: write`",
  comment: "`permissions: issues: write`",
};

export function createRollbackGitHub(request: OctokitRequest, repo: Repo): RollbackGitHub {
  const base = { owner: repo.owner, repo: repo.repo };
  const call = <T>(what: string, kind: keyof typeof PERMISSION, fn: () => Promise<T>): Promise<T> =>
    callGitHub(
      what,
      {
        denied: `the job needs ${PERMISSION[kind]} and the token must reach ${repo.owner}/${repo.repo}`,
        refused: "the token was refused (pass github.token)",
      },
      fn,
    );
  const pages = <T>(route: string, params: Record<string, unknown>): Promise<T[]> =>
    readPages<T>(request, route, { ...base, ...params }, MAX_PAGES);

  return {
    repo,
    listRunApprovals: (runId) =>
      call("read the run's approvals", "approvals", async () => {
        const { data } = await request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals", {
          ...base,
          run_id: runId,
        });
        return (
          data as Array<{
            state: string;
            comment?: string;
            user?: { login?: string };
            environments?: Array<{ name?: string }>;
          }>
        ).map((a) => ({
          login: a.user?.login ?? "unknown",
          state: a.state === "approved" ? "approved" : "rejected",
          comment: a.comment ?? "",
          environments: (a.environments ?? []).map((e) => e.name ?? "").filter(Boolean),
        }));
      }),
    findDeployment: (environment, runKey) =>
      call("list deployments", "deployments", async () => {
        const list = await pages<{ id: number; payload?: unknown }>("GET /repos/{owner}/{repo}/deployments", {
          environment,
          task: "rollback",
        });
        return list.find((d) => (d.payload as { run?: string } | null)?.run === runKey)?.id;
      }),
    createDeployment: (d) =>
      call("create the deployment", "deployments", async () => {
        const { data } = await request("POST /repos/{owner}/{repo}/deployments", {
          ...base,
          ref: d.ref,
          task: "rollback",
          environment: d.environment,
          description: d.description.slice(0, 140),
          payload: d.payload,
          auto_merge: false,
          // A rollback must not wait for (or be blocked by) the commit's own checks.
          required_contexts: [],
          production_environment: d.environment === "production",
          request: { retries: 0 },
        });
        return (data as { id: number }).id;
      }),
    setDeploymentStatus: (id, s) =>
      call(`set deployment ${id} to ${s.state}`, "deployments", async () => {
        await request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
          ...base,
          deployment_id: id,
          state: s.state,
          description: s.description.slice(0, 140),
          ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
          ...(s.logUrl ? { log_url: s.logUrl } : {}),
          auto_inactive: s.state === "success",
        });
      }),
    upsertComment: (issue, marker, body) =>
      call(`comment on #${issue}`, "comment", async () => {
        const comments = await pages<{ id: number; body?: string }>(
          "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
          { issue_number: issue },
        );
        const mine = comments.find((c) => c.body?.includes(marker));
        if (mine) {
          await request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
            ...base,
            comment_id: mine.id,
            body,
          });
          return "updated";
        }
        await request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...base,
          issue_number: issue,
          body,
          request: { retries: 0 },
        });
        return "created";
      }),
  };
}
