/**
 * The action's entry as GitHub runs it: a separate process, inputs as INPUT_* variables, the job
 * summary file, outputs file and ::error:: on failure. Runs the plan phase and a dry-run apply
 * against the Fly emulator.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";
import { APP, threeMachines } from "./fixtures.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
let dir: string;
let fly: MachinesEmulator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rollback-action-"));
  fly = await startMachinesEmulator({ app: APP, machines: threeMachines(), token: "fly-action-token" });
  writeFileSync(
    join(dir, "ops.config.yml"),
    [
      "services:",
      "  - id: agent-service",
      "    name: Agent SDK",
      "    probe: { type: http, url: 'http://127.0.0.1:9/health' }",
      `    rollback: { provider: fly, app: ${APP}, apiUrl: '${fly.url}' }`,
      "",
    ].join("\n"),
  );
});
afterAll(async () => {
  await fly.close();
  rmSync(dir, { recursive: true, force: true });
});

function runAction(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const summary = join(dir, `summary-${Math.random()}.md`);
  const output = join(dir, `output-${Math.random()}.txt`);
  writeFileSync(summary, "");
  writeFileSync(output, "");
  const vars: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    ...env,
  };
  for (const [k, v] of Object.entries({
    config: join(dir, "ops.config.yml"),
    data: dir,
    "github-token": "",
    ...inputs,
  }))
    vars[`INPUT_${k.toUpperCase()}`] = v;
  return new Promise<{ code: number; stdout: string; summary: string; output: string }>((resolve) => {
    execFile(
      TSX,
      [join(ROOT, "actions/rollback/index.ts")],
      { env: vars, cwd: dir, timeout: 60_000 },
      (error, stdout) => {
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          summary: readFileSync(summary, "utf8"),
          output: readFileSync(output, "utf8"),
        });
      },
    );
  });
}

describe("rollback action entry", () => {
  it("plan phase: validates and prints what will happen, with no secret at all", async () => {
    const r = await runAction({
      phase: "plan",
      service: "agent-service",
      target: "v42",
      reason: "P1",
      dry_run: "false",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Fly app hotdash-agent-service, roll every machine to release v42");
    expect(r.summary).toContain("Rollback plan for `agent-service`");
    expect(r.output).toContain("planned");
    expect(fly.requests).toEqual([]);
  });

  it("plan phase: a bad input fails the job with the input named, and a summary", async () => {
    const r = await runAction({ phase: "plan", service: "agent-service", target: "v42 && reboot", reason: "" });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/::error::.*input "reason": required.*/s);
    expect(r.summary).toContain("Rollback failed");
  });

  it("apply + dry run: resolves the machines with the token and changes nothing", async () => {
    const r = await runAction(
      { phase: "apply", service: "agent-service", target: "", reason: "rehearsal", dry_run: "true" },
      { FLY_API_TOKEN: "fly-action-token", GITHUB_REPOSITORY: "hotdash/ops", GITHUB_ACTOR: "oncall-omar" },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("roll 3 machine(s) to registry.fly.io/hotdash-agent-service:deployment-042");
    expect(r.summary).toContain("dry-run");
    expect(r.summary).not.toContain("fly-action-token");
    expect(fly.requests.length).toBeGreaterThan(0);
    expect(fly.mutations()).toEqual([]);
  });
});
