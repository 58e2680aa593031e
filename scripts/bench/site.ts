import { spawnSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSite } from "../../actions/report/site/build.ts";
import { buildSiteFixture, siteFixtureConfig } from "./site-fixture.ts";

/**
 * `npm run bench:site`: a year of history for 30 services at a 5-minute cadence (≈3.2 M records,
 * rolled up day by day through the real store path, as `ops run` does), then, in a fresh child
 * process so its peak RSS is the build's own, `ops site`'s build: time, peak memory and page
 * weights. Targets: ≤ 1 s, home page < 150 KB.
 */
const SERVICES = 30;

if (process.argv[2] === "--measure") await measure(process.argv[3]!);
else await generateAndMeasure();

async function generateAndMeasure(): Promise<void> {
  const started = performance.now();
  const fx = await buildSiteFixture({ services: SERVICES, cadenceMs: 300_000, compactDaily: true });
  try {
    console.log(
      `generated a year for ${SERVICES} services at a 5-minute cadence in ${((performance.now() - started) / 1000).toFixed(1)} s (through compactHistory)`,
    );
    // First without the derived caches (a fresh checkout: the build makes them), then with them
    // (every later build on the same checkout, or one whose .ops-cache was restored).
    for (const when of ["without the caches in .ops-cache (it builds them)", "with the caches", "with the caches"]) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), "--measure", fx.dir],
        { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
      );
      if (child.status !== 0) throw new Error(`the measuring child failed (exit ${child.status})`);
      console.log(`— ${when}:`);
      process.stdout.write(child.stdout);
    }
    const load = (await readFile("/proc/loadavg", "utf8").catch(() => "? ? ?")).split(" ").slice(0, 3).join(" ");
    console.log(`node ${process.version}; load average ${load}`);
  } finally {
    await rm(fx.dir, { recursive: true, force: true });
  }
}

async function measure(dir: string): Promise<void> {
  const config = siteFixtureConfig(SERVICES, 300_000);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const out = await buildSite({
    config,
    dataDir: dir,
    outDir: join(dir, "_site"),
    now: Date.parse("2026-11-22T16:20:00.000Z"),
    log: { info: () => {}, warn: () => {} },
  });
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  const size = async (f: string) => Buffer.byteLength(await readFile(join(dir, "_site", f)));
  console.log(`ops site build (read + model + ${out.files.length} files): ${ms.toFixed(0)} ms   target ≤ 1000 ms`);
  console.log(
    `peak RSS of the measuring process: ${(peak / 1_048_576).toFixed(1)} MB (before the build: ${(rssBefore / 1_048_576).toFixed(1)} MB)`,
  );
  console.log(
    `total ${(out.bytes / 1024).toFixed(0)} KiB; index.html ${kib(out.homeBytes)} (budget 150 KB), services/svc-00.html ${kib(await size("services/svc-00.html"))}, incidents.html ${kib(await size("incidents.html"))}, status.json ${kib(await size("status.json"))}, feed.atom ${kib(await size("feed.atom"))}`,
  );
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
