import { describe, expect, it } from "vitest";
import { createWorld, type World, worldPerTest } from "./harness.ts";

/**
 * One outage, one page: failures behind a down dependency (`dependsOn`) or in a down group are
 * attributed to it — recorded truthfully, listed on its issue, no issue or page of their own —
 * and get their own incident only when they outlast it. Replayed run by run.
 */
let w: World;
const { tick } = worldPerTest(() => w);
const http = (
  id: string,
  criticality: "critical" | "high" | "medium" | "low",
  more: { dependsOn?: string[] } = {},
) => ({
  id,
  name: id,
  environment: "production" as const,
  criticality,
  probe: { type: "http" as const, url: `https://${id}.example.test/` },
  ...more,
});

describe("dependencies and groups", () => {
  it("a down dependency is one incident listing its dependents; a dependent outlasting it gets its own", async () => {
    w = await createWorld({
      services: [
        http("supabase", "medium"),
        http("chatwoot", "critical", { dependsOn: ["supabase"] }),
        http("agent-sdk", "high", { dependsOn: ["api"] }),
        http("api", "medium", { dependsOn: ["supabase"] }),
      ],
    });
    for (const id of ["supabase", "chatwoot", "agent-sdk", "api"]) w.set(id, "down", "refused");
    await tick(); // 16:05
    // One issue, for the root cause, paged as loud as the worst behind it (chatwoot is critical: P0).
    const open = w.openIssues();
    expect(open.map((i) => i.labels.find((l) => l.startsWith("service:")))).toEqual(["service:supabase"]);
    expect(open[0]!.labels).toContain("severity:P0");
    expect(open[0]!.body).toContain("affecting: agent-sdk, api, chatwoot");
    expect(w.pagerduty.received).toHaveLength(1);
    expect(w.slack.received).toHaveLength(1);
    // History stays truthful: the dependents are down, and their reason says why.
    expect(w.latest.services.chatwoot).toMatchObject({
      status: "down",
      causedBy: "supabase",
      reason: "down (caused by supabase); own check: refused",
    });
    expect(w.latest.services["agent-sdk"]).toMatchObject({ status: "down", causedBy: "supabase" }); // through api
    expect(Object.keys(w.latest.incidents)).toEqual(["service:supabase"]);

    // supabase recovers; chatwoot is still down: it is its own outage now, with its own incident.
    w.set("supabase", "up");
    w.set("api", "up");
    w.set("agent-sdk", "up");
    await tick(); // 16:10
    expect(w.latest.services.chatwoot!.causedBy).toBeUndefined();
    expect(
      w
        .openIssues()
        .map((i) => i.labels.find((l) => l.startsWith("service:")))
        .sort(),
    ).toEqual(["service:chatwoot", "service:supabase"]);
    await tick();
    // The dependency's resolve is sent (never held back).
    expect(w.latest.incidents["service:supabase"]!.state).toBe("closed");
    expect(w.pagerduty.received.map((m) => `${m.body.event_action}:${m.body.dedup_key}`)).toEqual([
      "trigger:service:supabase",
      "trigger:service:chatwoot",
      "resolve:service:supabase",
    ]);
  });

  it("an incident already open when its dependency goes down goes on, and resolves as usual", async () => {
    w = await createWorld({
      services: [http("supabase", "medium"), http("chatwoot", "critical", { dependsOn: ["supabase"] })],
    });
    w.set("chatwoot", "down", "502");
    await tick();
    w.set("supabase", "down", "refused");
    await tick();
    expect(w.openIssues()).toHaveLength(2);
    expect(w.commentsOf(w.latest.incidents["service:supabase"]!.number!)).toEqual([]);
    w.set("supabase", "up");
    w.set("chatwoot", "up");
    await tick();
    await tick();
    expect(w.openIssues()).toEqual([]);
    expect(w.pagerduty.received.filter((m) => m.body.event_action === "resolve")).toHaveLength(2);
  });

  it("members fold into their down group: one group issue listing them, no member issues", async () => {
    w = await createWorld({
      services: [http("mcp-1", "high"), http("mcp-2", "high"), http("mcp-3", "high"), http("mcp-4", "high")],
      groups: [
        {
          id: "mcp",
          name: "MCP servers",
          criticality: "high",
          members: ["mcp-1", "mcp-2", "mcp-3", "mcp-4"],
          quorum: { green: 4, yellow: 2 },
        },
      ],
    });
    for (const id of ["mcp-1", "mcp-2", "mcp-3"]) w.set(id, "down", "timeout");
    await tick();
    const open = w.openIssues();
    expect(open.map((i) => i.labels.find((l) => l.startsWith("group:")))).toEqual(["group:mcp"]);
    expect(open[0]!.body).toContain("affecting: mcp-1, mcp-2, mcp-3");
    expect(w.slack.received).toHaveLength(1);
    // A fourth member down later is named on the group's issue.
    w.set("mcp-4", "down", "timeout");
    await tick();
    expect(w.commentsOf(open[0]!.number).at(-1)).toMatch(/^📈 .*also affecting mcp-4/);
    expect(w.openIssues()).toHaveLength(1);
    expect(w.slack.received).toHaveLength(1);
  });
});
