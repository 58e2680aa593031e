import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { WORKFLOWS_DIR } from "./workflow-files.ts";

// The jobs that run on a schedule or on dispatch install production dependencies only and run the
// TypeScript with Node 24's type stripping (test/cli/lean-install.test.ts checks that this works).
describe.each(["monitor.yml", "rollback.yml"])("%s runs lean", (name) => {
  const text = readFileSync(join(WORKFLOWS_DIR, name), "utf8");

  it("installs production dependencies only, on Node 24", () => {
    const installs = text.match(/npm ci[^\n]*/g) ?? [];
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) expect(line).toContain("--omit=dev");
    for (const version of text.match(/node-version: *(\S+)/g) ?? []) expect(version).toBe("node-version: 24");
  });

  it("never runs tsx or an npm script that needs it", () => {
    expect(text).not.toMatch(/\btsx\b|npm run (ops|--silent ops)|npx /);
  });
});

// The CLI bundle is built in the job that runs it (dist/ is never committed), before its first use.
describe("monitor.yml runs the CLI bundle only where it built it", () => {
  const monitor = parse(readFileSync(join(WORKFLOWS_DIR, "monitor.yml"), "utf8")) as {
    jobs: Record<string, { steps: Array<{ run?: string }> }>;
  };

  it.each(Object.keys(monitor.jobs))("%s", (name) => {
    const runs = monitor.jobs[name]!.steps.map((s) => s.run ?? "");
    const built = runs.findIndex((r) => /^node scripts\/build\.ts\b/m.test(r));
    runs.forEach((r, i) => {
      if (/\bdist\/ops\.js\b/.test(r)) expect(built >= 0 && built < i, `step ${i}: ${r}`).toBe(true);
    });
  });
});
