import { describe, expect, it } from "vitest";
import { Incidents } from "../shared/config/schema/incidents.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { slaView } from "./sla.ts";

const { sla } = Incidents.parse({});
const base: IncidentState = {
  key: "service:shop",
  kind: "service",
  subject: "shop",
  state: "open",
  severity: "P0",
  status: "down",
  openedAt: "2026-11-22T16:00:00.000Z",
  startedAt: "2026-11-22T15:58:00.000Z",
  escalationLevel: 1,
  goodRuns: 0,
  notified: [],
  timeline: [],
  evidence: {},
};
const at = (hhmm: string) => new Date(`2026-11-22T${hhmm}:00.000Z`);

describe("slaView", () => {
  it("has the support plan's defaults", () => {
    expect(
      Object.values(sla).map((t) => [t.respond / 60_000, t.resolve / 60_000, (t.remindEvery ?? 0) / 60_000]),
    ).toEqual([
      [5, 60, 15],
      [15, 240, 30],
      [60, 1440, 0],
      [240, 10080, 0],
    ]);
  });

  it("measures the time to acknowledge and the breaches", () => {
    expect(slaView({ ...base, ackedAt: "2026-11-22T16:04:00.000Z" }, sla, at("16:30"))).toMatchObject({
      timeToAckMs: 240_000,
      responseBreached: false,
      resolutionBreached: false,
    });
    expect(slaView({ ...base, ackedAt: "2026-11-22T16:06:00.000Z" }, sla, at("16:30")).responseBreached).toBe(true);
    // Unacknowledged: breached once open past the target; a self-resolved incident before it is not.
    expect(slaView(base, sla, at("16:04")).responseBreached).toBe(false);
    expect(slaView(base, sla, at("16:06")).responseBreached).toBe(true);
    expect(
      slaView({ ...base, state: "closed", closedAt: "2026-11-22T16:03:00.000Z" }, sla, at("18:00")).responseBreached,
    ).toBe(false);
    // Resolution is measured from the start of the failure: 15:58 + 1 h.
    expect(slaView(base, sla, at("16:58")).resolutionBreached).toBe(false);
    expect(slaView(base, sla, at("16:59")).resolutionBreached).toBe(true);
  });
});

describe("the reports' SLA lines", () => {
  it("average the time to acknowledge and name the breaches", async () => {
    const { incidentFacts } = await import("../report/incident-facts.ts");
    const { incidentFigures, slaLines } = await import("../report/period.ts");
    const latest = {
      incidents: {
        a: {
          ...base,
          key: "a",
          number: 1,
          ackedAt: "2026-11-22T16:04:00.000Z",
          state: "closed" as const,
          closedAt: "2026-11-22T16:30:00.000Z",
        },
        b: { ...base, key: "b", number: 2, severity: "P2" as const, ackedAt: "2026-11-22T16:10:00.000Z" },
        c: { ...base, key: "c", number: 3 },
      },
    } as never;
    const facts = incidentFacts(latest, new Map(), { config: sla, now: Date.parse("2026-11-22T17:30:00Z") });
    const lines = slaLines(
      incidentFigures(facts, Date.parse("2026-11-22T00:00:00Z"), Date.parse("2026-11-23T00:00:00Z")),
    );
    expect(lines).toEqual([
      "- Time to Acknowledge: 7 min on average, 2 of 3 acknowledged",
      "- SLA breaches: response 1 (#3), resolution 1 (#3)",
    ]);
  });
});
