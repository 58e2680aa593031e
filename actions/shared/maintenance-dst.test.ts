import { describe, expect, it } from "vitest";
import { MaintenanceWindow } from "./config/schema/incidents.ts";
import { activeMaintenance } from "./maintenance.ts";

/**
 * Weekly maintenance windows across daylight-saving changes, replayed as the scheduler would run:
 * every 5 minutes through the whole change day, each run with its injected time. A start that does
 * not exist (spring forward) moves forward by the gap, in every zone alike; a start that happens
 * twice (fall back) takes the first; the duration is elapsed time.
 */
const MIN = 60_000;

/** The intervals during which `service` was in maintenance, from runs every 5 minutes over [from, to). */
function replay(window: unknown, from: string, to: string): Array<[string, string]> {
  const config = [MaintenanceWindow.parse(window)];
  const spans: Array<[string, string]> = [];
  let open: string | undefined;
  for (let t = Date.parse(from); t < Date.parse(to); t += 5 * MIN) {
    const now = new Date(t);
    const active = activeMaintenance(config, [], now).reasonFor("db") !== undefined;
    if (active && !open) open = now.toISOString();
    if (!active && open) spans.push([open, now.toISOString()]), (open = undefined);
  }
  if (open) spans.push([open, to]);
  return spans;
}

const sunday = (start: string, duration: string, timezone: string) => ({
  services: ["db"],
  weekly: { days: ["sun"], start, duration },
  timezone,
});

// Each zone's two change days in 2026, the local start that the change makes missing or doubled,
// and the instants the window must cover: [zone, change, start, expected from, expected to].
const CASES: Array<[string, string, string, string, string]> = [
  // Clocks jump 02:00 → 03:00: 02:30 does not exist, the window starts at 03:30 daylight time.
  ["America/New_York", "spring forward (2026-03-08)", "02:30", "2026-03-08T07:30:00.000Z", "2026-03-08T08:30:00.000Z"],
  [
    "America/Los_Angeles",
    "spring forward (2026-03-08)",
    "02:30",
    "2026-03-08T10:30:00.000Z",
    "2026-03-08T11:30:00.000Z",
  ],
  ["Europe/Berlin", "spring forward (2026-03-29)", "02:30", "2026-03-29T01:30:00.000Z", "2026-03-29T02:30:00.000Z"],
  ["Australia/Sydney", "spring forward (2026-10-04)", "02:30", "2026-10-03T16:30:00.000Z", "2026-10-03T17:30:00.000Z"],
  // Clocks fall back: the local time happens twice; the window starts at the first, once.
  [
    "America/New_York",
    "fall back (2026-11-01, 01:00–02:00 twice)",
    "01:30",
    "2026-11-01T05:30:00.000Z",
    "2026-11-01T06:30:00.000Z",
  ],
  [
    "Europe/Berlin",
    "fall back (2026-10-25, 02:00–03:00 twice)",
    "02:30",
    "2026-10-25T00:30:00.000Z",
    "2026-10-25T01:30:00.000Z",
  ],
  [
    "Australia/Sydney",
    "fall back (2026-04-05, 02:00–03:00 twice)",
    "02:30",
    "2026-04-04T15:30:00.000Z",
    "2026-04-04T16:30:00.000Z",
  ],
];

describe("weekly maintenance windows on daylight-saving days", () => {
  it.each(CASES)(
    "%s, %s: a Sunday %s window for 1 h runs once, from the right instant, for one elapsed hour",
    (zone, _, start, from, to) => {
      // Runs from a day before to a day after: the whole local change day in every zone.
      const around = (days: number) => new Date(Date.parse(from) + days * 86_400_000).toISOString();
      const spans = replay(sunday(start, "1h", zone), around(-1), around(1));
      expect(spans).toEqual([[from, to]]);
    },
  );

  it("the same windows a week later, on ordinary days, start at the same local time", () => {
    expect(replay(sunday("02:30", "1h", "America/New_York"), "2026-03-14T12:00:00Z", "2026-03-16T00:00:00Z")).toEqual([
      ["2026-03-15T06:30:00.000Z", "2026-03-15T07:30:00.000Z"],
    ]);
    expect(replay(sunday("02:30", "1h", "Europe/Berlin"), "2026-04-04T12:00:00Z", "2026-04-06T00:00:00Z")).toEqual([
      ["2026-04-05T00:30:00.000Z", "2026-04-05T01:30:00.000Z"],
    ]);
    expect(replay(sunday("02:30", "1h", "Australia/Sydney"), "2026-10-10T00:00:00Z", "2026-10-12T00:00:00Z")).toEqual([
      ["2026-10-10T15:30:00.000Z", "2026-10-10T16:30:00.000Z"],
    ]);
  });

  it("a window across the change lasts its duration in elapsed time, not on the wall clock", () => {
    // New York, 01:00 EST for 3 h on the spring-forward day: ends at 05:00 EDT (3 real hours).
    expect(replay(sunday("01:00", "3h", "America/New_York"), "2026-03-07T12:00:00Z", "2026-03-09T00:00:00Z")).toEqual([
      ["2026-03-08T06:00:00.000Z", "2026-03-08T09:00:00.000Z"],
    ]);
    // Berlin, 01:00 CEST for 3 h on the fall-back day: ends at 03:00 CET (3 real hours).
    expect(replay(sunday("01:00", "3h", "Europe/Berlin"), "2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z")).toEqual([
      ["2026-10-24T23:00:00.000Z", "2026-10-25T02:00:00.000Z"],
    ]);
  });

  it("a window that starts on Saturday evening and crosses the change into Sunday", () => {
    const w = {
      services: ["db"],
      weekly: { days: ["sat"], start: "23:00", duration: "5h" },
      timezone: "Europe/Berlin",
    };
    // 23:00 CET on Saturday 28 March is 22:00Z; five elapsed hours later is 03:00Z (05:00 CEST).
    expect(replay(w, "2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z")).toEqual([
      ["2026-03-28T22:00:00.000Z", "2026-03-29T03:00:00.000Z"],
    ]);
  });
});
