import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CHART_KEY, statusCharts } from "../../actions/report/charts.ts";
import { cadenceOf, parseCron } from "../../actions/report/cron.ts";
import { dailyPeriod } from "../../actions/report/daily.ts";
import { buildModel } from "../../actions/report/model.ts";
import { runReports } from "../../actions/report/step.ts";
import { renderStatus } from "../../actions/report/status.ts";
import { loadHistoryView } from "../../actions/shared/store/view.ts";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { syntheticConfig, syntheticLatest } from "../../scripts/bench/synthetic.ts";

/** STATUS.md for readers: recent incidents, charts for every service, stale data, the site link, whole days. */
const silent = { info: () => {}, warn: () => {} };
let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Writes one record per service every 5 minutes over [from, to); `down` marks the outage span. */
async function history(config: OpsConfig, from: number, to: number, down: [number, number]) {
  await mkdir(join(dir, "reports", "history"), { recursive: true });
  const byDay = new Map<string, string[]>();
  for (let t = from; t < to; t += 300_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    for (const s of config.services) {
      const isDown = s.id === "svc-00" && t >= down[0] && t < down[1];
      const line = {
        t: new Date(t).toISOString(),
        id: s.id,
        s: isDown ? "down" : "up",
        l: s.id === "svc-02" ? [] : [100, 120],
        ok: isDown ? 0 : 2,
        n: 2,
      };
      byDay.set(day, [...(byDay.get(day) ?? []), JSON.stringify(line)]);
    }
  }
  for (const [day, lines] of byDay)
    await writeFile(join(dir, "reports", "history", `${day}.jsonl`), `${lines.join("\n")}\n`);
}

describe("the daily report covers the whole day", () => {
  it("puts an outage at 23:30 into the next day's summary, and consecutive summaries tile", async () => {
    // Why 23:00–24:00 was lost: the summary is written at 23:00 and covered 00:00 up to the run
    // that wrote it; the file then exists, so no later run ever covered the last hour of the day.
    dir = await mkdtemp(join(tmpdir(), "daily-"));
    const config = syntheticConfig(3);
    const start = Date.parse("2026-11-21T00:00:00Z");
    await history(config, start, Date.parse("2026-11-23T23:10:00Z"), [
      Date.parse("2026-11-22T23:30:00Z"),
      Date.parse("2026-11-22T23:50:00Z"),
    ]);
    const report = async (now: string) => {
      await runReports({
        config,
        latest: syntheticLatest(config, now),
        dataDir: dir,
        clock: manualClock(now),
        log: silent,
      });
    };
    await report("2026-11-22T23:05:00Z");
    await report("2026-11-23T23:05:00Z");
    const d22 = await readFile(join(dir, "reports/daily/2026-11-22.md"), "utf8");
    const d23 = await readFile(join(dir, "reports/daily/2026-11-23.md"), "utf8");
    expect(d22).toContain("Covers 2026-11-21 23:00 UTC to 2026-11-22 23:00 UTC.");
    expect(d23).toContain("Covers 2026-11-22 23:00 UTC to 2026-11-23 23:00 UTC.");
    expect(d22).toMatch(/\| Service 00 \| ✅ 100% \|.*\| 0 min \|/);
    expect(d23).toMatch(/\| Service 00 \| ⚠️ 98\.61% \| 99\.9% \| 20 min \|/);
    expect(dailyPeriod("2026-11-22", "23:00").to).toBe(dailyPeriod("2026-11-23", "23:00").from);
    expect(dailyPeriod("2026-11-23", "00:00")).toEqual({
      from: Date.parse("2026-11-22T00:00:00Z"),
      to: Date.parse("2026-11-23T00:00:00Z"),
    });
  });
});

describe("STATUS.md for readers", () => {
  it("lists incidents closed in the last 7 days, says when the data goes stale, links the site, and charts every service with latency", async () => {
    dir = await mkdtemp(join(tmpdir(), "status-md-"));
    const config = OpsConfig.parse({ ...syntheticConfig(3), site: { baseUrl: "https://hotdash.github.io/ops/" } });
    const now = Date.parse("2026-11-22T16:20:00Z");
    await history(config, now - 2 * 86_400_000, now - 60_000, [0, 0]);
    const view = await loadHistoryView({
      dataDir: dir,
      now,
      gapLimit: config.retention.gapLimit,
      spanDays: 35,
      rawRecentDays: 8,
    });
    const latest = syntheticLatest(config, "2026-11-22T16:18:00.000Z");
    const base = {
      kind: "service" as const,
      escalationLevel: 1,
      goodRuns: 0,
      notified: [],
      timeline: [],
      evidence: {},
    };
    latest.incidents = {
      "service:svc-00": {
        ...base,
        key: "service:svc-00",
        subject: "svc-00",
        number: 5,
        state: "closed",
        severity: "P1",
        status: "up",
        openedAt: "2026-11-20T10:00:00.000Z",
        startedAt: "2026-11-20T09:55:00.000Z",
        recoveredAt: "2026-11-20T10:42:00.000Z",
        closedAt: "2026-11-20T10:52:00.000Z",
      },
      "service:svc-01": {
        ...base,
        key: "service:svc-01",
        subject: "svc-01",
        number: 3,
        state: "closed",
        severity: "P2",
        status: "up",
        openedAt: "2026-11-10T10:00:00.000Z",
        closedAt: "2026-11-10T11:00:00.000Z",
      },
    };
    const md = (at: number) =>
      renderStatus({
        model: buildModel(config, latest, view, at),
        config,
        alerts: [],
        charts: statusCharts(config, view, at),
      });
    const text = md(now);
    expect(text).toContain("- ✅ #5 P1 Service 00: resolved 2026-11-20 10:52 UTC, after 47 min");
    expect(text).not.toContain("#3 P2");
    expect(text).toContain("if this page is still unchanged after 2026-11-22 16:33 UTC, the data is stale");
    expect(text).toContain("Status site with the daily history, incidents and feeds: https://hotdash.github.io/ops/");
    expect(md(now + 3_600_000)).toContain(
      "⚠️ **Stale data:** the newest run is from 2026-11-22 16:18 UTC, 1 h 2 min before this report",
    );
    // svc-02 records no latency: no chart for it; the others get one each, with colours and the key.
    const charts = statusCharts(config, view, now);
    expect(charts.map((c) => c.split("\n")[0])).toEqual(["#### Service 00", "#### Service 01"]);
    expect(charts[0]).toContain(
      '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#e8590c, #1c7ed6"}}}}%%',
    );
    expect(text).toContain(CHART_KEY);
    expect(cadenceOf(parseCron("*/5 * * * *"), new Date(now))).toBe(300_000);
    expect(cadenceOf(parseCron("0 8,20 * * *"), new Date(now))).toBe(12 * 3_600_000);
  });
});
