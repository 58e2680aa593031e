import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { runReports, type ReportOutput } from "../../actions/report/step.ts";
import { buildScenario, NOW, type Scenario } from "./scenario.ts";

/**
 * Golden files: every report for the scenario, byte for byte. After an intended change, rewrite
 * them with `UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts` and review the diff.
 */
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");
const update = process.env.UPDATE_GOLDEN === "1";
let scenario: Scenario;
let out: ReportOutput;
const warnings: string[] = [];

beforeAll(async () => {
  scenario = await buildScenario();
  out = await runReports({
    ...scenario,
    dataDir: scenario.dir,
    clock: manualClock(NOW),
    log: { info: () => {}, warn: (m) => warnings.push(m) },
  });
});
afterAll(() => rm(scenario.dir, { recursive: true, force: true }));

describe("reports for a damaged history (golden files)", () => {
  it("writes the expected set of files", () => {
    const markdown = out.written.filter((f) => !f.startsWith("reports/badges/"));
    expect(markdown).toEqual([
      "reports/STATUS.md",
      "README.md",
      "reports/updates/2026-11-23T0800.md",
      "reports/daily/2026-11-22.md",
      "reports/weekly/2026-W47.md",
    ]);
    expect(out.written.filter((f) => f.startsWith("reports/badges/"))).toHaveLength(1 + 10 * 4);
  });

  it("matches the golden file of every report", async () => {
    for (const file of out.written) {
      const got = await readFile(join(scenario.dir, file), "utf8");
      const golden = join(GOLDEN, file);
      if (update) {
        await mkdir(dirname(golden), { recursive: true });
        await writeFile(golden, got);
      }
      expect(got, file).toBe(await readFile(golden, "utf8"));
    }
  });

  it("writes the monthly review at the first run of a new month, and not again", async () => {
    const month = await buildScenario();
    try {
      const at = "2026-12-01T00:05:00Z";
      const first = await runReports({
        ...month,
        dataDir: month.dir,
        clock: manualClock(at),
        log: { info: () => {}, warn: () => {} },
      });
      expect(first.written).toContain("reports/monthly/2026-11.md");
      const got = await readFile(join(month.dir, "reports/monthly/2026-11.md"), "utf8");
      const golden = join(GOLDEN, "reports/monthly/2026-11.md");
      if (update) {
        await mkdir(dirname(golden), { recursive: true });
        await writeFile(golden, got);
      }
      expect(got).toBe(await readFile(golden, "utf8"));
      const again = await runReports({
        ...month,
        dataDir: month.dir,
        clock: manualClock("2026-12-01T00:10:00Z"),
        log: { info: () => {}, warn: () => {} },
      });
      expect(again.written).not.toContain("reports/monthly/2026-11.md");
    } finally {
      await rm(month.dir, { recursive: true, force: true });
    }
  });

  it("says what is missing instead of failing", async () => {
    const status = await readFile(join(scenario.dir, "reports/STATUS.md"), "utf8");
    expect(status).toContain("No history at all for 1 UTC day(s) within the last 30 days: 2026-11-13");
    expect(status).toMatch(/Skipped 1 unreadable history line\(s\): history\/2026-11-22\.jsonl:\d+: torn last record/);
    expect(status).toContain("Ignored 1 history record(s) dated after the report time");
    expect(status).toContain("no longer configured, left out: svc-retired");
    expect(status).toMatch(/New service: status known for \d+\.\d% of the last 30 days/);
  });

  it("is identical when run again on a fresh copy of the same data", async () => {
    const again = await buildScenario();
    try {
      const second = await runReports({
        ...again,
        dataDir: again.dir,
        clock: manualClock(NOW),
        log: { info: () => {}, warn: () => {} },
      });
      expect(second.written).toEqual(out.written);
      for (const file of out.written) {
        expect(await readFile(join(again.dir, file), "utf8"), file).toBe(
          await readFile(join(scenario.dir, file), "utf8"),
        );
      }
      expect(second.summary).toBe(out.summary);
    } finally {
      await rm(again.dir, { recursive: true, force: true });
    }
  });
});
