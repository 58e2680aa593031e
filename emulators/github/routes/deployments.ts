/**
 * Deployments, deployment statuses, a run's approvals and comment updates — plus, through
 * environments.ts, environments, branch policies, users and teams: the endpoints the rollback and
 * scripts/setup-environment.ts use. Plug in with `startGitHubServer({ routes: deploymentRoutes })`;
 * every answer is checked against GitHub's OpenAPI description by the server.
 */
import type { Route, RouteContext } from "../server.ts";
import { paginate } from "../paginate.ts";
import { commentJson, userJson } from "../state.ts";
import { deployState, notFound, validation, type StoredDeployment } from "./deploy-state.ts";
import { environmentRoutes } from "./environments.ts";

export { deployState, type DeployState, type StoredDeployment, type StoredEnvironment } from "./deploy-state.ts";

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
        .deployments.filter(
          (d) => (!q("environment") || d.environment === q("environment")) && (!q("task") || d.task === q("task")),
        )
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
      const status = {
        id: ctx.state.nextId(),
        state: b.state,
        description: b.description ?? "",
        environmentUrl: b.environment_url ?? "",
        logUrl: b.log_url ?? "",
        createdAt: at,
      };
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
  ...environmentRoutes,
];
