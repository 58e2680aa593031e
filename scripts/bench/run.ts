/**
 * `npm run bench:run`: a whole scheduled run, `ops run`, of the demo config (HotDash's services
 * and thresholds, as `npm start` uses) against the simulated fleet on loopback, as a child process
 * like the workflow's step, against the slowest service's own time in that run (the floor: the
 * run cannot end before its slowest service is probed and, when it looks down, confirmed).
 * Target: the whole process ≤ 1.25 × the slowest service. Printed figures, no timed test.
 *
 * Two ways each round, in turn: the CLI bundle (`npm run build`, then `node dist/ops.js run`, as
 * monitor.yml runs it) and the TypeScript sources (`node scripts/ops.ts run`).
 *
 * Options: --rounds N (default 5); --node PATH (default this Node, the sources then through tsx;
 * give a Node 24 to run them by type stripping, as the workflows would); --cold (no compile cache,
 * as on a fresh runner; by default it is warm, as in a second run on one machine). Bounded: 2N runs
 * of 25 loopback services.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { systemClock } from "../../actions/shared/clock.ts";
import { validateConfig } from "../../actions/shared/config/load.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { probeFleet } from "../../actions/shared/probe/engine.ts";
import { demoConfig, demoEnv } from "../demo/config.ts";
import { startFleet } from "../demo/fleet.ts";
import { startProtocols } from "../demo/protocols.ts";
import { buildCli } from "../build.ts";

const REPO = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, node: { type: "string" }, cold: { type: "boolean" } },
});
const ROUNDS = Number(values.rounds);
const node = values.node ?? process.execPath;
// Inside the repository (.bench/ is ignored), where dist/ would be: the bundle finds package.json above it.
const bundleDir = join(REPO, ".bench", `run-bundle-${process.pid}`);
const WAYS = [
  { label: "bundle (node dist/ops.js, as monitor.yml)", args: [join(bundleDir, "ops.js")] },
  {
    label: values.node ? "sources (node scripts/ops.ts)" : "sources (node --import tsx scripts/ops.ts)",
    args: [...(values.node ? [] : ["--import", "tsx"]), "scripts/ops.ts"],
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function runOps(entry: string[], args: string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; stdout: string }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(node, [...entry, ...args], {
      cwd: REPO,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0
        ? done({ wall: performance.now() - t0, stdout })
        : fail(new Error(`ops ${args.join(" ")} exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

const fleet = await startFleet({ slowMs: 900 });
const protocols = await startProtocols();
const root = await mkdtemp(join(tmpdir(), "bench-run-"));
try {
  await buildCli(bundleDir);
  const config = demoConfig(fleet, protocols);
  const valid = validateConfig(config);
  if (!valid.ok) throw new Error(`the demo config is invalid: ${JSON.stringify(valid.problems.slice(0, 3))}`);
  const checked = valid.config;
  const configFile = join(root, "demo.config.yml");
  await writeFile(configFile, stringify(config));
  const env = {
    ...process.env,
    ...demoEnv(fleet, protocols),
    ...(values.cold ? { NODE_DISABLE_COMPILE_CACHE: "1" } : {}),
  };
  type Row = { wall: number; slowest: number; id: string; run: number };
  const rows: Row[][] = WAYS.map(() => []);
  for (let round = -1; round < ROUNDS; round++) {
    for (const [w, way] of WAYS.entries()) {
      const data = join(root, `data${round + 1}-${w}`);
      const { wall } = await runOps(way.args, ["run", "--config", configFile, "--data", data, "--dry-run"], env);
      const latest = JSON.parse(await readFile(join(data, "reports", "latest.json"), "utf8"));
      // The floor, measured right after: each service's own time (its samples, spacing and any
      // confirmation) from the same engine in this process; the run cannot beat the slowest.
      const results = await probeFleet({ config: checked, clock: systemClock, env, redactor: createRedactor() });
      const slow = results.reduce((a, r) => (r.durationMs > a.durationMs ? r : a));
      if (round >= 0) rows[w]!.push({ wall, slowest: slow.durationMs, id: slow.serviceId, run: latest.run.durationMs });
    }
  }
  const load = (await readFile("/proc/loadavg", "utf8").catch(() => "? ? ?")).split(" ").slice(0, 3).join(" ");
  console.log(
    `bench:run — ops run of the demo config (${config.services.length} services) against the loopback fleet on ${values.node ? `node ${values.node}` : process.version}, compile cache ${values.cold ? "off (a fresh runner)" : "warm"}; load average ${load}`,
  );
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (const [w, way] of WAYS.entries()) {
    console.log(`${way.label}`);
    for (const [i, r] of rows[w]!.entries())
      console.log(
        `  round ${i + 1}: whole process ${s(r.wall)}; latest.json's run.durationMs ${s(r.run)}; slowest service ${r.id} ${s(r.slowest)}; ratio ${(r.wall / r.slowest).toFixed(2)}`,
      );
    const ratio = median(rows[w]!.map((r) => r.wall / r.slowest));
    console.log(
      `  median: whole process ${s(median(rows[w]!.map((r) => r.wall)))}, slowest service ${s(median(rows[w]!.map((r) => r.slowest)))}, ratio ${ratio.toFixed(2)} (target ≤ 1.25) ${ratio <= 1.25 ? "✅" : "❌"}`,
    );
  }
} finally {
  await protocols.close();
  await fleet.close();
  await rm(root, { recursive: true, force: true });
  await rm(bundleDir, { recursive: true, force: true });
}
