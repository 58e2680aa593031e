import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syntheticConfig, syntheticRuns, writeHistory } from "../../scripts/bench/synthetic.ts";

/** The action's entry run as GitHub runs it: inputs in INPUT_* variables, files for outputs and summary. */
const root = resolve(import.meta.dirname, "../..");
const entry = join(root, "actions/report/index.ts");
// The child runs in a scratch directory, so tsx's loader is named by its full path.
const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "report-action-"));
  await writeFile(join(dir, "summary.md"), "");
  await writeFile(join(dir, "output.txt"), "");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function runAction(inputs: Record<string, string>) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
    GITHUB_OUTPUT: join(dir, "output.txt"),
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return spawnSync(process.execPath, ["--import", tsx, entry], { env, cwd: dir, encoding: "utf8", timeout: 60_000 });
}

describe("report action entry", () => {
  it("writes the reports, its outputs and the job summary", async () => {
    const config = syntheticConfig(3);
    await writeFile(
      join(dir, "ops.config.yml"),
      JSON.stringify({
        services: config.services.map((s) => ({
          id: s.id,
          name: s.name,
          probe: { type: "http", url: "http://127.0.0.1:9/" },
        })),
      }),
    );
    const now = Date.now();
    await writeHistory(
      dir,
      syntheticRuns(config, {
        from: now - 2 * 86_400_000,
        to: now - 60_000,
        cadenceMs: 300_000,
        jitterMs: 60_000,
        seed: 9,
      }),
    );
    const run = runAction({ config: "ops.config.yml", data: "." });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(await readFile(join(dir, "reports", "STATUS.md"), "utf8")).toContain("| Service 00 |");
    const output = await readFile(join(dir, "output.txt"), "utf8");
    expect(output).toMatch(/written<<.+\n\[.*"reports\/STATUS\.md".*\]/);
    expect(await readFile(join(dir, "summary.md"), "utf8")).toContain("### Production");
  });

  it("fails with the config errors and still writes a summary saying why", async () => {
    await writeFile(join(dir, "ops.config.yml"), "services: []\n");
    const run = runAction({ config: "ops.config.yml" });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("::error::invalid configuration");
    const summary = await readFile(join(dir, "summary.md"), "utf8");
    expect(summary).toContain("Reports were not generated");
    expect(summary).toContain("services");
  });
});
