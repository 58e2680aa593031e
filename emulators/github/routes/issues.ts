import { paginate } from "../paginate.ts";
import type { Route, RouteContext } from "../server.ts";
import { commentJson, ensureLabel, issueJson, labelJson, type StoredIssue } from "../state.ts";

/** Issues, comments and labels: the endpoints the incident tracker and maintenance reader use. */
const notFound = { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
const gone = {
  status: 410,
  body: { message: "This issue was deleted", documentation_url: "https://docs.github.com/rest" },
};

function findIssue(ctx: RouteContext): StoredIssue | typeof notFound | typeof gone {
  const issue = ctx.state.issues.get(Number(ctx.params.issue_number));
  if (!issue) return notFound;
  if (issue.deleted) return gone;
  return issue;
}

const isIssue = (x: unknown): x is StoredIssue => typeof (x as StoredIssue).number === "number";

function validation(message: string) {
  return {
    status: 422,
    body: { message: "Validation Failed", errors: [message], documentation_url: "https://docs.github.com/rest" },
  };
}

function labelNames(input: unknown): string[] {
  if (!Array.isArray(input)) return [];
  return input.map((l) => (typeof l === "string" ? l : String((l as { name?: string }).name ?? "")));
}

export const issueRoutes: Route[] = [
  {
    operationId: "issues/list-for-repo",
    handle(ctx) {
      const state = ctx.query.get("state") ?? "open";
      const labels = (ctx.query.get("labels") ?? "")
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const direction = ctx.query.get("direction") ?? "desc";
      const items = [...ctx.state.issues.values()]
        .filter((i) => !i.deleted && (state === "all" || i.state === state))
        .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
        .sort((a, b) => (direction === "asc" ? a.number - b.number : b.number - a.number));
      const { page, headers } = paginate(ctx, items);
      return { status: 200, body: page.map((i) => issueJson(ctx.base, ctx.state, i)), headers };
    },
  },
  {
    operationId: "issues/create",
    handle(ctx) {
      const b = ctx.body ?? {};
      if (typeof b.title !== "string" || !b.title) return validation("title is missing");
      const now = ctx.state.now().toISOString();
      const number = Math.max(0, ...ctx.state.issues.keys()) + 1;
      const issue: StoredIssue = {
        number,
        id: ctx.state.nextId(),
        title: b.title,
        body: typeof b.body === "string" ? b.body : null,
        state: "open",
        stateReason: null,
        labels: labelNames(b.labels),
        assignees: Array.isArray(b.assignees) ? b.assignees : [],
        user: ctx.state.actor,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        deleted: false,
      };
      issue.labels.forEach((l) => ensureLabel(ctx.state, l));
      ctx.state.issues.set(number, issue);
      return { status: 201, body: issueJson(ctx.base, ctx.state, issue) };
    },
  },
  {
    operationId: "issues/get",
    handle(ctx) {
      const issue = findIssue(ctx);
      return isIssue(issue) ? { status: 200, body: issueJson(ctx.base, ctx.state, issue) } : issue;
    },
  },
  {
    operationId: "issues/update",
    handle(ctx) {
      const issue = findIssue(ctx);
      if (!isIssue(issue)) return issue;
      const b = ctx.body ?? {};
      if (typeof b.title === "string") issue.title = b.title;
      if (typeof b.body === "string" || b.body === null) issue.body = b.body;
      if (b.labels !== undefined) issue.labels = labelNames(b.labels);
      if (Array.isArray(b.assignees)) issue.assignees = b.assignees;
      if (b.state === "closed" && issue.state === "open") {
        issue.state = "closed";
        issue.stateReason = b.state_reason ?? "completed";
        issue.closedAt = ctx.state.now().toISOString();
      } else if (b.state === "open" && issue.state === "closed") {
        issue.state = "open";
        issue.stateReason = "reopened";
        issue.closedAt = null;
      }
      issue.updatedAt = ctx.state.now().toISOString();
      issue.labels.forEach((l) => ensureLabel(ctx.state, l));
      return { status: 200, body: issueJson(ctx.base, ctx.state, issue) };
    },
  },
  {
    operationId: "issues/add-assignees",
    handle(ctx) {
      const issue = findIssue(ctx);
      if (!isIssue(issue)) return issue;
      for (const a of ctx.body?.assignees ?? []) if (!issue.assignees.includes(a)) issue.assignees.push(a);
      return { status: 201, body: issueJson(ctx.base, ctx.state, issue) };
    },
  },
  {
    operationId: "issues/list-comments",
    handle(ctx) {
      const issue = findIssue(ctx);
      if (!isIssue(issue)) return issue;
      const items = ctx.state.comments.filter((c) => c.issue === issue.number);
      const { page, headers } = paginate(ctx, items);
      return { status: 200, body: page.map((c) => commentJson(ctx.base, ctx.state, c)), headers };
    },
  },
  {
    operationId: "issues/create-comment",
    handle(ctx) {
      const issue = findIssue(ctx);
      if (!isIssue(issue)) return issue;
      if (typeof ctx.body?.body !== "string") return validation("body is missing");
      const now = ctx.state.now().toISOString();
      const comment = {
        id: ctx.state.nextId(),
        issue: issue.number,
        body: ctx.body.body,
        user: ctx.state.actor,
        createdAt: now,
        updatedAt: now,
      };
      ctx.state.comments.push(comment);
      return { status: 201, body: commentJson(ctx.base, ctx.state, comment) };
    },
  },
  {
    operationId: "issues/list-labels-for-repo",
    handle(ctx) {
      const { page, headers } = paginate(ctx, [...ctx.state.labels.values()]);
      return { status: 200, body: page.map((l) => labelJson(ctx.base, ctx.state, l)), headers };
    },
  },
  {
    operationId: "issues/create-label",
    handle(ctx) {
      const name = String(ctx.body?.name ?? "");
      if (!name) return validation("name is missing");
      if (ctx.state.labels.has(name.toLowerCase())) return validation("already_exists");
      const label = ensureLabel(ctx.state, name);
      label.color = String(ctx.body?.color ?? "ededed").replace(/^#/, "");
      label.description = ctx.body?.description ?? null;
      return { status: 201, body: labelJson(ctx.base, ctx.state, label) };
    },
  },
];
