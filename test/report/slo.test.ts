import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { computeBudgetAlerts } from "../../actions/shared/slo/alerts.ts";
import { runReports } from "../../actions/report/step.ts";
import { syntheticConfig, syntheticLatest, writeHistory } from "../../scripts/bench/synthetic.ts";
import { accumulate, emptyStats } from "../../actions/shared/store/durations.ts";
import type { TimedRecord } from "../../actions/shared/store/history-read.ts";
import type { Status } from "../../actions/shared/status.ts";
import {
  BUDGET_WINDOW_MS,
  MIN_WINDOW_COVERAGE,
  burnRateAlerts,
  burnRules,
  errorBudget,
} from "../../actions/shared/slo/slo.ts";
import { budgetCell, downtimeCell } from "../../actions/report/status.ts";

const MIN = 60_000;
const NOW = Date.parse("2026-11-22T12:00:00Z");
const rules = burnRules({});

/** One record a minute for `days` days before NOW; `bad(minutesAgo)` says when the service was down. */
function history(days: number, bad: (minutesAgo: number) => boolean): TimedRecord[] {
  return minutes(days * 1440, bad);
}

function minutes(count: number, bad: (minutesAgo: number) => boolean): TimedRecord[] {
  const out: TimedRecord[] = [];
  for (let m = count; m >= 1; m--) {
    const s: Status = bad(m) ? "down" : "up";
    out.push({ t: NOW - m * MIN, id: "api", s, l: [100], ok: 1, n: 1 });
  }
  return out;
}

function alertsFor(records: TimedRecord[], objective = 99.9) {
  return burnRateAlerts({
    services: [{ id: "api", name: "API", objective }],
    rules,
    window: (_id, from, to) => accumulate(records, from, to, 20 * MIN, emptyStats()),
    now: NOW,
  });
}

describe("multi-window burn-rate alerts", () => {
  it("stays quiet for a healthy service", () => {
    expect(alertsFor(history(4, () => false))).toEqual([]);
  });

  it("pages at 14.4× when the last 10 minutes are down (1 h and 5 min windows)", () => {
    const [alert, ...rest] = alertsFor(history(4, (m) => m <= 10));
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ kind: "budget", key: "budget:api", action: "page", severity: "P1", factor: 14.4 });
    expect(alert!.long).toEqual({ windowMs: 3_600_000, burnRate: 166.67 });
    expect(alert!.short).toEqual({ windowMs: 300_000, burnRate: 1000 });
  });

  it("does not page for an outage that has ended (short window clean), but the 3-day rule tickets it", () => {
    // Down for 20 minutes, three hours ago: 6 h burns 55×, but the last 30 min are clean.
    const [alert] = alertsFor(history(4, (m) => m > 180 && m <= 200));
    expect(alert).toMatchObject({ action: "ticket", severity: "P3", factor: 1 });
    expect(alert!.long.windowMs).toBe(259_200_000);
  });

  it("pages at 6× when the fast rule misses but 6 h and 30 min both burn", () => {
    // 1 minute in every 15 is down: 6.7 % errors, 66× on every window; the 5-min window may be clean.
    const alerts = alertsFor(history(4, (m) => m % 15 === 7));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.action).toBe("page");
  });

  it("needs data in both windows", () => {
    expect(alertsFor([])).toEqual([]);
  });

  it("does not page a new service on its first failed run (5 minutes of data in the 1 h window)", () => {
    // Over the 5 minutes it has, the burn is 1000×; over a window 92 % unknown that means nothing.
    const first: TimedRecord[] = [{ t: NOW - 5 * MIN, id: "api", s: "down", l: [], ok: 0, n: 3 }];
    expect(alertsFor(first)).toEqual([]);
  });

  it(`judges a window only once known time covers ${MIN_WINDOW_COVERAGE * 100} % of it (long and short)`, () => {
    // The last 10 minutes down, in a history of 25 minutes: 1 h is 42 % covered, so no page yet.
    expect(alertsFor(minutes(25, (m) => m <= 10))).toEqual([]);
    // The same outage with 35 minutes of history: 1 h is 58 % covered and burns 286×, 5 min 1000×.
    const [alert] = alertsFor(minutes(35, (m) => m <= 10));
    expect(alert).toMatchObject({ action: "page", factor: 14.4 });
    expect(alert!.long.burnRate).toBeCloseTo(285.71, 1);
    // A short window mostly unknown (the last record 4 minutes old, gap limit 1 min) holds it back.
    const stale = history(4, (m) => m <= 10).filter((r) => r.t <= NOW - 4 * MIN);
    const gappy = burnRateAlerts({
      services: [{ id: "api", name: "API", objective: 99.9 }],
      rules,
      window: (_id, from, to) => accumulate(stale, from, to, MIN, emptyStats()),
      now: NOW,
    });
    expect(gappy.filter((a) => a.factor === 14.4)).toEqual([]);
  });

  it("after one 10-minute outage in a 2-day-old history, tickets (3 d at 3.5×) but never pages", () => {
    const alerts = alertsFor(history(2, (m) => m > 180 && m <= 190));
    expect(alerts.map((a) => [a.action, a.factor])).toEqual([["ticket", 1]]);
  });
});

