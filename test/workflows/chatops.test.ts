import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { checkWorkflow } from "./rules.ts";
import { WORKFLOWS_DIR } from "./workflow-files.ts";

/**
 * chatops.yml (issue 12 §4): runs on new issue comments only, reads the comment from the event
 * file, and grants `actions: write` to the one job that dispatches. The `if:` filters are
 * evaluated here for sample comments, the way GitHub evaluates them (startsWith ignores case).
 */
const text = readFileSync(join(WORKFLOWS_DIR, "chatops.yml"), "utf8");
const wf = parse(text);

type Job = {
  if: string;
  permissions: Record<string, string>;
  steps: Array<{ run?: string; env?: Record<string, string> }>;
};
const jobs = wf.jobs as Record<string, Job>;

/** The subset of GitHub's expression language the two conditions use. */
function evaluate(condition: string, ctx: { body: string; pr: boolean; type: string }): boolean {
  const expr = condition.replace(/^\$\{\{\s*|\s*\}\}$/g, "");
  return expr.split("&&").every((raw) => {
    const term = raw.trim();
    const negated = term.startsWith("!");
    const t = negated ? term.slice(1) : term;
    let value: boolean;
    const m = /^startsWith\(github\.event\.comment\.body, '([^']*)'\)$/.exec(t);
    if (m) value = ctx.body.toLowerCase().startsWith(m[1]!.toLowerCase());
    else if (t === "github.event.issue.pull_request") value = ctx.pr;
    else if (t === "github.event.comment.user.type != 'Bot'") value = ctx.type !== "Bot";
    else throw new Error(`unexpected term in chatops.yml if: ${t}`);
    return negated ? !value : value;
  });
}

describe("chatops.yml", () => {
  it("passes the hardening rules", () => {
    expect(checkWorkflow(text, "chatops.yml").problems).toEqual([]);
  });

  it("runs on new issue comments only", () => {
    expect(wf.on).toEqual({ issue_comment: { types: ["created"] } });
    expect(wf.permissions).toEqual({});
    expect(wf.concurrency).toBeUndefined(); // a group would cancel pending commands given in quick succession
  });

  it("least privilege: issues: write everywhere, actions: write only in the job that dispatches", () => {
    expect(jobs.command!.permissions).toEqual({ contents: "read", issues: "write" });
    expect(jobs.rollback!.permissions).toEqual({ contents: "read", issues: "write", actions: "write" });
    expect(
      Object.entries(jobs)
        .filter(([, j]) => j.permissions.actions === "write")
        .map(([name]) => name),
    ).toEqual(["rollback"]);
  });

  it("the comment reaches the CLI through the event file, never through run:", () => {
    for (const job of Object.values(jobs)) {
      const runs = job.steps.filter((s) => s.run).map((s) => s.run!);
      expect(runs.join("\n")).not.toMatch(/\$\{\{/);
      expect(runs).toContain('npm run ops -- command --event "$GITHUB_EVENT_PATH"');
      const step = job.steps.find((s) => s.run?.includes("ops -- command"))!;
      expect(step.env).toEqual({ GITHUB_TOKEN: "${{ github.token }}" });
    }
  });

  it("each comment goes to at most one job, and /rollback only to the dispatching one", () => {
    const route = (body: string, pr = false, type = "User") =>
      Object.entries(jobs)
        .filter(([, j]) => evaluate(j.if, { body, pr, type }))
        .map(([name]) => name);
    expect(route("/ack")).toEqual(["command"]);
    expect(route("/silence 2h waiting")).toEqual(["command"]);
    expect(route("/rollback previous bad deploy")).toEqual(["rollback"]);
    expect(route("/ROLLBACK previous bad deploy")).toEqual(["rollback"]);
    expect(route("/ack", true)).toEqual([]);
    expect(route("/ack", false, "Bot")).toEqual([]);
    expect(route("looks down to me")).toEqual([]);
    expect(route(" /rollback x y")).toEqual([]); // and the parser agrees: not a command
  });
});
