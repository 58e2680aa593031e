import { describe, expect, it } from "vitest";
import { accumulate, availability } from "../../actions/shared/store/durations.ts";
import { addSample, quantile, type Histogram } from "../../actions/shared/store/histogram.ts";
import type { TimedRecord } from "../../actions/shared/store/history-read.ts";
import type { Status } from "../../actions/shared/status.ts";

const MIN = 60_000;
const T0 = Date.parse("2026-11-22T00:00:00Z");
const rec = (min: number, s: Status, l: number[] = [100]): TimedRecord => ({
  t: T0 + min * MIN,
  id: "a",
  s,
  l,
  ok: 1,
  n: 1,
});

describe("uptime from durations between records", () => {
  it("holds each status until the next record, whatever the run spacing", () => {
    // Irregular runs: 0, 5, 25 (late cron), 30.
    const stats = accumulate([rec(0, "up"), rec(5, "down"), rec(25, "up"), rec(30, "up")], T0, T0 + 40 * MIN, 30 * MIN);
    expect(stats.ms.down).toBe(20 * MIN);
    expect(stats.ms.up).toBe(20 * MIN);
    // Counting runs would say 75 %; time says 50 %.
    expect(availability(stats.ms)).toBe(50);
  });

  it("counts a gap longer than gapLimit as unknown, not as the earlier status", () => {
    const stats = accumulate([rec(0, "up"), rec(60, "up")], T0, T0 + 70 * MIN, 20 * MIN);
    expect(stats.ms.up).toBe(30 * MIN);
    expect(stats.ms.unknown).toBe(40 * MIN);
    expect(availability(stats.ms)).toBe(100);
  });

  it("keeps maintenance apart from downtime and out of availability", () => {
    const stats = accumulate([rec(0, "maintenance"), rec(10, "down"), rec(15, "up")], T0, T0 + 20 * MIN, 20 * MIN);
    expect(stats.ms.maintenance).toBe(10 * MIN);
    expect(stats.ms.down).toBe(5 * MIN);
    expect(availability(stats.ms)).toBe(50);
  });

  it("carries a record from before the window into it, and treats time before any record as unknown", () => {
    const stats = accumulate([rec(-5, "down"), rec(10, "up")], T0, T0 + 20 * MIN, 20 * MIN);
    expect(stats.ms.down).toBe(10 * MIN);
    expect(stats.runs).toBe(1);
    const added = accumulate([rec(50, "up")], T0, T0 + 60 * MIN, 20 * MIN);
    expect(added.ms.unknown).toBe(50 * MIN);
  });

  it("accounts for exactly the window's length", () => {
    const stats = accumulate([rec(3, "up"), rec(7, "degraded"), rec(100, "down")], T0, T0 + 90 * MIN, 20 * MIN);
    const total = Object.values(stats.ms).reduce((a, b) => a + b, 0);
    expect(total).toBe(90 * MIN);
  });
});

describe("log-bucket histogram", () => {
  it("answers quantiles within 4 % of the exact sample", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 5 + ((i * 7919) % 4000));
    const h: Histogram = {};
    for (const v of values) addSample(h, v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      const got = quantile(h, q)!;
      expect(Math.abs(got - exact) / exact).toBeLessThan(0.04);
    }
    expect(quantile({}, 0.5)).toBeUndefined();
  });
});

describe("fast history reader", () => {
  it("keeps every valid line and says which lines it skipped and why", async () => {
    const { parseHistoryText } = await import("../../actions/shared/store/history-read.ts");
    const text = [
      '{"t":"2026-11-22T16:20:00.000Z","id":"chatwoot","s":"up","l":[312,298,340],"ok":3,"n":3,"v":12}',
      "not json",
      '{"t":"yesterday","id":"a","s":"up"}',
      '{"t":"2026-11-22T16:25:00.000Z","id":"a","s":"sideways"}',
      '{"t":"2026-11-22T16:25:00.000Z","s":"up"}',
      "",
      '{"t":"2026-11-22T16:30:00.000Z","id":"chatwoot","s":"down","l":[],"ok":0,"n":3,"r":"refused"}',
      '{"t":"2026-11-22T16:35:00.000Z","id":"chat',
    ].join("\n");
    const { records, problems } = parseHistoryText(text, "history/2026-11-22.jsonl");
    expect(records.map((r) => [r.id, r.s, r.l, r.r])).toEqual([
      ["chatwoot", "up", [312, 298, 340], undefined],
      ["chatwoot", "down", [], "refused"],
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^history\/2026-11-22\.jsonl:2: not JSON/),
      'history/2026-11-22.jsonl:3: "t" is not an ISO time',
      'history/2026-11-22.jsonl:4: "s" is not one of up/degraded/down/unknown/maintenance',
      'history/2026-11-22.jsonl:5: "id" is missing',
      "history/2026-11-22.jsonl:8: torn last record",
    ]);
  });
});
