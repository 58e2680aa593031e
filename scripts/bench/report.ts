import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { manualClock } from "../../actions/shared/clock.ts";
import { compactHistory } from "../../actions/shared/store/rollup.ts";
import { runReports } from "../../actions/report/step.ts";
import { syntheticConfig, syntheticLatest, syntheticRuns, writeHistory } from "./synthetic.ts";

/**
 * `npm run bench:report`: a synthetic year of history at a 5-minute cadence, written day by day
 * through the real store path (raw day files, then compactHistory as `ops run` calls it after each
 * day, which rolls up and prunes beyond retention.rawDays), for the largest size asked; each
 * smaller fleet is the first N services of that store (the same files, filtered by service).
 * Then, per size, in a fresh child process so its peak RSS is the reports' own, it times
 * regenerating every report (STATUS.md with charts, badges, update, daily, weekly): once without
 * the hourly summaries' cache (store/hours.ts; a fresh clone), then --rounds times with it.
 *
 * Options: --services 30,100,300 (the sizes; default 30,100,300), --rounds N (timings per size,
 * the median printed; default 3), --store DIR (keep the generated store there and reuse it next
 * time: generating 300 services × 1 year takes minutes).
 * Targets: 300 services ≤ 2 s and ≤ 300 MB; 30 services ≤ 0.3 s.
 */
const NOW = "2026-11-22T16:20:00.000Z";
/** As monitor.yml runs the reports (its NODE_OPTIONS): Node 20's young generation, which Node 24 sizes to the machine. */
const WORKFLOW_NODE_FLAGS = ["--max-semi-space-size=16"];
const DAY = 86_400_000;
const silent = { info: () => {}, warn: () => {} };

