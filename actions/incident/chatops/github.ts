/**
 * The narrow view of GitHub that `ops command` uses, on any Octokit-style `request` (the shared
 * client's `createOctokit(...).request` in CI, the emulator in tests). Errors say which job
 * permission is missing.
 */
import { callGitHub, type OctokitRequest, readPages } from "../../shared/github/rest.ts";
import type { IssueComment, Repo } from "../../shared/github/types.ts";
import type { Permission } from "./read.ts";

export type Reaction = "+1" | "-1" | "confused" | "eyes" | "rocket";

export interface ChatOpsGitHub {
  repo: Repo;
  /** The login's role on the repository (role_name: admin, maintain, write, triage, read), "none" for an unknown user. */
  permissionOf(login: string): Promise<Permission>;
  listComments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<void>;
  react(commentId: number, content: Reaction): Promise<void>;
  /** POST …/actions/workflows/{file}/dispatches; GitHub answers 204 and starts the run. */
  dispatchWorkflow(file: string, ref: string, inputs: Record<string, string>): Promise<void>;
}

const MAX_PAGES = 30;

const NEEDS = {
  read: "the token must reach the repository (`permissions: issues: write` covers it)",
  issues: "the job needs `permissions: issues: write`",
  actions: "the job needs `permissions: actions: write` (only the job that dispatches)",
};

export function createChatOpsGitHub(request: OctokitRequest, repo: Repo): ChatOpsGitHub {
  const base = { owner: repo.owner, repo: repo.repo };
  const call = <T>(what: string, needs: keyof typeof NEEDS, fn: () => Promise<T>): Promise<T> =>
    callGitHub(
      `${what} on ${repo.owner}/${repo.repo}`,
      { denied: NEEDS[needs], refused: "the token was refused (pass github.token as GITHUB_TOKEN)" },
      fn,
    );

  const ROLES = new Set<Permission>(["admin", "maintain", "write", "triage", "read", "none"]);

  return {
    repo,
    permissionOf: (login) =>
      call(`read the permission of ${login}`, "read", async () => {
        try {
          const { data } = await request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
            ...base,
            username: login,
          });
          const d = data as { permission?: string; role_name?: string };
          // role_name tells maintain from write and triage from read; `permission` is the legacy fold.
          const role = (d.role_name ?? d.permission ?? "none") as Permission;
          return ROLES.has(role) ? role : ((d.permission ?? "none") as Permission);
        } catch (error) {
          if ((error as { status?: number }).status === 404) return "none";
          throw error;
        }
      }),
    listComments: (issue) =>
      call(`list the comments of #${issue}`, "issues", async () => {
        const items = await readPages<{
          id: number;
          body?: string;
          created_at: string;
          user?: { login: string } | null;
        }>(
          request,
          "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
          { ...base, issue_number: issue },
          MAX_PAGES,
        );
        return items.map((c) => ({
          id: c.id,
          body: c.body ?? "",
          createdAt: c.created_at,
          ...(c.user ? { author: c.user.login } : {}),
        }));
      }),
    createComment: (issue, body) =>
      call(`comment on #${issue}`, "issues", async () => {
        await request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...base,
          issue_number: issue,
          body,
          request: { retries: 0 },
        });
      }),
    react: (commentId, content) =>
      call(`react to comment ${commentId}`, "issues", async () => {
        await request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
          ...base,
          comment_id: commentId,
          content,
        });
      }),
    dispatchWorkflow: (file, ref, inputs) =>
      call(`dispatch ${file}`, "actions", async () => {
        await request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
          ...base,
          workflow_id: file,
          ref,
          inputs,
          request: { retries: 0 },
        });
      }),
  };
}
