import { describe, expect, it } from "vitest";
import { MaintenanceWindow } from "./config/schema/incidents.ts";
import { activeMaintenance, parseMaintenanceIssue, weeklyWindowAt } from "./maintenance.ts";

const weekly = MaintenanceWindow.parse({
  services: ["chatwoot"],
  weekly: { days: ["sun"], start: "02:00", duration: "2h" },
  timezone: "Europe/Berlin",
});

describe("maintenance windows", () => {
  it("weekly windows follow the IANA zone, across daylight saving", () => {
    const w = { days: ["sun"], start: "02:00", duration: 7_200_000 };
    // Winter: Berlin is UTC+1, so 02:00 local is 01:00 UTC.
    expect(weeklyWindowAt(w, "Europe/Berlin", new Date("2026-11-22T00:59:00Z"))).toBeUndefined();
    expect(weeklyWindowAt(w, "Europe/Berlin", new Date("2026-11-22T01:00:00Z"))?.start.toISOString()).toBe(
      "2026-11-22T01:00:00.000Z",
    );
    expect(weeklyWindowAt(w, "Europe/Berlin", new Date("2026-11-22T03:00:00Z"))).toBeUndefined();
    // Summer: UTC+2.
    expect(weeklyWindowAt(w, "Europe/Berlin", new Date("2026-07-05T00:30:00Z"))?.end.toISOString()).toBe(
      "2026-07-05T02:00:00.000Z",
    );
    // A window that crosses midnight is still active on the next local day.
    const late = { days: ["sat"], start: "23:00", duration: 3 * 3_600_000 };
    expect(weeklyWindowAt(late, "America/New_York", new Date("2026-11-22T05:30:00Z"))?.start.toISOString()).toBe(
      "2026-11-22T04:00:00.000Z",
    );
    expect(() => weeklyWindowAt(w, "Mars/Olympus", new Date())).toThrow(/not an IANA time zone/);
  });

  it("combines config windows and issue windows, by service", () => {
    const oneOff = MaintenanceWindow.parse({
      services: ["shop"],
      start: "2026-11-22T10:00:00Z",
      end: "2026-11-22T11:00:00Z",
      reason: "Shopify API upgrade",
    });
    const fromIssue = {
      services: ["ga"],
      start: "2026-11-22T10:30:00Z",
      end: "2026-11-22T12:00:00Z",
      reason: "GA property move (#4)",
    };
    const m = activeMaintenance([weekly, oneOff], [fromIssue], new Date("2026-11-22T10:45:00Z"));
    expect(m.reasonFor("shop")).toBe("Shopify API upgrade (until 2026-11-22T11:00:00.000Z)");
    expect(m.reasonFor("ga")).toMatch(/^GA property move \(#4\)/);
    expect(m.reasonFor("chatwoot")).toBeUndefined();
    expect(activeMaintenance([oneOff], [], new Date("2026-11-22T11:00:00Z")).reasonFor("shop")).toBeUndefined();
  });

  it("reads a maintenance issue's body, and says what to fix when it cannot", () => {
    const body =
      "We upgrade Postgres.\n\n- **services**: `chatwoot`, hotdash-production\n- start: 2026-11-22T22:00:00Z\n- end: 2026-11-22T23:30:00+00:00\n";
    expect(parseMaintenanceIssue({ number: 9, title: "Postgres upgrade", body })).toEqual({
      services: ["chatwoot", "hotdash-production"],
      start: "2026-11-22T22:00:00.000Z",
      end: "2026-11-22T23:30:00.000Z",
      reason: "Postgres upgrade (#9)",
    });
    expect(parseMaintenanceIssue({ number: 9, title: "x", body: "start: 2026-11-22T22:00:00Z" })).toEqual({
      error: 'maintenance issue #9: add a line "services: id1, id2"',
    });
    expect(
      parseMaintenanceIssue({ number: 9, title: "x", body: "services: a\nstart: tomorrow\nend: 2026-11-22T22:00:00Z" }),
    ).toEqual({
      error: 'maintenance issue #9: add a line "start: <ISO date-time with zone>", found "tomorrow"',
    });
    expect(
      parseMaintenanceIssue({
        number: 9,
        title: "x",
        body: "services: a\nstart: 2026-11-22T22:00:00Z\nend: 2026-11-22T21:00:00Z",
      }),
    ).toMatchObject({ error: expect.stringMatching(/must be after start/) });
  });
});
