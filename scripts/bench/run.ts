/**
 * `npm run bench:run`: a whole scheduled run, `ops run`, of the demo config (HotDash's services
 * and thresholds, as `npm start` uses) against the simulated fleet on loopback, as a child process
 * like the workflow's step, against the slowest service's own time in that run (the floor: the
 * run cannot end before its slowest service is probed and, when it looks down, confirmed).
 * Target: the whole process ≤ 1.25 × the slowest service. Printed figures, no timed test.
 *
 * Options: --rounds N (default 5), --node PATH (default: this Node with tsx; give a Node 24 to
 * measure type stripping, as the workflows run it). Bounded: N runs of 25 loopback services.
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

const REPO = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" }, node: { type: "string" } } });
const ROUNDS = Number(values.rounds);
const node = values.node ?? process.execPath;
const nodeArgs = values.node ? [] : ["--import", "tsx"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function runOps(args: string[], env: NodeJS.ProcessEnv): Promise<{ wall: number; stdout: string }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(node, [...nodeArgs, "scripts/ops.ts", ...args], {
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
  const config = demoConfig(fleet, protocols);
  const valid = validateConfig(config);
  if (!valid.ok) throw new Error(`the demo config is invalid: ${JSON.stringify(valid.problems.slice(0, 3))}`);
  const checked = valid.config;
  const configFile = join(root, "demo.config.yml");
  await writeFile(configFile, stringify(config));
  const env = { ...process.env, ...demoEnv(fleet, protocols) };
  const rows: Array<{ wall: number; slowest: number; id: string; run: number }> = [];
  for (let round = -1; round < ROUNDS; round++) {
    const data = join(root, `data${round + 1}`);
    const { wall } = await runOps(["run", "--config", configFile, "--data", data, "--dry-run"], env);
    const latest = JSON.parse(await readFile(join(data, "reports", "latest.json"), "utf8"));
    // The floor, measured right after: each service's own time (its samples, spacing and any
    // confirmation) from the same engine in this process; the run cannot beat the slowest.
    const results = await probeFleet({ config: checked, clock: systemClock, env, redactor: createRedactor() });
    const slow = results.reduce((a, r) => (r.durationMs > a.durationMs ? r : a));
    if (round >= 0) rows.push({ wall, slowest: slow.durationMs, id: slow.serviceId, run: latest.run.durationMs });
  }
  const load = (await readFile("/proc/loadavg", "utf8").catch(() => "? ? ?")).split(" ").slice(0, 3).join(" ");
  console.log(
    `bench:run — ops run of the demo config (${config.services.length} services) against the loopback fleet, ${values.node ? `node ${values.node}` : `tsx on ${process.version}`}; load average ${load}`,
  );
  for (const [i, r] of rows.entries())
    console.log(
      `  round ${i + 1}: whole process ${(r.wall / 1000).toFixed(2)} s; latest.json's run.durationMs ${(r.run / 1000).toFixed(2)} s; slowest service ${r.id} ${(r.slowest / 1000).toFixed(2)} s; ratio ${(r.wall / r.slowest).toFixed(2)}`,
    );
  const ratio = median(rows.map((r) => r.wall / r.slowest));
  console.log(
    `  median: whole process ${(median(rows.map((r) => r.wall)) / 1000).toFixed(2)} s, slowest service ${(median(rows.map((r) => r.slowest)) / 1000).toFixed(2)} s, ratio ${ratio.toFixed(2)} (target ≤ 1.25) ${ratio <= 1.25 ? "✅" : "❌"}`,
  );
} finally {
  await protocols.close();
  await fleet.close();
  await rm(root, { recursive: true, force: true });
}
