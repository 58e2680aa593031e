import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BurnAlert } from "../../actions/incident/subjects.ts";
import { createWorld, MIN, type World } from "./harness.ts";

let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => {
  const violations = w.gh.violations.splice(0);
  await w.close();
  expect(violations).toEqual([]);
});

const page = (at: string): BurnAlert => ({
  key: "budget:agent-sdk",
  service: "agent-sdk",
  action: "page",
  severity: "P1",
  summary: "Agent SDK burns its 99.9% budget at 15.2× over 1 h and 16.0× over 5 min (page at 14.4×)",
  at,
});

describe("error-budget burn-rate alerts as incidents", () => {
  it("open their own issue labelled error-budget with the alert's severity, apart from the service's incident, and close when the alert stops", async () => {
    // The service itself is up: a burn alert comes from hours of history, not from this run.
    const first = await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(first.errors).toEqual([]);
    const [issue, ...more] = w.openIssues();
    expect(more).toEqual([]);
    expect(issue!.labels.sort()).toEqual(["budget:agent-sdk", "env:shared", "error-budget", "incident", "severity:P1"]);
    expect(issue!.title).toContain("Agent SDK error budget");
    expect(issue!.body).toContain("15.2×");
    expect(first.latest.incidents["budget:agent-sdk"]).toMatchObject({ kind: "budget", state: "open", severity: "P1" });
    expect(first.latest.incidents["service:agent-sdk"]).toBeUndefined();

    // The same alert next run: still one issue.
    w.clock.advance(5 * MIN);
    await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(w.openIssues()).toHaveLength(1);

    // No alert for closeAfter (2) runs: resolved and closed.
    w.clock.advance(5 * MIN);
    await w.run({ budgetAlerts: [] });
    w.clock.advance(5 * MIN);
    const closed = await w.run({ budgetAlerts: [] });
    expect(w.openIssues()).toEqual([]);
    expect(closed.latest.incidents["budget:agent-sdk"]).toMatchObject({ state: "closed", closedBy: "automation" });
  });
});

describe("error-budget alerts during a service's own outage", () => {
  it("open no second issue while the service is down or its incident is open or just closed, and open one when the budget still burns well after recovery", async () => {
    // The outage: the service incident opens, and the fast burn rule fires on the same downtime.
    w.set("agent-sdk", "down", "HTTP 503");
    const first = await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(first.errors).toEqual([]);
    expect(first.latest.incidents["service:agent-sdk"]).toMatchObject({ state: "open" });
    expect(first.latest.incidents["budget:agent-sdk"]).toBeUndefined();
    expect(w.openIssues().map((i) => i.labels.includes("error-budget"))).toEqual([false]);

    // Still down next run, alert still firing: the open service incident covers it.
    w.clock.advance(5 * MIN);
    await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(w.openIssues()).toHaveLength(1);

    // Recovered; the service incident closes after closeAfter (2) good runs while the 1 h window still burns.
    w.set("agent-sdk", "up");
    for (let i = 0; i < 2; i++) {
      w.clock.advance(5 * MIN);
      await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    }
    const closedAt = w.latest.incidents["service:agent-sdk"]!.closedAt!;
    expect(w.latest.incidents["service:agent-sdk"]!.state).toBe("closed");
    expect(w.openIssues()).toEqual([]);

    // Within the flap window (1 h) after that close: still no budget issue.
    w.clock.advance(55 * MIN);
    const within = await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(within.latest.incidents["budget:agent-sdk"]).toBeUndefined();
    expect(w.openIssues()).toEqual([]);

    // Long after the recovery the budget is still burning: that is news of its own.
    w.clock.advance(10 * MIN);
    expect(w.clock.now().getTime() - Date.parse(closedAt)).toBeGreaterThan(w.config.incidents.flapWindow);
    const later = await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(later.latest.incidents["budget:agent-sdk"]).toMatchObject({ kind: "budget", state: "open", severity: "P1" });
    const [issue, ...more] = w.openIssues();
    expect(more).toEqual([]);
    expect(issue!.labels).toContain("error-budget");
  });

  it("keep an error-budget incident that was already open, and close it when the alert stops, even while the service is down", async () => {
    await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(w.latest.incidents["budget:agent-sdk"]).toMatchObject({ state: "open" });

    // The service goes down: its own incident opens; the budget one stays open with its alert.
    w.set("agent-sdk", "down", "HTTP 503");
    w.clock.advance(5 * MIN);
    await w.run({ budgetAlerts: [page(w.clock.now().toISOString())] });
    expect(w.latest.incidents["budget:agent-sdk"]).toMatchObject({ state: "open", goodRuns: 0 });
    expect(w.latest.incidents["service:agent-sdk"]).toMatchObject({ state: "open" });

    // The alert stops (the service still down): closeAfter (2) runs without it close the budget incident.
    for (let i = 0; i < 2; i++) {
      w.clock.advance(5 * MIN);
      await w.run({ budgetAlerts: [] });
    }
    expect(w.latest.incidents["budget:agent-sdk"]).toMatchObject({ state: "closed", closedBy: "automation" });
    expect(w.latest.incidents["service:agent-sdk"]).toMatchObject({ state: "open" });
  });
});
