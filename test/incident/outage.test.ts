import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { skeleton } from "../../actions/incident/template.ts";
import { createWorld, MIN, type World } from "./harness.ts";

let w: World;
beforeEach(async () => {
  w = await createWorld({ incidents: { reminderEvery: "20m" } });
});
afterEach(async () => {
  const violations = w.gh.violations.splice(0);
  await w.close();
  expect(violations).toEqual([]);
});

async function every5min(until: string) {
  const results = [];
  while (w.clock.now().toISOString() < new Date(until).toISOString()) {
    w.clock.advance(5 * MIN);
    results.push({ at: w.clock.now().toISOString().slice(11, 16), r: await w.run() });
  }
  return results;
}

describe("an outage of a critical service, replayed run by run", () => {
  it("opens exactly one issue with the template's sections, labels and severity, then escalates, reminds and resolves", async () => {
    w.set("chatwoot", "down", "unexpected status 503 (expected 200)");
    const first = await w.run();
    expect(first.errors).toEqual([]);

    const [issue, ...more] = w.openIssues();
    expect(more).toEqual([]);
    expect(issue!.title).toBe("Incident: Chatwoot (production) down");
    expect(issue!.labels.sort()).toEqual(["env:production", "incident", "service:chatwoot", "severity:P0"]);
    const body = issue!.body!;
    expect(skeleton(body)).toEqual(
      skeleton((await readFile(".github/ISSUE_TEMPLATE/incident.md", "utf8")).split(/^---$/m)[2]!),
    );
    expect(body).toContain("**Severity**: P0 (critical service, down)");
    expect(body).toContain("**Duration**: 2026-11-22 16:00 UTC to ongoing");
    expect(body).toMatch(/status codes: 503; success: 0\/3/);
    expect(body).toContain("## Root Cause\n[Detailed explanation]");
    expect(body).toMatch(/<!-- hotdash-ops:incident \{"key":"service:chatwoot"/);

    // Routed by severity: P0 → emergency channel + PagerDuty trigger keyed by the incident.
    expect(w.slack.received.map((m) => m.path)).toEqual([expect.stringContaining("emergency")]);
    expect(w.slack.received[0]!.body.text).toMatch(/P0 incident opened\* — Chatwoot \(production\) down/);
    expect(w.pagerduty.received).toHaveLength(1);
    expect(w.pagerduty.received[0]!.body).toMatchObject({
      event_action: "trigger",
      dedup_key: "service:chatwoot",
      payload: { severity: "critical", source: "chatwoot" },
    });
    const record = first.latest.incidents["service:chatwoot"]!.record!;
    expect(record).toBe("incidents/2026-11-22-chatwoot-down-unexpected-status-503.md");
    expect(await readFile(join(w.dataDir, record), "utf8")).toContain("**Severity**: P0");

    const runs = await every5min("2026-11-22T17:05:00Z");
    expect(runs.flatMap((x) => x.r.errors)).toEqual([]);
    expect(w.gh.state.issues.size).toBe(1);
    const commentsAt = runs.map((x) => [x.at, x.r.operations.filter((o) => o.op === "comment").map((o) => o.detail)]);
    expect(commentsAt.filter(([, c]) => (c as string[]).length)).toEqual([
      ["16:20", ["reminder-1"]],
      ["16:30", ["escalation-2"]],
      ["16:40", ["reminder-2"]],
      ["17:00", ["escalation-3"]],
    ]);
    const comments = w.commentsOf(issue!.number);
    expect(comments[1]).toMatch(/^🚨 Escalated to Level 2 \(Engineering Lead\): P0 unresolved for 30 min\./);
    expect(comments[3]).toMatch(/^🚨 Escalated to Level 3 \(Manager\): P0 unresolved for 60 min\./);
    // Escalations notify (emergency + PagerDuty); reminders never do.
    expect(w.slack.received).toHaveLength(3);
    expect(w.pagerduty.received).toHaveLength(3);

    // A human writes the post-mortem parts in the issue while it is open.
    const stored = w.gh.state.issues.get(issue!.number)!;
    stored.body = stored
      .body!.replace("[Detailed explanation]", "Chatwoot's Postgres ran out of connections.")
      .replace("- [ ] [Preventive measure]", "- [ ] Add pgbouncer");

    w.clock.set("2026-11-22T16:47:00Z");
    w.set("chatwoot", "up");
    const good1 = await w.run();
    expect(good1.operations).toEqual([]);
    w.clock.set("2026-11-22T16:52:00Z");
    const good2 = await w.run();
    expect(good2.errors).toEqual([]);

    const closed = w.gh.state.issues.get(issue!.number)!;
    expect(closed.state).toBe("closed");
    expect(closed.stateReason).toBe("completed");
    expect(w.commentsOf(issue!.number).at(-1)).toMatch(/^✅ Resolved after 47 min/);
    expect(w.pagerduty.received.at(-1)!.body).toEqual({
      routing_key: expect.any(String),
      event_action: "resolve",
      dedup_key: "service:chatwoot",
    });
    expect(w.slack.received.at(-1)!.body.text).toMatch(/P0 incident resolved/);

    const text = await readFile(join(w.dataDir, record), "utf8");
    expect(text).toContain("**Duration**: 2026-11-22 16:00 UTC to 2026-11-22 16:47 UTC (47 min)");
    expect(text).toContain("## Root Cause\nChatwoot's Postgres ran out of connections.");
    expect(text).toContain("- [ ] Add pgbouncer");
    expect(text).toMatch(/## Timeline\n- 2026-11-22 16:00 UTC: Chatwoot down: reason: unexpected status 503/);
    expect(text).toMatch(/Escalated to Level 3/);
    expect(text).not.toContain("hotdash-ops:incident");
    expect(await readdir(join(w.dataDir, "incidents"))).toHaveLength(1);
    expect(closed.body).toContain("Chatwoot's Postgres ran out of connections.");

    // Later runs while healthy do nothing at all.
    w.clock.advance(5 * MIN);
    const quiet = await w.run();
    expect(quiet.operations).toEqual([]);
    expect(w.slack.received).toHaveLength(4);
  });
});
