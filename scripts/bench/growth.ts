import { execFileSync } from "node:child_process";
import { copyFile, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { probeRun } from "../../actions/shared/cycle/run.ts";
import { runReports } from "../../actions/report/step.ts";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { createGit } from "../../actions/shared/git/exec.ts";
import { shouldFlush } from "../../actions/shared/git/flush.ts";
import { commitMessage } from "../../actions/shared/git/message.ts";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";
import { parseDuration } from "../../actions/shared/config/schema/units.ts";
import { safeCommit } from "../../actions/shared/git/safe-commit.ts";
import type { ProbeResult, Sample } from "../../actions/shared/probe/result.ts";
import { silentLog } from "../../actions/shared/log.ts";

/**
 * `npm run bench:growth [-- --runs N --services N --no-reports]`: a month of 5-minute monitor runs
 * (8,640) in a temporary git repository. Each run writes exactly what `ops run` writes (the probe
 * step's latest.json + history, the history compaction, the report step's files) from synthetic
 * probe results, and is committed by safeCommit as `ops commit` does. Then `git gc` and
 * `git count-objects` give the packed size, extrapolated to a month. Target: ≤ 5 MB per month.
 */
const RUN_MS = 300_000;
const MONTH_RUNS = 8_640;
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: String(MONTH_RUNS) },
    services: { type: "string", default: "20" },
    "no-reports": { type: "boolean", default: false },
    /** The commit policy's `ops commit --flush-every` (0 = commit every run; see docs/workflows.md). */
    "flush-every": { type: "string", default: "60m" },
    keep: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const serviceCount = Number(values.services);
const everyMs = parseDuration(String(values["flush-every"]));
if (!(runs > 0 && serviceCount > 0)) throw new Error("--runs and --services: expected positive whole numbers");

const config = OpsConfig.parse({
  title: "Growth bench",
  services: Array.from({ length: serviceCount }, (_, i) => ({
    id: `svc-${String(i + 1).padStart(2, "0")}`,
    name: `Service ${i + 1}`,
    environment: "production",
    criticality: i % 3 === 0 ? "critical" : "medium",
    probe: { type: "http", url: `https://svc-${i + 1}.example.com/health` },
    thresholds: { latency: { yellow: "800ms", red: "2s" } },
  })),
});

/** Deterministic pseudo-random numbers, so two bench runs write the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
const random = rng(42);

/** Mostly healthy; each service has a short outage about once a week and slow spells now and then. */
function results(at: Date, run: number): ProbeResult[] {
  return config.services.map((s, i) => {
    const outage = (run + i * 97) % 2016 < 3;
    const slow = (run + i * 31) % 288 < 6;
    const samples: Sample[] = Array.from({ length: 3 }, (_, k) => {
      const total = Math.round((slow ? 900 : 120) + random() * (slow ? 600 : 180));
      const startedAt = new Date(at.getTime() + k * 500).toISOString();
      return outage
        ? { at: startedAt, ok: false, timings: { total: 5 }, failure: { kind: "refused", address: "203.0.113.7:443" } }
        : {
            at: startedAt,
            ok: true,
            timings: { dns: 3, connect: 20, tls: 45, firstByte: total - 10, total },
            statusCode: 200,
          };
    });
    const lat = samples.map((x) => x.timings.total).sort((a, b) => a - b);
    const okCount = samples.filter((x) => x.ok).length;
    return {
      serviceId: s.id,
      type: "http",
      startedAt: at.toISOString(),
      durationMs: 1_100,
      attempts: 1,
      samples,
      metrics: {
        successRate: (okCount / 3) * 100,
        okCount,
        count: 3,
        p50: lat[1],
        p95: lat[2],
        p99: lat[2],
        max: lat[2],
        statusCodes: outage ? [] : [200],
        ...(outage && { lastFailure: samples[0]!.failure }),
      },
    };
  });
}

async function sizeOf(path: string): Promise<number> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(path)) total += await sizeOf(join(path, e));
  return total;
}

