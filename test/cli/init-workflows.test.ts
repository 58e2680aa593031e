import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../scripts/cli/main.ts";
import { NO_ROLLBACK } from "../../scripts/workflows/generate.ts";
import { runLint } from "../workflows/lint.ts";
import { checkWorkflow } from "../workflows/rules.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A scratch repository root holding a copy of this repository's workflows. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "ops-init-"));
  dirs.push(dir);
  cpSync(join(ROOT, ".github", "workflows"), join(dir, ".github", "workflows"), { recursive: true });
  return dir;
}

async function ops(cwd: string, ...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { env: {}, cwd, io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
  return { code, out, err };
}

const workflow = (dir: string, name: string) => readFileSync(join(dir, ".github", "workflows", name), "utf8");

describe("ops workflows: the lists in the workflows that mirror the config", () => {
  it("are current for this repository's config (run `npm run ops -- workflows --write` after editing it)", async () => {
    const r = await ops(ROOT, "workflows");
    expect(r.err.split("\n").filter((l) => l.startsWith("ops workflows"))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("go stale when the config changes, are found stale, and --write brings them back", async () => {
    const dir = scratch();
    await ops(
      dir,
      "init",
      "--service",
      "shop=https://shop.example.org/",
      "--service",
      "api=https://api.example.org/health",
    );
    const config = readFileSync(join(dir, "ops.config.yml"), "utf8");
    writeFileSync(
      join(dir, "ops.config.yml"),
      config.replace(
        'url: "https://api.example.org/health"',
        'url: "https://api.example.org/health"\n      headers: { Authorization: "Bearer ${API_TOKEN}" }',
      ) +
        'notifications:\n  slack: { alerts: "${SLACK_ALERTS_WEBHOOK_URL}" }\n  routes: { P0: [slack-alerts], P1: [slack-alerts], P2: [slack-alerts], P3: [slack-alerts] }\n',
    );
    const stale = await ops(dir, "workflows");
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(
      /ops workflows: monitor\.yml no longer match .*ops\.config\.yml .*run: npm run ops -- workflows --write/,
    );

    expect((await ops(dir, "workflows", "--write")).out).toMatch(/updated from .*: monitor\.yml/);
    expect((await ops(dir, "workflows", "--check")).code).toBe(0);
    const monitor = parse(workflow(dir, "monitor.yml"));
    const runStep = monitor.jobs.monitor.steps.find((s: { run?: string }) => s.run?.includes("dist/ops.js run"));
    const probeStep = monitor.jobs.probe.steps.find((s: { run?: string }) => s.run?.includes("scripts/ops.ts probe"));
    const mergeStep = monitor.jobs["fan-in"].steps.find((s: { run?: string }) => s.run?.includes("dist/ops.js merge"));
    expect(runStep.env).toMatchObject({
      API_TOKEN: "${{ secrets.API_TOKEN }}",
      SLACK_ALERTS_WEBHOOK_URL: "${{ secrets.SLACK_ALERTS_WEBHOOK_URL }}",
    });
    expect(Object.keys(probeStep.env).filter((k) => k.endsWith("TOKEN") || k.endsWith("URL"))).toEqual(["API_TOKEN"]);
    expect(Object.keys(mergeStep.env)).toContain("SLACK_ALERTS_WEBHOOK_URL");
    expect(Object.keys(mergeStep.env)).not.toContain("API_TOKEN");
  });

  it("a region whose markers were removed is an error that says what to restore", async () => {
    const dir = scratch();
    const path = join(dir, ".github", "workflows", "ci.yml");
    writeFileSync(path, readFileSync(path, "utf8").replace(/^\s*# ops-generated: rollback-smoke.*$/m, ""));
    const r = await ops(ROOT, "workflows", "--dir", join(dir, ".github", "workflows"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /ci\.yml: expected the generated regions rollback-smoke, found none; restore the "# ops-generated:" marker lines/,
    );
  });
});

describe("ops init", () => {
  it("writes a config for someone else's two services that validates, and workflows for it that pass the audit", async () => {
    const dir = scratch();
    const init = await ops(
      dir,
      "init",
      "--title",
      "Acme status",
      "--service",
      "shop=https://shop.example.org/",
      "--service",
      "api=https://api.example.org/health",
    );
    expect(init.code).toBe(0);
    expect(init.out).toMatch(/wrote ops\.config\.yml: shop \(https:\/\/shop\.example\.org\/\), api/);
    expect((await ops(dir, "validate")).out).toMatch(/valid — 2 services \(2 http\), 0 groups/);
    expect((await ops(dir, "workflows")).code).toBe(0);

    // Nothing of HotDash's fleet is left in the workflows: no secret, no rollback service.
    for (const name of ["monitor.yml", "rollback.yml", "ci.yml"]) {
      const text = workflow(dir, name);
      expect(text).not.toMatch(/SHOPIFY_ADMIN_TOKEN|SUPABASE|hotdash-production|agent-service/);
      expect(checkWorkflow(text, name).problems).toEqual([]);
      expect(await runLint(text, `.github/workflows/${name}`)).toEqual([]);
    }
    expect(parse(workflow(dir, "rollback.yml")).on.workflow_dispatch.inputs.service.options).toEqual([NO_ROLLBACK]);
    expect(workflow(dir, "ci.yml")).not.toMatch(/uses: \.\/actions\/rollback/);
  });

  it("names the default placeholders when no service is given, and never overwrites without --force", async () => {
    const dir = scratch();
    expect((await ops(dir, "init")).out).toMatch(
      /website \(https:\/\/example\.com\/\), api \(https:\/\/example\.com\/health\)/,
    );
    const again = await ops(dir, "init");
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/ops\.config\.yml exists; pass --force to replace it/);
    expect((await ops(dir, "init", "--service", "Bad=ftp://x")).err).toMatch(/--service: expected id=URL/);
  });

  it("the example in examples/ is what init writes", async () => {
    const { starterConfig } = await import("../../scripts/commands/init.ts");
    const example = readFileSync(join(ROOT, "examples", "two-services.config.yml"), "utf8");
    const made = starterConfig("Example status", [
      { id: "website", url: "https://example.com/" },
      { id: "api", url: "https://example.com/health" },
    ]).replace("$schema=./ops.config.schema.json", "$schema=../ops.config.schema.json");
    expect(example).toBe(made);
  });
});
