import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { demoConfig, demoEnv } from "../demo/config.ts";
import { startFleet } from "../demo/fleet.ts";
import { startProtocols } from "../demo/protocols.ts";
import { findNode24 } from "./node24.ts";

/**
 * `npm run bench:cold`: what a scheduled run pays before it has a result. From a clean clone of
 * this repository (shallow, like actions/checkout), both ways a workflow can run:
 * - full: `npm ci` (the npm cache preferred), then `ops run` through tsx;
 * - lean: `npm ci --omit=dev`, then `node scripts/ops.ts run` on Node 24's own type stripping (the
 *   Node 24 that .ci/run installs in .ci/node24, or this process when it is 24), and, as
 *   monitor.yml does, `node scripts/build.ts` then `node dist/ops.js run` after the same install;
 * against the demo fleet on loopback; plus, for comparison, an esbuild bundle run with no install.
 * The decision is recorded in docs/workflows.md and the README.
 */
const REPO = resolve(import.meta.dirname, "../..");
const root = await mkdtemp(join(tmpdir(), "bench-cold-"));
const fleet = await startFleet({ slowMs: 900 });
const protocols = await startProtocols();
const rows: Array<[string, number]> = [];

const run = promisify(execFile);
const outputs: Record<string, string> = {};

/** Asynchronous on purpose: the demo fleet lives in this process and must keep answering. */
async function timed(
  label: string,
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const t0 = performance.now();
  try {
    const out = await run(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    outputs[label] = out.stdout;
  } catch (error) {
    throw new Error(
      `${label}: ${cmd} ${args.join(" ")} failed: ${String((error as { stderr?: string }).stderr ?? error).slice(-2000)}`,
      { cause: error },
    );
  }
  const ms = performance.now() - t0;
  rows.push([label, ms]);
  return ms;
}

async function du(path: string): Promise<string> {
  return (await run("du", ["-sh", path], { encoding: "utf8" })).stdout.split("\t")[0]!;
}

async function duSize(path: string): Promise<number> {
  const st = await stat(path);
  return st.size;
}

try {
  const configFile = join(root, "demo.config.yml");
  await writeFile(configFile, stringify(demoConfig(fleet, protocols)));
  const runEnv = { ...process.env, ...demoEnv(fleet, protocols) };
  const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();

  const clone = join(root, "clone");
  await timed("git clone --depth 1", "git", ["clone", "--quiet", "--depth", "1", `file://${REPO}`, clone], root);
  const install = await timed(
    "npm ci (npm cache preferred)",
    "npm",
    ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    clone,
  );
  const data1 = join(root, "data1");
  const args = (data: string) => ["tsx", "scripts/ops.ts", "run", "--config", configFile, "--data", data, "--dry-run"];
  const first = await timed("ops run via tsx (first: empty transform cache)", "npx", args(data1), clone, runEnv);
  const again = await timed("ops run via tsx (installed, cache warm)", "npx", args(join(root, "data2")), clone, runEnv);

  // Production dependencies only: what a Node 24 runner needs to run the .ts entries by type
  // stripping (no tsx, TypeScript, vitest). Measured here; the run itself needs Node 24.
  const prod = join(root, "prod");
  const prodClone = await timed(
    "git clone --depth 1 (for --omit=dev)",
    "git",
    ["clone", "--quiet", "--depth", "1", `file://${REPO}`, prod],
    root,
  );
  const prodInstall = await timed(
    "npm ci --omit=dev (npm cache preferred)",
    "npm",
    ["ci", "--prefer-offline", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
    prod,
  );
  const node24 = findNode24(REPO);
  let lean: number | undefined;
  let built: { build: number; run: number } | undefined;
  if (node24.ok) {
    const leanArgs = ["scripts/ops.ts", "run", "--config", configFile, "--data", join(root, "data4"), "--dry-run"];
    lean = await timed(
      `ops run via node ${execFileSync(node24.path, ["--version"], { encoding: "utf8" }).trim()} (type stripping)`,
      node24.path,
      leanArgs,
      prod,
      runEnv,
    );
    // What monitor.yml does after the same install: build the CLI bundle, then run it.
    const build = await timed("npm run build (the CLI bundle in dist/)", node24.path, ["scripts/build.ts"], prod);
    const run = await timed(
      "ops run via node dist/ops.js (the bundle)",
      node24.path,
      ["dist/ops.js", "run", "--config", configFile, "--data", join(root, "data5"), "--dry-run"],
      prod,
      runEnv,
    );
    built = { build, run };
  }

  // The alternative: one esbuild bundle (all dependencies inlined) run with no install at all.
  const bundle = join(root, "ops.mjs");
  await timed(
    "esbuild bundle of scripts/ops.ts (build once)",
    join(clone, "node_modules/.bin/esbuild"),
    [
      "scripts/ops.ts",
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      `--outfile=${bundle}`,
      "--log-level=error",
      // Aliased: the bundled code imports createRequire itself (emulators/github/spec.ts), and a
      // second top-level `createRequire` is a SyntaxError ("already been declared").
      "--banner:js=import { createRequire as __bannerCreateRequire } from 'node:module'; const require = __bannerCreateRequire(import.meta.url);",
    ],
    clone,
  );
  const bare = join(root, "bare");
  await timed(
    "git clone --depth 1 (for the bundle)",
    "git",
    ["clone", "--quiet", "--depth", "1", `file://${REPO}`, bare],
    root,
  );
  // Two levels deep, as the sources are: the bundle finds files beside it by import.meta.url
  // (the incident template at ../../.github/ISSUE_TEMPLATE/incident.md).
  const placed = join(bare, "dist", "bundle", "ops.mjs");
  await mkdir(dirname(placed), { recursive: true });
  await copyFile(bundle, placed);
  const bundled = await timed(
    "ops run via the bundle, no node_modules",
    process.execPath,
    [placed, "run", "--config", configFile, "--data", join(root, "data3"), "--dry-run"],
    bare,
    runEnv,
  );

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(
    `bench:cold — clean clone of ${head} → finished \`ops run\` against the demo fleet (${demoConfig(fleet, protocols).services.length} services, loopback), Node ${process.version}`,
  );
  for (const [label, ms] of rows) console.log(`  ${label.padEnd(width)}  ${(ms / 1000).toFixed(2).padStart(6)} s`);
  const cloneMs = rows[0]![1];
  console.log(`  cold total with install (clone + npm ci + run): ${((cloneMs + install + first) / 1000).toFixed(2)} s`);
  console.log(`  without install (clone + run, deps cached):    ${((cloneMs + again) / 1000).toFixed(2)} s`);
  console.log(
    `  bundle (clone + run, nothing installed):       ${((cloneMs + bundled) / 1000).toFixed(2)} s; bundle size ${((await duSize(bundle)) / 1_048_576).toFixed(2)} MB`,
  );
  console.log(
    `  production-only install: ${(prodInstall / 1000).toFixed(2)} s vs full ${(install / 1000).toFixed(2)} s; node_modules ${await du(join(prod, "node_modules"))} vs ${await du(join(clone, "node_modules"))}`,
  );
  if (lean !== undefined)
    console.log(
      `  lean total (clone + npm ci --omit=dev + node 24 run): ${((prodClone + prodInstall + lean) / 1000).toFixed(2)} s`,
    );
  else console.log(`  lean run skipped: ${node24.ok ? "" : node24.reason}`);
  if (built)
    console.log(
      `  lean with the bundle, as monitor.yml (clone + npm ci --omit=dev + build + run): ${((prodClone + prodInstall + built.build + built.run) / 1000).toFixed(2)} s`,
    );
  const tally = (text = "") =>
    ["up", "degraded", "down", "unknown"]
      .map((st) => `${(text.match(new RegExp(`\\| [^|]* ${st} +\\|`, "g")) ?? []).length} ${st}`)
      .join(", ");
  console.log(
    `  statuses the runs reported (a real run, not timeouts): tsx ${tally(outputs["ops run via tsx (installed, cache warm)"])}; lean ${tally(Object.entries(outputs).find(([k]) => k.includes("type stripping"))?.[1])}; lean bundle ${tally(outputs["ops run via node dist/ops.js (the bundle)"])}; bundle ${tally(outputs["ops run via the bundle, no node_modules"])}`,
  );
  console.log(
    `  the run itself is ${(again / 1000).toFixed(2)} s; install is ${Math.round((install / (cloneMs + install + first)) * 100)}% of the cold total`,
  );
} finally {
  await protocols.close();
  await fleet.close();
  await rm(root, { recursive: true, force: true });
}
