import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runReports } from "../../actions/report/step.ts";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { syntheticConfig, syntheticLatest } from "../../scripts/bench/synthetic.ts";
import { createWorld, MIN, type World } from "./harness.ts";

/** Silences: notifications stop, the issue work goes on, and they end by themselves. */
let w: World | undefined;
let dir = "";
afterEach(async () => {
  if (w) {
    const violations = w.gh.violations.splice(0);
    await w.close();
    w = undefined;
    expect(violations).toEqual([]);
  }
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = "";
});

const tick = async (world: World, minutes = 5) => {
  world.clock.advance(minutes * MIN);
  const r = await world.run();
  expect(r.errors).toEqual([]);
  return r;
};
const slackTitles = (world: World) => world.slack.received.map((m) => String(m.body.text).split("*")[1]);

describe("silences", () => {
  it("a writer's /silence holds escalation and reminders while the issue work goes on; it ends by itself; resolves are sent", async () => {
    const world = (w = await createWorld({}, { slaDefaults: true }));
    world.gh.state.collaborators.set("alice", "write").set("rita", "read");
    world.set("chatwoot", "down", "refused");
    await tick(world); // 16:05 opened, P0, notified
    const [issue] = world.openIssues();
    const post = (user: string, body: string) => {
      const at = world.clock.now().toISOString();
      world.gh.state.comments.push({
        id: world.gh.state.nextId(),
        issue: issue!.number,
        body,
        user,
        createdAt: at,
        updatedAt: at,
      });
    };
    post("rita", "/silence 8h not yours to silence");
    post("alice", "/silence 1h known: upstream deploy");
    const r = await tick(world); // 16:10: the response SLA escalates — on the issue, not to anyone's phone
    expect(r.notifications).toEqual([
      expect.objectContaining({
        event: "escalation",
        deliveries: [],
        silenced: expect.stringContaining("known: upstream deploy (by alice, until 2026-11-22T17:05:00.000Z)"),
      }),
    ]);
    expect(world.commentsOf(issue!.number).at(-1)).toMatch(/^🚨 Escalated to Level 2/);
    expect(world.latest.incidents["service:chatwoot"]!.silence).toEqual({
      until: "2026-11-22T17:05:00.000Z",
      by: "alice",
      reason: "known: upstream deploy",
    });
    for (let i = 0; i < 10; i++) await tick(world); // to 17:00: reminders at 16:20, 16:35, 16:50 are held
    expect(slackTitles(world)).toEqual(["P0 incident opened"]);
    expect(world.pagerduty.received).toHaveLength(1);
    // Ended at 17:05, when Level 3 (1 h failing) is due: that escalation is sent; the held Level 2
    // and reminders are not replayed.
    await tick(world); // 17:05
    expect(world.latest.incidents["service:chatwoot"]!.silence).toBeUndefined();
    expect(slackTitles(world)).toEqual(["P0 incident opened", "P0 incident escalated"]);
    expect(world.commentsOf(issue!.number).at(-1)).toMatch(/^🚨 Escalated to Level 3/);

    // A new silence, then the recovery: the resolve is still sent.
    post("alice", "/silence 2h");
    world.set("chatwoot", "up");
    await tick(world);
    await tick(world);
    expect(world.openIssues()).toEqual([]);
    expect(slackTitles(world).at(-1)).toBe("P0 incident resolved");
    expect(world.pagerduty.received.at(-1)!.body.event_action).toBe("resolve");
  });

  it("a config silence opens and records the incident but sends nothing until it ends", async () => {
    const world = (w = await createWorld({
      silences: [{ services: ["agent-sdk"], until: "2026-11-22T16:30:00Z", reason: "Agent SDK migration" }],
    }));
    world.set("agent-sdk", "down", "timeout");
    const r = await tick(world); // 16:05
    expect(world.openIssues()).toHaveLength(1);
    expect(world.latest.incidents["service:agent-sdk"]!.record).toMatch(/^incidents\//);
    expect(r.notifications.map((n) => [n.event, n.deliveries, n.silenced])).toEqual([
      ["open", [], "Agent SDK migration (by config, until 2026-11-22T16:30:00.000Z)"],
    ]);
    expect(world.slack.received).toEqual([]);
    // The open counts as sent: the silence's end does not page for it afterwards.
    for (let i = 0; i < 6; i++) await tick(world);
    expect(world.slack.received).toEqual([]);
  });

  it("STATUS.md lists the silences in force, and no section when there are none", async () => {
    dir = await mkdtemp(join(tmpdir(), "silences-"));
    const now = "2026-11-22T16:00:00Z";
    const base = syntheticConfig(2);
    const config = OpsConfig.parse({
      ...base,
      silences: [
        { services: ["svc-00"], until: "2026-11-22T18:00:00Z", reason: "vendor <b>maintenance</b>" },
        { services: ["svc-01"], until: "2026-11-22T15:00:00Z", reason: "over already" },
      ],
    });
    const latest = syntheticLatest(config, now);
    latest.incidents["service:svc-01"] = {
      key: "service:svc-01",
      kind: "service",
      subject: "svc-01",
      number: 4,
      state: "open",
      severity: "P2",
      status: "down",
      openedAt: "2026-11-22T15:50:00Z",
      escalationLevel: 1,
      goodRuns: 0,
      notified: [],
      timeline: [],
      evidence: {},
      silence: { until: "2026-11-22T17:00:00.000Z", by: "alice", reason: "on it" },
    };
    const silent = { info: () => {}, warn: () => {} };
    await runReports({ config, latest, dataDir: dir, clock: manualClock(now), log: silent });
    const status = await readFile(join(dir, "reports/STATUS.md"), "utf8");
    const section = status.slice(status.indexOf("## Silences"), status.indexOf("## Error budgets"));
    expect(section.split("\n").filter((l) => l.startsWith("- "))).toEqual([
      "- 🔕 Service 01 (#4): notifications silenced until 2026-11-22 17:00 UTC by alice (on it)",
      "- 🔕 svc-00: notifications silenced until 2026-11-22 18:00 UTC by config (vendor &lt;b&gt;maintenance&lt;/b&gt;)",
    ]);
    await runReports({
      config: OpsConfig.parse(base),
      latest: syntheticLatest(config, now),
      dataDir: dir,
      clock: manualClock(now),
      log: silent,
    });
    expect(await readFile(join(dir, "reports/STATUS.md"), "utf8")).not.toContain("## Silences");
  });
});
