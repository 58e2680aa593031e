import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { nextRun, parseCron } from "../../actions/report/cron.ts";
import { runReports } from "../../actions/report/step.ts";
import { isoWeek, latestDailySlot, latestWeeklySlot, nextDailySlot, slotName } from "../../actions/report/schedule.ts";
import { syntheticConfig, syntheticLatest } from "../../scripts/bench/synthetic.ts";

const times = ["00:00", "08:00", "12:00", "16:00", "20:00", "23:00"];
const at = (iso: string) => Date.parse(iso);

describe("report slots", () => {
  it("finds the latest and next update times, across midnight", () => {
    expect(slotName(latestDailySlot(times, at("2026-11-22T16:20:00Z"))!)).toBe("2026-11-22T1600");
    expect(slotName(latestDailySlot(["23:00"], at("2026-11-23T00:10:00Z"))!)).toBe("2026-11-22T2300");
    expect(new Date(nextDailySlot(times, at("2026-11-22T23:30:00Z"))!).toISOString()).toBe("2026-11-23T00:00:00.000Z");
  });

  it("numbers ISO weeks, including the year boundary", () => {
    expect(isoWeek(at("2026-11-22T10:00:00Z")).label).toBe("2026-W47");
    expect(isoWeek(at("2027-01-01T10:00:00Z")).label).toBe("2026-W53");
    expect(isoWeek(at("2024-12-30T10:00:00Z")).label).toBe("2025-W01");
    expect(new Date(latestWeeklySlot({ day: 1, time: "10:00" }, at("2026-11-23T09:59:00Z"))).toISOString()).toBe(
      "2026-11-16T10:00:00.000Z",
    );
  });
});

describe("cron next run", () => {
  it.each([
    ["*/5 * * * *", "2026-11-22T16:23:10Z", "2026-11-22T16:25:00.000Z"],
    ["0 10 * * 1", "2026-11-22T16:23:10Z", "2026-11-23T10:00:00.000Z"],
    ["*/15 8-17 * * MON-FRI", "2026-11-20T17:50:00Z", "2026-11-23T08:00:00.000Z"],
    ["0 0 29 2 *", "2026-11-22T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["0 12 13 * 5", "2026-11-22T00:00:00Z", "2026-11-27T12:00:00.000Z"],
    ["30 23 31 DEC *", "2026-12-31T23:30:00Z", "2027-12-31T23:30:00.000Z"],
  ])("%s after %s is %s", (expr, after, expected) => {
    expect(nextRun(parseCron(expr), new Date(after)).toISOString()).toBe(expected);
  });

  it("names the field that is wrong", () => {
    expect(() => parseCron("*/5 * * *")).toThrow(/expected 5 fields/);
    expect(() => parseCron("61 * * * *")).toThrow(/minute "61" is not a number from 0 to 59/);
    expect(() => parseCron("* * * * */0")).toThrow(/step "0"/);
  });
});

describe("periodic reports are written once, at or after their time", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "report-slots-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes the 16:00 update on the first (late) run after 16:00 and never again", async () => {
    const config = syntheticConfig(3);
    const run = async (iso: string) => {
      const out = await runReports({
        config,
        latest: syntheticLatest(config, iso),
        dataDir: dir,
        clock: manualClock(iso),
        log: { info: () => {}, warn: () => {} },
      });
      return out.written.filter((f) => f.startsWith("reports/updates/"));
    };
    expect(await run("2026-11-22T15:58:00Z")).toEqual(["reports/updates/2026-11-22T1200.md"]);
    // The cron started 23 minutes late: the update is still written, named for its slot.
    expect(await run("2026-11-22T16:23:00Z")).toEqual(["reports/updates/2026-11-22T1600.md"]);
    expect(await run("2026-11-22T16:31:00Z")).toEqual([]);
    expect(await readdir(join(dir, "reports", "updates"))).toEqual(["2026-11-22T1200.md", "2026-11-22T1600.md"]);
    // No history at all: the daily and weekly reports wait until there is something to report.
    expect((await readdir(join(dir, "reports"))).sort()).toEqual(["STATUS.md", "badges", "updates"]);
  });
});
