import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { incidentsCommand } from "../../scripts/commands/incidents.ts";
import { createWorld, MIN, type World } from "./harness.ts";

let w: World;
afterEach(async () => {
  const violations = w.gh.violations.splice(0);
  await w.close();
  expect(violations).toEqual([]);
});

const CONFIG = `services:
  - id: chatwoot
    name: Chatwoot
    environment: production
    criticality: critical
    probe: { type: http, url: "https://chatwoot.example.test/api" }
`;

async function setup() {
  w = await createWorld();
  w.set("chatwoot", "down", "refused");
  w.clock.advance(5 * MIN);
  w.evaluate();
  const { chatwoot } = w.latest.services;
  await mkdir(join(w.dataDir, "reports"), { recursive: true });
  await writeFile(
    join(w.dataDir, "reports", "latest.json"),
    JSON.stringify({ ...w.latest, services: { chatwoot } }, null, 2),
  );
  await writeFile(join(w.dataDir, "ops.config.yml"), CONFIG);
}

function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const run = incidentsCommand(["--config", "ops.config.yml", "--data", ".", ...argv], {
    env,
    cwd: w.dataDir,
    io: { out: (t) => void out.push(t), err: (t) => void err.push(t) },
  });
  return run.then((code) => ({ code, out: out.join(""), err: err.join("") }));
}

describe("ops incidents", () => {
  it("runs the incident step on the stored latest.json against GITHUB_API_URL, replayable with --now", async () => {
    await setup();
    const env = { GITHUB_TOKEN: "ghs_world_token_abcdef", GITHUB_REPOSITORY: "hotdash/ops", GITHUB_API_URL: w.gh.url };
    const first = await cli(["--now", "2026-11-22T16:05:00Z", "--json"], env);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.out);
    expect(out.open).toEqual([{ key: "service:chatwoot", number: 1, severity: "P0" }]);
    expect(out.operations.map((o: { op: string }) => o.op)).toEqual(["create", "record"]);
    const stored = JSON.parse(await readFile(join(w.dataDir, "reports", "latest.json"), "utf8"));
    expect(stored.incidents["service:chatwoot"]).toMatchObject({
      number: 1,
      state: "open",
      openedAt: "2026-11-22T16:05:00.000Z",
    });
    // No notification routes are configured: skipped, and not counted as failures.
    expect(out.errors).toEqual([]);
    expect(out.notifications[0].deliveries).toEqual([
      {
        route: "slack-emergency",
        ok: false,
        skipped: true,
        error: "slack-emergency not sent: notifications.slack.emergency is not configured",
      },
      {
        route: "pagerduty",
        ok: false,
        skipped: true,
        error: "pagerduty not sent: notifications.pagerduty.routingKey is not configured",
      },
    ]);

    const second = await cli(["--now", "2026-11-22T16:35:00Z"], env);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/\| service:chatwoot \| comment \| #1 \| escalation-2 \|/);
    expect(w.gh.state.issues.size).toBe(1);
  });

  it("--dry-run needs no token, prints what it would do and writes nothing", async () => {
    await setup();
    const before = await readFile(join(w.dataDir, "reports", "latest.json"), "utf8");
    const r = await cli(["--dry-run", "--now", "2026-11-22T16:05:00Z"], {});
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\[dry-run\] create issue "Incident: Chatwoot \(production\) down"/);
    expect(r.err).toMatch(/\[dry-run\] notify pagerduty: open P0/);
    expect(await readFile(join(w.dataDir, "reports", "latest.json"), "utf8")).toBe(before);
    expect(w.gh.requests).toEqual([]);
  });

  it("a tokenless --dry-run takes the stored incidents at their word (no phantom creates)", async () => {
    await setup();
    w.set("chatwoot", "up");
    w.evaluate();
    const file = join(w.dataDir, "reports", "latest.json");
    const latest = JSON.parse(await readFile(file, "utf8"));
    latest.services.chatwoot = w.latest.services.chatwoot;
    latest.incidents["service:chatwoot"] = {
      key: "service:chatwoot",
      kind: "service",
      subject: "chatwoot",
      number: 5,
      state: "open",
      severity: "P0",
      status: "down",
      openedAt: "2026-11-22T15:00:00.000Z",
      startedAt: "2026-11-22T15:00:00.000Z",
      recoveredAt: "2026-11-22T16:00:00.000Z",
      escalationLevel: 3,
      goodRuns: 1,
      notified: ["open-2026-11-22T15:00:00.000Z"],
      timeline: [],
      evidence: {},
    };
    await writeFile(file, JSON.stringify(latest));
    const r = await cli(["--dry-run", "--now", "2026-11-22T16:10:00Z"], {});
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/create issue/);
    expect(r.err).toMatch(/\[dry-run\] comment on #5: "✅ Resolved after 60 min/);
    expect(r.err).toMatch(/\[dry-run\] update issue #5 state="closed" stateReason="completed"/);
    expect(r.err).toMatch(/\[dry-run\] notify pagerduty: resolve P0/);
  });

  it("without a token (and not a dry run) it says how to proceed and changes nothing", async () => {
    await setup();
    const r = await cli([], {});
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Skipped: GITHUB_TOKEN is not set/);
  });

  it("exits 2 without a stored latest.json, and names the fix", async () => {
    w = await createWorld();
    await writeFile(join(w.dataDir, "ops.config.yml"), CONFIG);
    await expect(cli([], {})).rejects.toThrow(/no usable reports\/latest.json .* run `ops run` first/);
  });
});
