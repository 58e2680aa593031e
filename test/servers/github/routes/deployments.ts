/**
 * Deployments, deployment statuses, a run's approvals, environments (with required reviewers and
 * custom branch policies), users, teams and comment updates: the endpoints the rollback and
 * scripts/setup-environment.ts use. Plug in with `startGitHubServer({ routes: deploymentRoutes })`;
 * every answer is checked against GitHub's OpenAPI description by the server.
 */
import { paginate } from "../paginate.ts";
import type { Route, RouteContext } from "../server.ts";
import { commentJson, userJson, type RepoState } from "../state.ts";

export interface StoredDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  payload: Record<string, unknown>;
  creator: string;
  createdAt: string;
  statuses: Array<{ id: number; state: string; description: string; environmentUrl: string; logUrl: string; createdAt: string }>;
}

export interface StoredEnvironment {
  id: number;
  name: string;
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: Array<{ type: "User" | "Team"; id: number }>;
  branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  policies: Array<{ id: number; name: string; type: "branch" | "tag" }>;
  createdAt: string;
  updatedAt: string;
}

export interface DeployState {
  deployments: StoredDeployment[];
  /** Approvals by workflow run id. */
  approvals: Map<number, Array<{ login: string; state: "approved" | "rejected"; comment: string; environments: string[] }>>;
  environments: Map<string, StoredEnvironment>;
  /** Users and teams that exist (anything else is 404). Ids follow `userJson`. */
  users: Set<string>;
  teams: Map<string, number>;
}

const states = new WeakMap<RepoState, DeployState>();

export function deployState(state: RepoState): DeployState {
  let s = states.get(state);
  if (!s) {
    s = { deployments: [], approvals: new Map(), environments: new Map(), users: new Set(), teams: new Map() };
    states.set(state, s);
  }
  return s;
}

const notFound = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
const validation = (message: string) => ({ status: 422, body: { message: "Validation Failed", errors: [message], documentation_url: "https://docs.github.com/rest" } });
const repoUrl = (ctx: RouteContext) => `${ctx.base}/repos/${ctx.state.owner}/${ctx.state.repo}`;

function deploymentJson(ctx: RouteContext, d: StoredDeployment) {
  const url = `${repoUrl(ctx)}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(ctx.base, d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: repoUrl(ctx),
    transient_environment: false,
    production_environment: d.environment === "production",
  };
}

function environmentJson(ctx: RouteContext, e: StoredEnvironment) {
  const rules: unknown[] = [];
  if (e.waitTimer) rules.push({ id: e.id * 10 + 1, node_id: `GA_${e.id}1`, type: "wait_timer", wait_timer: e.waitTimer });
  if (e.reviewers.length) {
    rules.push({
      id: e.id * 10 + 2,
      node_id: `GA_${e.id}2`,
      type: "required_reviewers",
      prevent_self_review: e.preventSelfReview,
      reviewers: e.reviewers.filter((r) => r.type === "User").map((r) => ({ type: "User", reviewer: userJson(ctx.base, loginOf(ctx, r.id)) })),
    });
  }
  if (e.branchPolicy) rules.push({ id: e.id * 10 + 3, node_id: `GA_${e.id}3`, type: "branch_policy" });
  return {
    id: e.id,
    node_id: `EN_${e.id}`,
    name: e.name,
    url: `${repoUrl(ctx)}/environments/${encodeURIComponent(e.name)}`,
    html_url: `https://github.example.test/${ctx.state.owner}/${ctx.state.repo}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
    protection_rules: rules,
    deployment_branch_policy: e.branchPolicy,
  };
}

function loginOf(ctx: RouteContext, id: number): string {
  return [...deployState(ctx.state).users].find((l) => userJson(ctx.base, l).id === id) ?? `user-${id}`;
}

