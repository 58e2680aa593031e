import { describe, expect, it } from "vitest";
import { createWorld, MIN, type World, worldPerTest } from "./harness.ts";

/**
 * The on-call loop's first half: the support plan's response SLA escalates an unacknowledged
 * incident at once, reminders notify at the severity's cadence, and an acknowledgement (a writer's
 * `/ack`, or a human assigned) stops both and is recorded. Replayed run by run with a manual clock.
 */
let w: World;
const { tick } = worldPerTest(() => w);
const comment = (issue: number, user: string, body: string) => {
  const createdAt = w.clock.now().toISOString();
  w.gh.state.comments.push({ id: w.gh.state.nextId(), issue, body, user, createdAt, updatedAt: createdAt });
};
const slackTitles = () => w.slack.received.map((m) => String(m.body.text).split("*")[1]);
const pdClasses = () => w.pagerduty.received.map((m) => `${m.body.event_action}:${m.body.payload?.class ?? ""}`);

describe("acknowledge, response SLA and reminders", () => {
  it("escalates an unacknowledged P0 at its response SLA, reminds every 15 min, and stops at /ack", async () => {
    w = await createWorld({}, { slaDefaults: true });
    w.gh.state.collaborators.set("alice", "write").set("rita", "read");
    w.set("chatwoot", "down", "refused");
    await tick(); // 16:05 opened, P0
    const [issue] = w.openIssues();
    await tick(); // 16:10: 5 min unacknowledged = the P0 response SLA: Level 2 at once, not at 30 min
    expect(w.commentsOf(issue!.number).at(-1)).toMatch(
      /^🚨 Escalated to Level 2 \(Engineering Lead\): P0 not acknowledged within its response SLA \(5 min\)/,
    );
    expect(w.latest.incidents["service:chatwoot"]!.escalationLevel).toBe(2);
    expect(pdClasses()).toEqual(["trigger:open", "trigger:escalation"]);
    await tick(); // 16:15
    await tick(); // 16:20: 15 min since the opening: a reminder notifies (not only comments)
    expect(slackTitles()).toEqual(["P0 incident opened", "P0 incident escalated", "P0 incident still unacknowledged"]);
    expect(pdClasses()).toEqual(["trigger:open", "trigger:escalation", "trigger:reminder"]);

    // A read-only user's /ack is nothing; a writer's is the acknowledgement, at its time.
    w.clock.advance(1 * MIN);
    comment(issue!.number, "rita", "/ack");
    w.clock.advance(1 * MIN);
    comment(issue!.number, "alice", "/ack on it");
    const ackAt = w.clock.now().toISOString();
    const before = w.gh.requests.length;
    await tick(3); // 16:25
    const state = w.latest.incidents["service:chatwoot"]!;
    expect(state.ackedAt).toBe(ackAt);
    expect(state.ackedBy).toBe("alice");
    expect(state.timeline.at(-1)!.text).toBe("Acknowledged by @alice (/ack), 17 min after it opened.");
    // The comments were listed once this run for this open incident.
    expect(
      w.gh.requests
        .slice(before)
        .filter((r) => r.method === "GET" && r.path.endsWith(`/issues/${issue!.number}/comments`)),
    ).toHaveLength(1);

    // From now on: no escalation (Level 3 would be due at 1 h), no reminder, comment or notification.
    const sent = [w.slack.received.length, w.pagerduty.received.length, w.commentsOf(issue!.number).length];
    for (let i = 0; i < 16; i++) await tick(5); // to 17:45
    expect([w.slack.received.length, w.pagerduty.received.length, w.commentsOf(issue!.number).length]).toEqual(sent);
    expect(w.latest.incidents["service:chatwoot"]!.escalationLevel).toBe(2);

    // A replay at the same time changes nothing and writes nothing.
    const snapshot = JSON.stringify(w.latest.incidents);
    const writes = w.gh.requests.filter((r) => r.method !== "GET").length;
    await w.run();
    expect(JSON.stringify(w.latest.incidents)).toBe(snapshot);
    expect(w.gh.requests.filter((r) => r.method !== "GET").length).toBe(writes);

    // It resolves as usual, and the resolve is sent.
    w.set("chatwoot", "up");
    await tick();
    await tick();
    expect(w.openIssues()).toEqual([]);
    expect(slackTitles().at(-1)).toBe("P0 incident resolved");
    expect(w.latest.incidents["service:chatwoot"]!.ackedBy).toBe("alice");
  });

  it("a human assigned acknowledges; the logins the escalation assigned do not", async () => {
    w = await createWorld(
      {
        incidents: {
          escalation: [
            { after: "30m", level: 2, name: "Engineering Lead", severities: ["P0", "P1", "P2"], assign: ["lead"] },
          ],
        },
      },
      { slaDefaults: true },
    );
    w.set("agent-sdk", "down", "timeout"); // medium → P2: respond within 1 h, no reminder cadence
    await tick(); // 16:05
    const [issue] = w.openIssues();
    for (let i = 0; i < 6; i++) await tick(5); // 16:35: Level 2 by duration, "lead" assigned by it
    expect(w.gh.state.issues.get(issue!.number)!.assignees).toEqual(["lead"]);
    await tick(5);
    expect(w.latest.incidents["service:agent-sdk"]!.ackedAt).toBeUndefined();
    expect(slackTitles()).toEqual(["P2 incident opened", "P2 incident escalated"]); // P2: no reminders
    w.gh.state.issues.get(issue!.number)!.assignees.push("bob");
    await tick(5); // 16:45
    const state = w.latest.incidents["service:agent-sdk"]!;
    expect([state.ackedBy, state.ackedAt]).toEqual(["bob", "2026-11-22T16:45:00.000Z"]);
    expect(state.responseEscalated).toBeUndefined();
    // Past the 1 h response SLA, acknowledged in time: nothing more.
    for (let i = 0; i < 6; i++) await tick(5);
    expect(slackTitles()).toEqual(["P2 incident opened", "P2 incident escalated"]);
  });

  it("with no level left, a missed response SLA is still commented once; reminders follow the configured cadence", async () => {
    w = await createWorld(
      { incidents: { escalation: [], sla: { P2: { respond: "10m", resolve: "1h", remindEvery: "20m" } } } },
      { slaDefaults: true },
    );
    w.set("agent-sdk", "down", "timeout");
    await tick(); // 16:05
    const [issue] = w.openIssues();
    await tick(5);
    await tick(5); // 16:15: 10 min
    expect(w.commentsOf(issue!.number).filter((c) => c.startsWith("⏱️"))).toEqual([
      expect.stringMatching(/^⏱️ Not acknowledged within the P2 response SLA \(10 min\)\./),
    ]);
    for (let i = 0; i < 6; i++) await tick(5); // 16:45
    expect(w.commentsOf(issue!.number).filter((c) => c.startsWith("⏱️"))).toHaveLength(1);
    // Reminders at 16:25 and 16:45 (every 20 min from the opening), to the P2 route.
    expect(slackTitles()).toEqual([
      "P2 incident opened",
      "P2 incident still unacknowledged",
      "P2 incident still unacknowledged",
    ]);
  });
});