if (process.argv[2] === "--measure") await measure(Number(process.argv[3]), process.argv[4]!);
else await main();

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      services: { type: "string", default: "30,100,300" },
      rounds: { type: "string", default: "3" },
      store: { type: "string" },
    },
  });
  const sizes = values.services
    .split(",")
    .map(Number)
    .sort((a, b) => a - b);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000))
    throw new Error(`--services: expected sizes from 1 to 1000, found "${values.services}"`);
  const rounds = Number(values.rounds);
  const largest = sizes.at(-1)!;
  const scratch = await mkdtemp(join(tmpdir(), "bench-report-"));
  const store = values.store ?? join(scratch, "store");
  try {
    await generate(store, largest);
    const rows: string[] = [];
    for (const n of sizes) {
      const dir = n === largest ? store : await subset(store, join(scratch, `n${n}`), n);
      const runs: Array<{ ms: number; cpu: number; peak: number; line: string }> = [];
      // The first round starts without the hourly summaries' cache (as a fresh clone does) and
      // builds it; the others find it, as every later run on the same checkout does.
      await rm(join(dir, ".ops-cache"), { recursive: true, force: true });
      let cold: { ms: number; cpu: number; peak: number } | undefined;
      for (let r = 0; r <= rounds; r++) {
        const child = spawnSync(
          process.execPath,
          [...process.execArgv, ...WORKFLOW_NODE_FLAGS, fileURLToPath(import.meta.url), "--measure", String(n), dir],
          { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
        );
        if (child.status !== 0) throw new Error(`the measuring child failed (exit ${child.status})`);
        const measured = JSON.parse(child.stdout) as { ms: number; cpu: number; peak: number; line: string };
        if (r === 0) cold = measured;
        else runs.push(measured);
      }
      runs.sort((a, b) => a.ms - b.ms);
      const mid = runs[Math.floor(runs.length / 2)]!;
      const target = n >= 300 ? "≤ 2000 ms, ≤ 300 MB" : n <= 30 ? "≤ 300 ms" : "";
      rows.push(
        `  ${String(n).padStart(4)} services: runReports ${String(Math.round(mid.ms)).padStart(5)} ms wall, ${Math.round(mid.cpu)} ms cpu (rounds ${runs.map((x) => Math.round(x.ms)).join(", ")}), peak RSS ${mb(Math.max(...runs.map((x) => x.peak)))}; ` +
          `without the summaries' cache ${Math.round(cold!.ms)} ms wall, ${Math.round(cold!.cpu)} ms cpu, ${mb(cold!.peak)}  ${mid.line}${target ? `   target ${target}` : ""}`,
      );
      console.log(rows.at(-1));
      if (n !== largest) await rm(dir, { recursive: true, force: true });
    }
    const load = (await readFile("/proc/loadavg", "utf8").catch(() => "? ? ?")).split(" ").slice(0, 3).join(" ");
    console.log(
      `node ${process.version} ${WORKFLOW_NODE_FLAGS.join(" ")} (as the workflows run it); median of ${rounds} child processes per size (after one that builds the cache); load average ${load}`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A year of history for `count` services, through the real roll-up path; reused when `dir` has it. */
async function generate(dir: string, count: number): Promise<void> {
  const marker = join(dir, `.bench-report-${count}`);
  if (existsSync(marker)) return void console.log(`reusing the store in ${dir} (${count} services)`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const config = syntheticConfig(count);
  const to = Date.parse(NOW);
  const from = to - 365 * DAY;
  const started = performance.now();
  const records = await writeHistory(
    dir,
    syntheticRuns(config, { from, to, cadenceMs: 300_000, jitterMs: 90_000, seed: 42 }),
    async (day) => {
      // As `ops run` would: the first run after a day's end (never past the bench's "now").
      await compactHistory({
        dataDir: dir,
        config,
        now: new Date(Math.min(Date.parse(day) + DAY + 30 * 60_000, to)),
        log: silent,
      });
    },
  );
  const raw = await readdir(join(dir, "reports", "history"));
  console.log(
    `generated ${records.toLocaleString("en")} records for ${count} services over 365 days in ${((performance.now() - started) / 1000).toFixed(1)} s (through compactHistory)`,
  );
  console.log(
    `store after compaction: ${raw.length} raw day files (${mb(await sizeOf(join(dir, "reports", "history")))}), rollups ${mb(await sizeOf(join(dir, "reports", "rollups")))}`,
  );
  await writeFile(marker, "");
}

/** The first `count` services of a store: every raw and rollup line of theirs, and every day marker. */
async function subset(store: string, dir: string, count: number): Promise<string> {
  const ids = new Set(syntheticConfig(count).services.map((s) => `"id":"${s.id}"`));
  const keep = (line: string) => {
    const at = line.indexOf('"id":"');
    if (at === -1) return line !== "";
    return ids.has(line.slice(at, line.indexOf('"', at + 6) + 1));
  };
  for (const sub of ["history", "rollups"]) {
    await mkdir(join(dir, "reports", sub), { recursive: true });
    for (const name of await readdir(join(store, "reports", sub))) {
      const text = await readFile(join(store, "reports", sub, name), "utf8");
      await writeFile(join(dir, "reports", sub, name), text.split("\n").filter(keep).join("\n") + "\n");
    }
  }
  return dir;
}

async function measure(count: number, dir: string): Promise<void> {
  const config = syntheticConfig(count);
  const latest = syntheticLatest(config, "2026-11-22T16:18:00.000Z");
  const t0 = performance.now();
  const compact = await compactHistory({ dataDir: dir, config, now: new Date(NOW), log: silent });
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const out = await runReports({ config, latest, dataDir: dir, clock: manualClock(NOW), log: silent, force: true });
  const ms = performance.now() - t1;
  const c2 = process.cpuUsage(c1);
  const cpu = (c2.user + c2.system) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const line = `(${out.written.length} files; compactHistory ${Math.round(t1 - t0)} ms, ${compact.rolled.length} day rolled, ${out.alerts.length} alerts, job summary ${(Buffer.byteLength(out.summary) / 1024).toFixed(0)} KiB)`;
  process.stdout.write(JSON.stringify({ ms, cpu, peak, line }));
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