export const deploymentRoutes: Route[] = [
  {
    operationId: "repos/create-deployment",
    handle(ctx) {
      const b = ctx.body ?? {};
      if (typeof b.ref !== "string" || !b.ref) return validation("ref is missing");
      const s = deployState(ctx.state);
      const d: StoredDeployment = {
        id: ctx.state.nextId(),
        ref: b.ref,
        sha: /^[0-9a-f]{40}$/.test(b.ref) ? b.ref : "0".repeat(40),
        task: b.task ?? "deploy",
        environment: b.environment ?? "production",
        description: b.description ?? null,
        payload: typeof b.payload === "object" && b.payload ? b.payload : {},
        creator: ctx.state.actor,
        createdAt: ctx.state.now().toISOString(),
        statuses: [],
      };
      s.deployments.push(d);
      return { status: 201, body: deploymentJson(ctx, d) };
    },
  },
  {
    operationId: "repos/list-deployments",
    handle(ctx) {
      const q = (k: string) => ctx.query.get(k);
      const items = deployState(ctx.state)
        .deployments.filter((d) => (!q("environment") || d.environment === q("environment")) && (!q("task") || d.task === q("task")))
        .slice()
        .reverse();
      const { page, headers } = paginate(ctx, items);
      return { status: 200, body: page.map((d) => deploymentJson(ctx, d)), headers };
    },
  },
  {
    operationId: "repos/create-deployment-status",
    handle(ctx) {
      const d = deployState(ctx.state).deployments.find((x) => x.id === Number(ctx.params.deployment_id));
      if (!d) return notFound;
      const b = ctx.body ?? {};
      const at = ctx.state.now().toISOString();
      const status = { id: ctx.state.nextId(), state: b.state, description: b.description ?? "", environmentUrl: b.environment_url ?? "", logUrl: b.log_url ?? "", createdAt: at };
      d.statuses.push(status);
      const url = `${repoUrl(ctx)}/deployments/${d.id}/statuses/${status.id}`;
      return {
        status: 201,
        body: {
          url,
          id: status.id,
          node_id: `DES_${status.id}`,
          state: status.state,
          creator: userJson(ctx.base, ctx.state.actor),
          description: status.description,
          environment: d.environment,
          target_url: status.logUrl,
          environment_url: status.environmentUrl,
          log_url: status.logUrl,
          created_at: at,
          updated_at: at,
          deployment_url: `${repoUrl(ctx)}/deployments/${d.id}`,
          repository_url: repoUrl(ctx),
        },
      };
    },
  },
  {
    operationId: "actions/get-reviews-for-run",
    handle(ctx) {
      const list = deployState(ctx.state).approvals.get(Number(ctx.params.run_id)) ?? [];
      const at = ctx.state.now().toISOString();
      return {
        status: 200,
        body: list.map((a) => ({
          state: a.state,
          comment: a.comment,
          user: userJson(ctx.base, a.login),
          environments: a.environments.map((name, i) => ({
            id: 9000 + i,
            node_id: `EN_${9000 + i}`,
            name,
            url: `${repoUrl(ctx)}/environments/${name}`,
            html_url: `https://github.example.test/${ctx.state.owner}/${ctx.state.repo}/deployments/activity_log?environments_filter=${name}`,
            created_at: at,
            updated_at: at,
          })),
        })),
      };
    },
  },
  {
    operationId: "repos/create-or-update-environment",
    handle(ctx) {
      const s = deployState(ctx.state);
      const b = ctx.body ?? {};
      const name = ctx.params.environment_name!;
      const at = ctx.state.now().toISOString();
      const reviewers = (b.reviewers ?? []) as Array<{ type: "User" | "Team"; id: number }>;
      if (reviewers.length > 6) return validation("reviewers: at most 6 users or teams");
      const prev = s.environments.get(name);
      const env: StoredEnvironment = {
        id: prev?.id ?? ctx.state.nextId(),
        name,
        waitTimer: b.wait_timer ?? prev?.waitTimer ?? 0,
        preventSelfReview: b.prevent_self_review ?? prev?.preventSelfReview ?? false,
        reviewers: b.reviewers === undefined ? (prev?.reviewers ?? []) : reviewers,
        branchPolicy: b.deployment_branch_policy === undefined ? (prev?.branchPolicy ?? null) : b.deployment_branch_policy,
        policies: prev?.policies ?? [],
        createdAt: prev?.createdAt ?? at,
        updatedAt: at,
      };
      s.environments.set(name, env);
      return { status: 200, body: environmentJson(ctx, env) };
    },
  },
  {
    operationId: "repos/list-deployment-branch-policies",
    handle(ctx) {
      const env = deployState(ctx.state).environments.get(ctx.params.environment_name!);
      if (!env) return notFound;
      const policies = env.policies.map((p) => ({ id: p.id, node_id: `BP_${p.id}`, name: p.name, type: p.type }));
      return { status: 200, body: { total_count: policies.length, branch_policies: policies } };
    },
  },
  {
    operationId: "repos/create-deployment-branch-policy",
    handle(ctx) {
      const env = deployState(ctx.state).environments.get(ctx.params.environment_name!);
      if (!env) return notFound;
      if (!env.branchPolicy?.custom_branch_policies) {
        return { status: 404, body: { message: "Custom branch policies are not enabled for this environment", documentation_url: "https://docs.github.com/rest" } };
      }
      const policy = { id: ctx.state.nextId(), name: String(ctx.body?.name), type: (ctx.body?.type ?? "branch") as "branch" | "tag" };
      env.policies.push(policy);
      return { status: 200, body: { id: policy.id, node_id: `BP_${policy.id}`, name: policy.name, type: policy.type } };
    },
  },
  {
    operationId: "repos/delete-deployment-branch-policy",
    handle(ctx) {
      const env = deployState(ctx.state).environments.get(ctx.params.environment_name!);
      const id = Number(ctx.params.branch_policy_id);
      if (!env || !env.policies.some((p) => p.id === id)) return notFound;
      env.policies = env.policies.filter((p) => p.id !== id);
      return { status: 204 };
    },
  },
  {
    operationId: "users/get-by-username",
    handle(ctx) {
      const login = ctx.params.username!;
      if (!deployState(ctx.state).users.has(login)) return notFound;
      const at = "2020-01-01T00:00:00Z";
      return {
        status: 200,
        body: {
          ...userJson(ctx.base, login),
          user_view_type: "public",
          name: login,
          company: null,
          blog: "",
          location: null,
          email: null,
          hireable: null,
          bio: null,
          public_repos: 1,
          public_gists: 0,
          followers: 0,
          following: 0,
          created_at: at,
          updated_at: at,
        },
      };
    },
  },
  {
    operationId: "teams/get-by-name",
    handle(ctx) {
      const id = deployState(ctx.state).teams.get(`${ctx.params.org}/${ctx.params.team_slug}`);
      if (id === undefined) return notFound;
      const at = "2020-01-01T00:00:00Z";
      const org = `${ctx.base}/orgs/${ctx.params.org}`;
      return {
        status: 200,
        body: {
          id,
          node_id: `T_${id}`,
          url: `${ctx.base}/teams/${id}`,
          html_url: `https://github.example.test/orgs/${ctx.params.org}/teams/${ctx.params.team_slug}`,
          name: ctx.params.team_slug,
          slug: ctx.params.team_slug,
          description: null,
          privacy: "closed",
          notification_setting: "notifications_enabled",
          permission: "pull",
          members_url: `${ctx.base}/teams/${id}/members{/member}`,
          repositories_url: `${ctx.base}/teams/${id}/repos`,
          parent: null,
          members_count: 2,
          repos_count: 1,
          created_at: at,
          updated_at: at,
          type: "organization",
          organization: {
            login: ctx.params.org,
            id: 77,
            node_id: "O_77",
            url: org,
            repos_url: `${org}/repos`,
            events_url: `${org}/events`,
            hooks_url: `${org}/hooks`,
            issues_url: `${org}/issues`,
            members_url: `${org}/members{/member}`,
            public_members_url: `${org}/public_members{/member}`,
            avatar_url: "https://avatars.example.test/o/77",
            description: null,
            html_url: `https://github.example.test/${ctx.params.org}`,
            has_organization_projects: true,
            has_repository_projects: true,
            public_repos: 1,
            public_gists: 0,
            followers: 0,
            following: 0,
            type: "Organization",
            created_at: at,
            updated_at: at,
            archived_at: null,
          },
        },
      };
    },
  },
  {
    operationId: "issues/update-comment",
    handle(ctx) {
      const comment = ctx.state.comments.find((c) => c.id === Number(ctx.params.comment_id));
      if (!comment) return notFound;
      if (typeof ctx.body?.body !== "string") return validation("body is missing");
      comment.body = ctx.body.body;
      comment.updatedAt = ctx.state.now().toISOString();
      return { status: 200, body: commentJson(ctx.base, ctx.state, comment) };
    },
  },
];
