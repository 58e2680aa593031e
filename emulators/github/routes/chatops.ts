/**
 * What `ops command` (ChatOps on incident issues) calls beyond issues and comments: reactions on a
 * comment and workflow dispatch (the permission check is routes/collaborators.ts). Plug in with
 * `startGitHubServer({ routes: chatopsRoutes })`; set permissions with `chatopsState(state)`.
 */
import type { Route } from "../server.ts";
import { userJson, type RepoState } from "../state.ts";

export type Role = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface ChatOpsState {
  /** A login's role on the repository; anyone not listed reads (a public repository). */
  roles: Map<string, Role>;
  /** Logins that do not exist on GitHub at all (answered 404). */
  unknownUsers: Set<string>;
  reactions: Array<{ id: number; commentId: number; content: string; user: string; createdAt: string }>;
  /** Workflow files (or ids) that exist; dispatching another is 404. */
  workflows: Set<string>;
  dispatches: Array<{ workflow: string; ref: string; inputs: Record<string, unknown> }>;
}

const states = new WeakMap<RepoState, ChatOpsState>();

export function chatopsState(state: RepoState): ChatOpsState {
  let s = states.get(state);
  if (!s) {
    // Roles are the repository's collaborators (routes/collaborators.ts answers the permission
    // check); the ChatOps scenes play a public repository, where anyone not listed can read.
    state.defaultRole = "read";
    s = {
      roles: state.collaborators as Map<string, Role>,
      unknownUsers: state.unknownUsers,
      reactions: [],
      workflows: new Set(["rollback.yml", "monitor.yml"]),
      dispatches: [],
    };
    states.set(state, s);
  }
  return s;
}

const notFound = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };

export const chatopsRoutes: Route[] = [
  {
    operationId: "reactions/create-for-issue-comment",
    handle(ctx) {
      const s = chatopsState(ctx.state);
      const commentId = Number(ctx.params.comment_id);
      if (!ctx.state.comments.some((c) => c.id === commentId)) return notFound;
      const content = String(ctx.body?.content);
      const user = ctx.state.actor;
      const existing = s.reactions.find((r) => r.commentId === commentId && r.content === content && r.user === user);
      const reaction = existing ?? {
        id: ctx.state.nextId(),
        commentId,
        content,
        user,
        createdAt: ctx.state.now().toISOString(),
      };
      if (!existing) s.reactions.push(reaction);
      return {
        status: existing ? 200 : 201,
        body: {
          id: reaction.id,
          node_id: `REA_${reaction.id}`,
          user: userJson(ctx.base, user),
          content,
          created_at: reaction.createdAt,
        },
      };
    },
  },
  {
    operationId: "actions/create-workflow-dispatch",
    handle(ctx) {
      const s = chatopsState(ctx.state);
      const workflow = ctx.params.workflow_id!;
      if (!s.workflows.has(workflow)) return notFound;
      s.dispatches.push({ workflow, ref: String(ctx.body?.ref), inputs: ctx.body?.inputs ?? {} });
      return { status: 204 };
    },
  },
];