/** Did the clock pass minute-of-day `m` going from `a` to `b` (wrapping at midnight)? */
function crossed(a: number, b: number, m: number): boolean {
  return a <= b ? a < m && m <= b : m > a || m <= b;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;
const dir = await mkdtemp(join(tmpdir(), "bench-growth-"));
const env = { ...process.env, HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: join(dir, ".gitconfig-none") };
const git = createGit({ cwd: dir, env });
try {
  await git(["init", "--quiet", "-b", "main"]);
  await copyFile(resolve(import.meta.dirname, "../../.gitattributes"), join(dir, ".gitattributes"));
  await git(["add", ".gitattributes"]);
  await git(["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "--quiet", "-m", "init"]);

  const start = Date.parse("2026-11-01T00:00:00.000Z");
  const redactor = createRedactor();
  const t0 = performance.now();
  let commits = 0;
  let committed: Latest | undefined;
  let lastAt = start;
  const slots = [...config.schedule.updates, config.schedule.daily].map(
    (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)),
  );
  for (let run = 0; run < runs; run++) {
    // Cron runs start late, by a varying amount; everything is keyed on timestamps.
    const at = new Date(start + run * RUN_MS + Math.round(random() * 60_000));
    const clock = manualClock(at);
    const ctx = { config, dataDir: dir, runAt: at, clock, env: {}, log: silentLog, redactor, dryRun: false };
    const out = (await probeRun(ctx, { results: results(at, run), write: true })).probe;
    // New files decide flushes too: a new day's history file (seen by git), and the runbook's
    // update/daily reports, which appear when their slot time passes (the report step is run only
    // on flushing runs here, for speed: only the committed version of a report adds to .git).
    const added = (await git(["status", "--porcelain", "--untracked-files=all", "--", "reports"])).stdout
      .split("\n")
      .filter((l) => l.startsWith("??"))
      .map((l) => l.slice(3));
    const minuteOf = (ms: number) => Math.floor(ms / 60_000) % 1440;
    if (slots.some((m) => crossed(minuteOf(lastAt), minuteOf(at.getTime()), m))) added.push("reports/updates/(slot)");
    lastAt = at.getTime();
    const decision = shouldFlush({ committed, next: out.latest, addedFiles: added, now: at, everyMs });
    if (!decision.flush && run !== runs - 1) continue;
    if (!values["no-reports"]) {
      await runReports({ config, latest: out.latest, dataDir: dir, clock, log: silentLog, redactor });
    }
    const result = await safeCommit({
      git,
      paths: ["reports"],
      message: commitMessage(committed, out.latest),
      push: false,
      sleep: async () => {},
    });
    if (result.kind !== "unchanged") commits++;
    committed = out.latest;
    if ((run + 1) % 864 === 0)
      process.stderr.write(`  ${run + 1}/${runs} runs (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  execFileSync("git", ["gc", "--quiet", "--prune=now"], { cwd: dir, env });
  const counts = Object.fromEntries(
    execFileSync("git", ["count-objects", "-v"], { cwd: dir, env, encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => l.split(": ") as [string, string]),
  );
  const packed = Number(counts["size-pack"]) * 1024;
  const perMonth = (packed / runs) * MONTH_RUNS;
  const tree = await sizeOf(join(dir, "reports"));
  const history = await sizeOf(join(dir, "reports", "history"));
  console.log(
    `bench:growth — ${runs} runs × ${serviceCount} services (${(runs / 288).toFixed(1)} days at 5 min), reports ${values["no-reports"] ? "off" : "on"}, ` +
      `commit policy --flush-every ${values["flush-every"]}`,
  );
  console.log(
    `  simulated in ${seconds.toFixed(1)} s (${((seconds * 1000) / runs).toFixed(1)} ms per run incl. commit), ${commits} commits`,
  );
  console.log(`  packed .git after gc: ${mb(packed)} (${counts["count"]} loose objects left)`);
  console.log(
    `  growth per month (8,640 runs): ${mb(perMonth)}  target ≤ 5 MB: ${perMonth <= 5 * 1_048_576 ? "met" : "NOT met"}`,
  );
  console.log(`  working tree reports/: ${mb(tree)} (raw history ${mb(history)})`);
  if (values.keep) console.log(`  kept: ${dir}`);
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true });
}
