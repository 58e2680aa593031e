import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { manualClock } from "../../actions/shared/clock.ts";
import { compactHistory } from "../../actions/shared/store/rollup.ts";
import { runReports } from "../../actions/report/step.ts";
import { syntheticConfig, syntheticLatest, syntheticRuns, writeHistory } from "./synthetic.ts";

/**
 * `npm run bench:report`: a synthetic year of history for 30 services at a 5-minute cadence
 * (≈3.2 M records), written day by day through the real store path (raw day files, then
 * compactHistory as `ops run` calls it after each day, which rolls up and prunes beyond
 * retention.rawDays). Then, in a fresh child process so its peak RSS is the reports' own, it
 * times regenerating every report (STATUS.md with charts, badges, update, daily, weekly).
 * Targets: ≤ 2 s and ≤ 300 MB.
 */
const SERVICES = 30;
const NOW = "2026-11-22T16:20:00.000Z";
const DAY = 86_400_000;

const config = syntheticConfig(SERVICES);
const silent = { info: () => {}, warn: () => {} };

if (process.argv[2] === "--measure") await measure(process.argv[3]!);
else await generateAndMeasure();

async function generateAndMeasure(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-report-"));
  try {
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
    const genSeconds = (performance.now() - started) / 1000;
    const raw = await readdir(join(dir, "reports", "history"));
    const rollupBytes = await sizeOf(join(dir, "reports", "rollups"));
    const rawBytes = await sizeOf(join(dir, "reports", "history"));
    console.log(
      `generated ${records.toLocaleString("en")} records for ${SERVICES} services over 365 days in ${genSeconds.toFixed(1)} s (through compactHistory)`,
    );
    console.log(`store after compaction: ${raw.length} raw day files (${mb(rawBytes)}), rollups ${mb(rollupBytes)}`);
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--measure", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (child.status !== 0) throw new Error(`the measuring child failed (exit ${child.status})`);
    process.stdout.write(child.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string): Promise<void> {
  const latest = syntheticLatest(config, "2026-11-22T16:18:00.000Z");
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const compact = await compactHistory({ dataDir: dir, config, now: new Date(NOW), log: silent });
  const t1 = performance.now();
  const out = await runReports({ config, latest, dataDir: dir, clock: manualClock(NOW), log: silent, force: true });
  const t2 = performance.now();
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`compactHistory (per-run call, ${compact.rolled.length} day rolled): ${(t1 - t0).toFixed(0)} ms`);
  console.log(
    `runReports, every report (${out.written.length} files, ${out.alerts.length} alerts): ${(t2 - t1).toFixed(0)} ms   target ≤ 2000 ms`,
  );
  console.log(
    `peak RSS of the measuring process: ${mb(peak)} (before the reports: ${mb(rssBefore)})   target ≤ 300 MB`,
  );
  console.log(`job summary: ${(Buffer.byteLength(out.summary) / 1024).toFixed(0)} KiB`);
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
