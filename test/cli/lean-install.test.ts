import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { close, listen } from "../../emulators/metrics.ts";
import { findNode24, skipWithout } from "../servers/provision.ts";

/**
 * What the scheduled workflows run: a production install (`npm ci --omit=dev`, no tsx, no
 * TypeScript, no vitest, no @octokit/openapi) and every entry run by Node 24's own type stripping.
 * The working tree is copied (tracked and new files), installed from the npm cache, and each entry
 * runs there as a child process against a loopback fleet.
 */
const REPO = resolve(import.meta.dirname, "../..");
const node24 = findNode24(REPO);
const skip = skipWithout(node24, "test/cli/lean-install.test.ts (entries under Node 24 on a production install)");
const run = promisify(execFile);

let dir: string;
let app: string;
let web: Server;
let config: string;

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "ops-lean-"));
  app = join(dir, "app");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO,
    encoding: "utf8",
  }).split("\0");
  for (const file of files) {
    if (!file || !existsSync(join(REPO, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(app, file)), { recursive: true });
    copyFileSync(join(REPO, file), join(app, file));
  }
  await run(
    "npm",
    ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    { cwd: app },
  );
  web = createServer((req, res) => void res.writeHead(req.url === "/" ? 200 : 404).end("ok"));
  const port = await listen(web);
  config = join(dir, "lean.config.yml");
  writeFileSync(
    config,
    [
      "version: 1",
      "title: Lean install",
      "defaults: { timeout: 2s, connectTimeout: 1s, samples: 1, confirmWindow: 100ms, retryDelay: 20ms }",
      "services:",
      "  - { id: web, name: Web, environment: production, criticality: high, probe: { type: http, url: 'http://127.0.0.1:" +
        port +
        "/' }, rollback: { provider: fly, app: lean-web } }",
      "  - { id: api, name: API, environment: production, criticality: medium, probe: { type: http, url: 'http://127.0.0.1:" +
        port +
        "/health' } }",
      "",
    ].join("\n"),
  );
}, 180_000);

afterAll(async () => {
  if (web) await close(web);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs an entry with Node 24 in the production install; never throws, so the output can be shown. */
async function node(args: string[], env: Record<string, string> = {}) {
  if (!node24.ok) throw new Error("unreachable: the suite is skipped without Node 24");
  try {
    const out = await run(node24.path, args, {
      cwd: app,
      env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
      timeout: 90_000,
      encoding: "utf8",
    });
    return { code: 0, out: out.stdout, err: out.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; signal?: string };
    return { code: e.signal ? `killed by ${e.signal} (hung)` : e.code, out: e.stdout ?? "", err: e.stderr ?? "" };
  }
}

/** An action's entry as the runner starts it: every input in INPUT_* (defaults from action.yml). */
async function action(name: string, inputs: Record<string, string>) {
  const meta = parse(readFileSync(join(app, "actions", name, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
  };
  const env: Record<string, string> = {};
  for (const [key, spec] of Object.entries(meta.inputs)) env[`INPUT_${key.toUpperCase()}`] = spec.default ?? "";
  for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.toUpperCase()}`] = value;
  // The runner makes both files before the step starts.
  const output = join(dir, `${name}.output`);
  const summary = join(dir, `${name}.summary`);
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const result = await node([join("actions", name, "index.ts")], {
    ...env,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
  });
  return { ...result, output: readFileSync(output, "utf8") };
}

describe.skipIf(skip)("a production install (npm ci --omit=dev) run by Node 24's type stripping", () => {
  it("has no dev dependency to lean on", () => {
    for (const dev of ["tsx", "typescript", "vitest", "@octokit/openapi", "ajv"])
      expect(existsSync(join(app, "node_modules", dev)), dev).toBe(false);
  });

  it("ops validate, ops run and ops probe work", async () => {
    const valid = await node(["scripts/ops.ts", "validate", "--config", config]);
    expect(valid, valid.err).toMatchObject({ code: 0 });
    expect(valid.out).toMatch(/valid — 2 services/);

    const ran = await node(["scripts/ops.ts", "run", "--config", config, "--data", join(dir, "run"), "--dry-run"]);
    expect(ran, ran.err).toMatchObject({ code: 0 });
    const latest = JSON.parse(readFileSync(join(dir, "run", "reports", "latest.json"), "utf8"));
    expect([latest.services.web.status, latest.services.api.status]).toEqual(["up", "down"]);

    const probed = await node(["scripts/ops.ts", "probe", "--config", config, "--json"]);
    expect(probed, probed.err).toMatchObject({ code: 0 });
  }, 60_000);

  it("builds the CLI bundle as the monitor workflow does, and the bundle runs ops run on loopback", async () => {
    const built = await node(["scripts/build.ts"]);
    expect(built, built.err).toMatchObject({ code: 0 });
    expect(existsSync(join(app, "dist", "ops.js"))).toBe(true);

    // --version reads package.json: found from dist/ too.
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { name: string; version: string };
    const version = await node(["dist/ops.js", "--version"]);
    expect(version, version.err).toMatchObject({ code: 0, out: `${pkg.name} ${pkg.version}\n` });
    const valid = await node(["dist/ops.js", "validate", "--config", config]);
    expect(valid, valid.err).toMatchObject({ code: 0 });
    expect(valid.out).toMatch(/valid — 2 services/);

    // The incident step reads .github/ISSUE_TEMPLATE/incident.md: found from dist/ too.
    const data = join(dir, "bundle-run");
    const ran = await node(["dist/ops.js", "run", "--config", config, "--data", data, "--dry-run"]);
    expect(ran, ran.err).toMatchObject({ code: 0 });
    expect(ran.out).toMatch(/incidents: \d+ operation\(s\) \(dry run\)/);
    const latest = JSON.parse(readFileSync(join(data, "reports", "latest.json"), "utf8"));
    expect([latest.services.web.status, latest.services.api.status]).toEqual(["up", "down"]);
  }, 60_000);

  it("the four actions' entries run: probe, incident (dry run), report, rollback plan", async () => {
    const data = join(dir, "actions");
    const probe = await action("probe", { config, data });
    expect(probe, probe.out + probe.err).toMatchObject({ code: 0 });
    expect(probe.output).toMatch(/down<<.*\napi\n/);
    const incident = await action("incident", { config, data, "dry-run": "true" });
    expect(incident, incident.out + incident.err).toMatchObject({ code: 0 });
    const report = await action("report", { config, data });
    expect(report, report.out + report.err).toMatchObject({ code: 0 });
    expect(readFileSync(join(data, "reports", "STATUS.md"), "utf8")).toMatch(/API/);
    const rollback = await action("rollback", {
      config,
      data,
      phase: "plan",
      service: "web",
      reason: "lean install test",
    });
    expect(rollback, rollback.out + rollback.err).toMatchObject({ code: 0 });
    expect(rollback.out).toMatch(/lean-web/);
  }, 60_000);

  it("ops demo runs without the GitHub emulator's dev dependencies, says so, and exits", async () => {
    const demo = await node([
      "scripts/ops.ts",
      "demo",
      "--runs",
      "2",
      "--data",
      join(dir, "demo"),
      "--now",
      "2026-11-22T18:00:00Z",
    ]);
    expect(demo, demo.err).toMatchObject({ code: 0 });
    expect(demo.out).toMatch(/does not check requests against it/);
    expect(demo.out).toMatch(/Issues on the loopback GitHub/);
  }, 100_000);
});
