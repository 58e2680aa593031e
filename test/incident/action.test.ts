/**
 * The incident action's entry as GitHub runs it: a separate process, inputs as INPUT_* variables,
 * the job summary and outputs in files, GitHub's API at GITHUB_API_URL (the local emulator).
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createWorld, MIN, type World } from "./harness.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
let w: World;
afterEach(async () => {
  const violations = w.gh.violations.splice(0);
  await w.close();
  expect(violations).toEqual([]);
});

async function runEntry(inputs: Record<string, string>, env: Record<string, string>) {
  const summary = join(w.dataDir, "summary.md");
  const output = join(w.dataDir, "output.txt");
  const vars: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    ...env,
  };
  for (const [k, v] of Object.entries({ config: join(w.dataDir, "ops.config.yml"), data: w.dataDir, ...inputs }))
    vars[`INPUT_${k.toUpperCase()}`] = v;
  // The runner creates both files before a step starts.
  await writeFile(summary, "");
  await writeFile(output, "");
  return new Promise<{ code: number; stdout: string; summary: string; output: string }>((done) => {
    execFile(
      TSX,
      [join(ROOT, "actions/incident/index.ts")],
      { env: vars, cwd: w.dataDir, timeout: 60_000 },
      async (error, stdout) => {
        const read = (f: string) => readFile(f, "utf8").catch(() => "");
        done({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          summary: await read(summary),
          output: await read(output),
        });
      },
    );
  });
}

/**
 * The entry with the world's token, repository and API, in the workspace earlier steps leave:
 * reports/latest.json (the world's, with Chatwoot only) and a config of Chatwoot only.
 */
async function runOnChatwootWorkspace() {
  await mkdir(join(w.dataDir, "reports"), { recursive: true });
  await writeFile(
    join(w.dataDir, "reports", "latest.json"),
    JSON.stringify({ ...w.latest, services: { chatwoot: w.latest.services.chatwoot } }),
  );
  await writeFile(
    join(w.dataDir, "ops.config.yml"),
    'services:\n  - { id: chatwoot, name: Chatwoot, criticality: critical, probe: { type: http, url: "https://c.example.test" } }\n',
  );
  return runEntry(
    { "github-token": "ghs_world_token_abcdef" },
    { GITHUB_REPOSITORY: "hotdash/ops", GITHUB_API_URL: w.gh.url },
  );
}

describe("actions/incident entry", () => {
  it("opens the incident from latest.json, writes the state back, the summary and the outputs", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    w.clock.advance(5 * MIN);
    w.evaluate();
    const r = await runOnChatwootWorkspace();
    expect(r.code).toBe(0);
    expect(w.openIssues().map((i) => i.title)).toEqual(["Incident: Chatwoot (production) down"]);
    expect(r.summary).toMatch(/### Incidents\n\n1 open: P0 chatwoot #1/);
    expect(r.output).toMatch(/open<<.*\nchatwoot\n/);
    // The token appears once, in the command that tells the runner to mask it.
    expect(r.stdout.replace(/^::add-mask::.*$/m, "")).not.toContain("ghs_world_token_abcdef");
    const stored = JSON.parse(await readFile(join(w.dataDir, "reports", "latest.json"), "utf8"));
    expect(stored.incidents["service:chatwoot"].number).toBe(1);
  });

  it("warns with an actionable message when the token may not write issues, and still writes a summary", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    w.evaluate();
    w.gh.permission = "read";
    const r = await runOnChatwootWorkspace();
    expect(r.stdout).toMatch(
      /::warning::service:chatwoot: GitHub create issue on hotdash\/ops was forbidden \(403.*The workflow needs `permissions: issues: write`/,
    );
    expect(r.summary).toMatch(/\*\*Errors\*\*/);
  });
});
