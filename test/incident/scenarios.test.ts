import { describe, expect, it } from "vitest";
import { createWorld, MIN, type World, worldPerTest } from "./harness.ts";

let w: World;
const { tick } = worldPerTest(() => w);

describe("incident lifecycle scenarios", () => {
  it("flapping within tolerance opens no issue", async () => {
    w = await createWorld({ incidents: { degradedAfter: "15m", openAfter: 2 } });
    for (let i = 0; i < 6; i++) {
      w.set("chatwoot", i % 2 ? "up" : "degraded", "p95 2600 ms above 2 s");
      await tick(5);
    }
    // A single confirmed-down run, then healthy again, stays under openAfter: 2.
    w.set("chatwoot", "down", "refused");
    await tick(5);
    w.set("chatwoot", "up");
    await tick(5);
    expect(w.gh.state.issues.size).toBe(0);
    expect(w.slack.received).toEqual([]);
    // Degraded for longer than degradedAfter does open one, at P1 for a critical service.
    w.set("chatwoot", "degraded", "p95 2600 ms above 2 s");
    for (let i = 0; i < 3; i++) await tick(5); // seen degraded at +5, 10 min so far
    expect(w.gh.state.issues.size).toBe(0);
    await tick(5); // degraded for 15 min now
    expect(w.openIssues().map((i) => i.labels.find((l) => l.startsWith("severity:")))).toEqual(["severity:P1"]);
  });

  it("a flap after recovery reopens the same issue; a failure after the flap window opens a new one", async () => {
    w = await createWorld({ incidents: { flapWindow: "30m" } });
    w.set("agent-sdk", "down", "timeout (connect)");
    await tick();
    const [first] = w.openIssues();
    expect(first!.labels).toContain("severity:P2");
    w.set("agent-sdk", "up");
    await tick();
    await tick();
    expect(w.openIssues()).toEqual([]);
    w.set("agent-sdk", "down", "timeout (connect)");
    const again = await tick(10);
    expect(again.operations.map((o) => o.op)).toEqual(["reopen", "comment", "update", "record"]);
    expect(w.openIssues().map((i) => i.number)).toEqual([first!.number]);
    expect(w.gh.state.issues.get(first!.number)!.stateReason).toBe("reopened");
    expect(w.commentsOf(first!.number).at(-1)).toMatch(/^🔁 Failing again 10 min after it was closed: down/);
    // P2 goes to the alerts channel only: open, reopen.
    expect(w.slack.received.map((m) => m.path.replace(/.*\/(\w+)-s3cr3t-path$/, "$1"))).toEqual([
      "alerts",
      "alerts",
      "alerts",
    ]);
    expect(w.slack.received.map((m) => m.body.text.split("*")[1])).toEqual([
      "P2 incident opened",
      "P2 incident resolved",
      "P2 incident opened",
    ]);
    expect(w.pagerduty.received).toEqual([]);

    w.set("agent-sdk", "up");
    await tick();
    await tick();
    w.clock.advance(2 * 60 * MIN);
    w.set("agent-sdk", "down", "refused");
    await tick();
    expect(w.openIssues().map((i) => i.number)).toEqual([first!.number + 1]);
  });

  it("two runs at once against the same state still leave one open issue", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    w.clock.advance(5 * MIN);
    const [a, b] = await Promise.all([w.run(), w.run()]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    const open = w.openIssues();
    expect(open).toHaveLength(1);
    expect(a.latest.incidents["service:chatwoot"]!.number).toBe(open[0]!.number);
    expect(b.latest.incidents["service:chatwoot"]!.number).toBe(open[0]!.number);
    // Both saw no issue and both created one: the race really happened.
    expect(w.gh.requests.filter((q) => q.operationId === "issues/create")).toHaveLength(2);
    // Whichever run lost the race closed its issue as a duplicate and did not announce it.
    const closed = [...w.gh.state.issues.values()].filter((i) => i.state === "closed");
    expect(closed.map((c) => c.stateReason)).toEqual(["not_planned"]);
    expect(w.commentsOf(closed[0]!.number)).toEqual([
      expect.stringMatching(/^Duplicate of #\d+ \(opened by a concurrent run\)/),
    ]);
    expect(w.pagerduty.received).toHaveLength(1);
    await tick();
    expect(w.openIssues()).toHaveLength(1);
  });

  it("a maintenance window holds the incident; if still down after it, the next run opens one", async () => {
    w = await createWorld({
      maintenance: [
        {
          services: ["chatwoot"],
          start: "2026-11-22T16:00:00Z",
          end: "2026-11-22T16:30:00Z",
          reason: "Postgres upgrade",
        },
      ],
    });
    w.set("chatwoot", "down", "refused");
    for (let i = 0; i < 5; i++) await tick();
    expect(w.gh.state.issues.size).toBe(0);
    await tick(); // 16:30, the window has ended
    expect(w.openIssues()).toHaveLength(1);
  });

  it("a window announced in an open `maintenance` issue is honoured too", async () => {
    w = await createWorld();
    const at = w.clock.now().toISOString();
    w.gh.state.issues.set(1, {
      number: 1,
      id: 1,
      title: "Chatwoot upgrade",
      state: "open",
      stateReason: null,
      labels: ["maintenance"],
      assignees: [],
      user: "ops-human",
      body: "services: chatwoot\nstart: 2026-11-22T15:55:00Z\nend: 2026-11-22T16:20:00Z",
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      deleted: false,
    });
    w.set("chatwoot", "down", "refused");
    for (let i = 0; i < 3; i++) await tick();
    expect(w.openIssues().map((i) => i.number)).toEqual([1]);
    await tick(); // 16:20
    expect(w.openIssues().map((i) => i.number)).toEqual([1, 2]);
  });

  it("respects a human closing the issue: no reopening while still down, reopened only after recovery and a new failure", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    await tick();
    const [issue] = w.openIssues();
    const stored = w.gh.state.issues.get(issue!.number)!;
    Object.assign(stored, { state: "closed", stateReason: "not_planned", closedAt: w.clock.now().toISOString() });
    for (let i = 0; i < 3; i++) await tick();
    expect(stored.state).toBe("closed");
    expect(w.latest.incidents["service:chatwoot"]).toMatchObject({
      state: "closed",
      closedBy: "human",
      awaitingRecovery: true,
    });
    w.set("chatwoot", "up");
    await tick();
    expect(stored.state).toBe("closed");
    w.set("chatwoot", "down", "refused");
    await tick();
    expect(w.openIssues().map((i) => i.number)).toEqual([issue!.number]);
  });

  it("escalation mentions and assigns the configured people", async () => {
    w = await createWorld({
      incidents: {
        escalation: [
          { after: "30m", level: 2, name: "Engineering Lead", mention: ["lead-login"], assign: ["lead-login"] },
        ],
      },
    });
    w.set("chatwoot", "down", "refused");
    await tick();
    for (let i = 0; i < 6; i++) await tick();
    const issue = w.gh.state.issues.get(1)!;
    expect(issue.assignees).toEqual(["lead-login"]);
    expect(w.commentsOf(1).filter((c) => c.includes("Escalated"))).toEqual([
      expect.stringMatching(/Level 2 \(Engineering Lead\): P0 unresolved for 30 min\. @lead-login/),
    ]);
  });

  it("an issue a human reopens after recovery is left open; a new failure continues it", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    await tick();
    w.set("chatwoot", "up");
    await tick();
    await tick();
    const stored = w.gh.state.issues.get(1)!;
    expect(stored.state).toBe("closed");
    Object.assign(stored, { state: "open", stateReason: "reopened", closedAt: null });
    const comments = w.commentsOf(1).length;
    for (let i = 0; i < 3; i++) await tick();
    expect(stored.state).toBe("open");
    expect(w.commentsOf(1)).toHaveLength(comments);
    w.set("chatwoot", "down", "refused");
    await tick();
    expect(w.openIssues().map((i) => i.number)).toEqual([1]);
    expect(w.latest.incidents["service:chatwoot"]).toMatchObject({ state: "open", number: 1 });
  });

  it("an issue deleted by hand is recreated only while the service is still down", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    w.set("agent-sdk", "down", "refused");
    await tick();
    const byKey = (k: string) => w.latest.incidents[k]!.number!;
    const chat = byKey("service:chatwoot");
    const agent = byKey("service:agent-sdk");
    w.gh.state.issues.get(chat)!.deleted = true;
    w.gh.state.issues.get(agent)!.deleted = true;
    w.set("agent-sdk", "up");
    await tick();
    const open = w.openIssues();
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toBe("Incident: Chatwoot (production) down");
    expect(open[0]!.number).not.toBe(chat);
  });

  it("a lost latest.json is rebuilt from the open issues without a second issue", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    await tick();
    const number = w.latest.incidents["service:chatwoot"]!.number;
    w.latest = { ...w.latest, incidents: {} };
    const r = await tick();
    expect(r.operations.filter((o) => o.op === "create")).toEqual([]);
    expect(w.latest.incidents["service:chatwoot"]).toMatchObject({ number, state: "open", severity: "P0" });
    expect(w.gh.state.issues.size).toBe(1);
    expect(w.pagerduty.received).toHaveLength(1);
  });

  it("a group losing its quorum is one incident, with a timeline comment when the quorum changes", async () => {
    w = await createWorld();
    const members = (down: number) =>
      Object.fromEntries(
        Array.from({ length: 7 }, (_, i) => [`mcp-${i + 1}`, i < down ? ("down" as const) : ("up" as const)]),
      );
    const group = (down: number) => {
      const at = w.clock.now().toISOString();
      const previous = w.latest.groups.mcp;
      const status = 7 - down >= 5 ? "up" : "down";
      w.latest.groups.mcp = {
        id: "mcp",
        name: "MCP servers",
        environment: "shared",
        criticality: "high",
        status,
        reason: status === "down" ? `quorum lost: ${7 - down}/7 operational` : "",
        since: previous?.status === status ? previous.since : at,
        checkedAt: at,
        operational: 7 - down,
        total: 7,
        members: members(down),
      };
    };
    w.clock.advance(5 * MIN);
    group(3);
    await w.run();
    const [issue] = w.openIssues();
    expect(issue!.labels.sort()).toEqual(["env:shared", "group:mcp", "incident", "severity:P1"]);
    expect(issue!.body).toContain("quorum: 4/7 operational; down: mcp-1, mcp-2, mcp-3");
    w.clock.advance(5 * MIN);
    group(4);
    await w.run();
    expect(w.commentsOf(issue!.number)).toEqual([
      expect.stringMatching(
        /^📈 quorum fell to 3 operational\. quorum: 3\/7 operational; down: mcp-1, mcp-2, mcp-3, mcp-4/,
      ),
    ]);
    // Swinging back and forth comments only on a new low.
    for (const down of [3, 4, 3, 5]) {
      w.clock.advance(5 * MIN);
      group(down);
      await w.run();
    }
    expect(w.commentsOf(issue!.number).map((c) => c.split(".")[0])).toEqual([
      "📈 quorum fell to 3 operational",
      "📈 quorum fell to 2 operational",
    ]);
    for (let i = 0; i < 2; i++) {
      w.clock.advance(5 * MIN);
      group(0);
      await w.run();
    }
    expect(w.openIssues()).toEqual([]);
  });
});