describe("error budget over 30 days", () => {
  it("spends the budget with downtime only; maintenance and unknown time neither spend nor add to it", () => {
    const stats = emptyStats();
    stats.ms.up = 30 * 1440 * MIN - 21.6 * MIN;
    stats.ms.down = 21.6 * MIN;
    const budget = errorBudget(stats, 99.9);
    expect(budget.allowedMs).toBeCloseTo(43.2 * MIN, 3);
    expect(budget.remainingPct).toBeCloseTo(50, 1);
    // Maintenance and unknown time neither spend nor add budget.
    stats.ms.maintenance = 5 * 1440 * MIN;
    stats.ms.unknown = 1440 * MIN;
    expect(errorBudget(stats, 99.9).remainingPct).toBeCloseTo(50, 1);
    expect(errorBudget(emptyStats(), 99.9).remainingPct).toBeUndefined();
  });

  it("charges a young history's outage against the full 30-day allowance, not a pro-rated share", () => {
    // Two days of history, one 10-minute outage: 10 of 43.2 minutes used, 76.85 % left.
    const records = history(2, (m) => m > 180 && m <= 190);
    const budget = errorBudget(accumulate(records, NOW - BUDGET_WINDOW_MS, NOW, 20 * MIN, emptyStats()), 99.9);
    expect(budget.usedMs).toBe(10 * MIN);
    expect(budget.observedMs).toBe(2 * 1440 * MIN);
    expect(budget.remainingPct).toBeCloseTo(76.85, 2);
    expect(budgetCell(budget.remainingPct)).toBe("✅ 76.85%");
    expect(downtimeCell(budget)).toBe("10 min of 43 min (2 d observed)");
    // Spending more than the allowance is overspent, by the ratio to the whole allowance.
    const stats = emptyStats();
    stats.ms.up = 1440 * MIN;
    stats.ms.down = 86.4 * MIN;
    expect(budgetCell(errorBudget(stats, 99.9).remainingPct)).toBe("❌ overspent (2.00× used)");
  });
});

describe("computeBudgetAlerts (for the incident step)", () => {
  it("gives the same alerts as the reports for the same store and time", async () => {
    const dir = await mkdtemp(join(tmpdir(), "alerts-"));
    try {
      const config = syntheticConfig(2);
      const lines: string[] = [];
      for (let m = 4 * 1440; m >= 1; m--) {
        lines.push(
          JSON.stringify({
            t: new Date(NOW - m * MIN).toISOString(),
            id: "svc-00",
            s: m <= 10 ? "down" : "up",
            l: [100],
            ok: 1,
            n: 1,
          }),
        );
      }
      await writeHistory(
        dir,
        lines.map((l) => ({ day: JSON.parse(l).t.slice(0, 10), lines: [l] })),
      );
      const alerts = await computeBudgetAlerts({ config, dataDir: dir, now: new Date(NOW) });
      expect(alerts.map((a) => [a.key, a.action, a.factor])).toEqual([["budget:svc-00", "page", 14.4]]);
      const reports = await runReports({
        config,
        latest: syntheticLatest(config, new Date(NOW).toISOString()),
        dataDir: dir,
        clock: manualClock(new Date(NOW)),
        log: { info: () => {}, warn: () => {} },
        write: false,
      });
      expect(reports.alerts).toEqual(alerts);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
