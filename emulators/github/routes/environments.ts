/**
 * Environments with required reviewers and custom deployment branch policies, users and teams:
 * what scripts/setup-environment.ts calls. Part of `deploymentRoutes`.
 */
import type { Route, RouteContext } from "../server.ts";
import { userJson } from "../state.ts";
import { deployState, notFound, validation, type StoredEnvironment } from "./deploy-state.ts";

const repoUrl = (ctx: RouteContext) => `${ctx.base}/repos/${ctx.state.owner}/${ctx.state.repo}`;

function environmentJson(ctx: RouteContext, e: StoredEnvironment) {
  const rules: unknown[] = [];
  if (e.waitTimer)
    rules.push({ id: e.id * 10 + 1, node_id: `GA_${e.id}1`, type: "wait_timer", wait_timer: e.waitTimer });
  if (e.reviewers.length) {
    rules.push({
      id: e.id * 10 + 2,
      node_id: `GA_${e.id}2`,
      type: "required_reviewers",
      prevent_self_review: e.preventSelfReview,
      reviewers: e.reviewers
        .filter((r) => r.type === "User")
        .map((r) => ({ type: "User", reviewer: userJson(ctx.base, loginOf(ctx, r.id)) })),
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

export const environmentRoutes: Route[] = [
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
        branchPolicy:
          b.deployment_branch_policy === undefined ? (prev?.branchPolicy ?? null) : b.deployment_branch_policy,
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
        return {
          status: 404,
          body: {
            message: "Custom branch policies are not enabled for this environment",
            documentation_url: "https://docs.github.com/rest",
          },
        };
      }
      const policy = {
        id: ctx.state.nextId(),
        name: String(ctx.body?.name),
        type: (ctx.body?.type ?? "branch") as "branch" | "tag",
      };
      env.policies.push(policy);
      return { status: 200, body: { id: policy.id, node_id: `BP_${policy.id}`, name: policy.name, type: policy.type } };
    },
  },
  {
    operationId: "repos/delete-deployment-branch-policy",
    handle(ctx) {
      const env = deployState(ctx.state).environments.get(ctx.params.environment_name!);
      const id = Number(ctx.params.branch_policy_id);
      if (!env?.policies.some((p) => p.id === id)) return notFound;
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
];
