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
