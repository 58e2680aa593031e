import { afterEach, describe, expect, it } from "vitest";
import { createWorld, MIN, type World } from "./harness.ts";

/**
 * GitHub failing in the middle of a run (500, secondary rate limit with Retry-After, an answer
 * slower than the client's timeout): that run reports it, and the next run finishes the intended
 * operation exactly once.
 */
let w: World;
afterEach(async () => {
  const violations = w.gh.violations.splice(0);
  await w.close();
  expect(violations).toEqual([]);
});

const tick = async () => {
  w.clock.advance(5 * MIN);
  return w.run();
};

describe("GitHub faults mid-run", () => {
  it("a create whose answer is lost (500 after the write) is adopted, not repeated, and announced once", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    w.gh.faults.error({ match: "issues/create", phase: "after", status: 502 });
    const broken = await tick();
    expect(broken.errors.join("\n")).toMatch(/service:chatwoot: GitHub create issue on hotdash\/ops failed \(502/);
    expect(w.gh.state.issues.size).toBe(1);
    expect(w.pagerduty.received).toEqual([]);

    const fixed = await tick();
    expect(fixed.errors).toEqual([]);
    // The record is written by the run that adopts the issue (issue 11), named from the opening.
    expect(fixed.operations.map((o) => o.op)).toEqual(["record"]);
    expect(w.latest.incidents["service:chatwoot"]!.record).toBe("incidents/2026-11-22-chatwoot-down-refused.md");
    expect(w.gh.state.issues.size).toBe(1);
    expect(w.latest.incidents["service:chatwoot"]!.number).toBe(1);
    expect(w.pagerduty.received).toHaveLength(1);
    await tick();
    expect(w.pagerduty.received).toHaveLength(1);
    expect(w.gh.state.issues.size).toBe(1);
  });

  it("an escalation stopped by a secondary rate limit (Retry-After too long) is posted once by the next run", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    await tick();
    w.clock.advance(25 * MIN);
    w.gh.faults.secondaryLimit({ match: "issues/create-comment", retryAfter: 600 });
    const limited = await tick(); // 30 min: escalation due
    expect(limited.errors.join("\n")).toMatch(/rate limit \(403, Retry-After 600s\); the next run finishes/);
    expect(w.commentsOf(1)).toEqual([]);
    expect(w.latest.incidents["service:chatwoot"]!.escalationLevel).toBe(1);

    const next = await tick();
    expect(next.errors).toEqual([]);
    expect(w.commentsOf(1).filter((c) => c.includes("Escalated to Level 2"))).toHaveLength(1);
    await tick();
    expect(w.commentsOf(1).filter((c) => c.includes("Escalated to Level 2"))).toHaveLength(1);
    expect(w.pagerduty.received.map((e) => e.body.event_action)).toEqual(["trigger", "trigger"]);
  });

  it("a short secondary rate limit is waited out within the same run", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    w.gh.faults.secondaryLimit({ match: "issues/create", retryAfter: 2 });
    const r = await tick();
    expect(r.errors).toEqual([]);
    expect(w.gh.state.issues.size).toBe(1);
    expect(w.gh.requests.filter((q) => q.operationId === "issues/create").map((q) => q.status)).toEqual([403, 201]);
  });

  it("a close slower than the client's timeout is finished by the next run: record and resolve sent once", async () => {
    w = await createWorld({}, { timeoutMs: 1_000 });
    w.set("chatwoot", "down", "refused");
    await tick();
    w.set("chatwoot", "up");
    await tick();
    // The body sync goes through; the close outlasts the timeout (a timeout is not retried: it opens
    // the run's circuit breaker).
    w.gh.faults.slow({ match: "issues/update", skip: 1, delayMs: 1_600, times: 1 });
    const slow = await tick();
    expect(slow.errors.join("\n")).toMatch(/update issue #1 on hotdash\/ops (timed out|failed)/);
    // The server finished the close after the client gave up.
    await new Promise((r) => setTimeout(r, 1_700));
    expect(w.gh.faults.pending()).toBe(0);
    expect(w.gh.state.issues.get(1)!.state).toBe("closed");
    expect(w.pagerduty.received.map((e) => e.body.event_action)).toEqual(["trigger"]);

    const next = await tick();
    expect(next.errors).toEqual([]);
    expect(w.latest.incidents["service:chatwoot"]).toMatchObject({ state: "closed", closedBy: "automation" });
    expect(w.commentsOf(1).filter((c) => c.startsWith("✅ Resolved"))).toHaveLength(1);
    expect(w.pagerduty.received.map((e) => e.body.event_action)).toEqual(["trigger", "resolve"]);
    await tick();
    expect(w.pagerduty.received).toHaveLength(2);
  });

  it("a 500 on the listing stops incident work for the run without losing the stored state", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    await tick();
    const before = structuredClone(w.latest.incidents);
    w.gh.faults.error({ match: "issues/list-for-repo", times: 10 });
    const r = await tick();
    expect(r.errors).toEqual([expect.stringMatching(/cannot list open incident issues, no incident work this run/)]);
    expect(w.latest.incidents).toEqual(before);
  });
});
