import { describe, expect, it } from "vitest";
import { Incidents } from "../shared/config/schema/incidents.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { decide, isFailing } from "./lifecycle.ts";
import { SEVERITY_TABLE, severityFor } from "./severity.ts";
import type { Subject } from "./subjects.ts";

/** SLAs that never fire here: these cases test the duration levels (the SLA cases pass their own). */
const NO_SLA = Object.fromEntries(
  (["P0", "P1", "P2", "P3"] as const).map((p) => [p, { respond: "30d", resolve: "30d" }]),
);
const config = Incidents.parse({ sla: NO_SLA });
const at = (hhmm: string) => new Date(`2026-11-22T${hhmm}:00.000Z`);
const subject = (over: Partial<Subject> = {}): Subject => ({
  key: "service:shop",
  kind: "service",
  id: "shop",
  name: "Shopify Admin API",
  environment: "production",
  criticality: "critical",
  status: "down",
  reason: "refused",
  since: at("16:00").toISOString(),
  consecutiveFailures: 1,
  evidence: "reason: refused",
  ...over,
});
const open = (over: Partial<IncidentState> = {}): IncidentState => ({
  key: "service:shop",
  kind: "service",
  subject: "shop",
  number: 7,
  state: "open",
  severity: "P0",
  status: "down",
  openedAt: at("16:00").toISOString(),
  startedAt: at("16:00").toISOString(),
  escalationLevel: 1,
  goodRuns: 0,
  notified: [`open-${at("16:00").toISOString()}`],
  timeline: [],
  evidence: {},
  record: "incidents/2026-11-22-shop-down-refused.md",
  ...over,
});

describe("severity from criticality × status", () => {
  it("follows the runbooks' table and opens nothing for up, unknown or maintenance", () => {
    expect(Object.fromEntries(Object.entries(SEVERITY_TABLE).map(([c, r]) => [c, `${r.down}/${r.degraded}`]))).toEqual({
      critical: "P0/P1",
      high: "P1/P2",
      medium: "P2/P3",
      low: "P3/P3",
    });
    for (const s of ["up", "unknown", "maintenance"] as const) expect(severityFor("critical", s)).toBeNull();
  });
});

describe("decide", () => {
  it("treats degraded as failing only once it has lasted degradedAfter (15 min by default)", () => {
    const s = subject({ status: "degraded" });
    expect(isFailing(s, config, at("16:14"))).toBe(false);
    expect(isFailing(s, config, at("16:15"))).toBe(true);
    expect(isFailing({ ...s, maintenance: "upgrade" }, config, at("17:00"))).toBe(false);
  });

  it("escalates a P0 at 30 and 60 minutes only, with mentions and assignees from the config", () => {
    const c = Incidents.parse({
      sla: NO_SLA,
      escalation: [
        { after: "30m", level: 2, name: "Engineering Lead", mention: ["lead"], assign: ["lead"] },
        { after: "1h", level: 3, name: "Manager", mention: ["@boss"] },
      ],
    });
    const steps = (t: string, prev = open()) => decide([subject()], { "service:shop": prev }, c, at(t))[0]!.steps;
    expect(steps("16:29")).toEqual([]);
    // The issue body's Timeline gains the escalation as it happens (issue 11): a body sync follows the comment.
    expect(steps("16:30").map((s) => s.do)).toEqual(["comment", "sync-issue", "assign", "record", "notify"]);
    expect(steps("16:30")[0]).toMatchObject({ id: "escalation-2", text: expect.stringContaining("@lead") });
    expect(steps("17:00", open({ escalationLevel: 2 }))[0]).toMatchObject({
      id: "escalation-3",
      text: expect.stringContaining("@boss"),
    });
    // Skipping a level (a run missed) goes straight to the highest one due.
    expect(steps("17:10")[0]).toMatchObject({ id: "escalation-3" });
    // P1 incidents are not escalated by the default levels.
    expect(
      decide(
        [subject({ status: "degraded" })],
        { "service:shop": open({ severity: "P1", status: "degraded" }) },
        config,
        at("18:00"),
      )[0]!.steps.map((s) => s.do),
    ).toEqual(["comment"]);
  });

  it("holds an open incident while the status is unknown or under maintenance", () => {
    expect(decide([subject({ status: "unknown" })], { "service:shop": open() }, config, at("19:00"))).toEqual([]);
    expect(decide([subject({ maintenance: "window" })], { "service:shop": open() }, config, at("19:00"))).toEqual([]);
  });

  it("closes after closeAfter good runs and measures the duration from the failure to the recovery", () => {
    const up = subject({ status: "up", since: at("16:47").toISOString() });
    const first = decide([up], { "service:shop": open() }, config, at("16:47"))[0]!;
    expect(first.steps).toEqual([]);
    expect(first.next).toMatchObject({ goodRuns: 1, recoveredAt: at("16:47").toISOString(), state: "open" });
    const second = decide([up], { "service:shop": first.next }, config, at("16:52"))[0]!;
    expect(second.next).toMatchObject({ state: "closed", closedBy: "automation", closedAt: at("16:52").toISOString() });
    expect(second.steps.map((s) => s.do)).toEqual(["comment", "sync-issue", "close", "record", "notify"]);
    expect(second.steps[0]).toMatchObject({ text: expect.stringMatching(/^✅ Resolved after 47 min/) });
    // A failure between good runs starts the count again.
    const relapse = decide([subject()], { "service:shop": first.next }, config, at("16:52"))[0]!;
    expect(relapse.next).toMatchObject({ goodRuns: 0, recoveredAt: undefined, state: "open" });
  });

  it("comments once when a service swings between degraded and down", () => {
    let state = open({ severity: "P1", status: "degraded", evidence: { worst: "degraded" } });
    const texts: string[] = [];
    ["down", "degraded", "down", "degraded", "down"].forEach((status, i) => {
      const plan = decide(
        [subject({ status: status as "down" | "degraded" })],
        { "service:shop": state },
        config,
        at(`16:1${i}`),
      )[0]!;
      texts.push(...plan.steps.flatMap((x) => (x.do === "comment" ? [x.text] : [])));
      state = plan.next;
    });
    expect(texts).toEqual([expect.stringMatching(/^📈 degraded → down; severity raised P1 → P0/)]);
  });

  it("notes a raised severity and a worse status on the timeline", () => {
    const plan = decide(
      [subject()],
      { "service:shop": open({ severity: "P1", status: "degraded" }) },
      config,
      at("16:10"),
    )[0]!;
    expect(plan.next.severity).toBe("P0");
    expect(plan.steps[0]).toMatchObject({
      do: "comment",
      text: expect.stringContaining("degraded → down; severity raised P1 → P0"),
    });
    expect(plan.steps.map((s) => s.do)).toContain("sync-issue");
  });

  it("a run decided already changes nothing: the same run time again counts no good run, comments and closes nothing", () => {
    const up = subject({ status: "up", since: at("16:47").toISOString() });
    const first = decide([up], { "service:shop": open() }, config, at("16:47"))[0]!;
    expect(first.next).toMatchObject({ goodRuns: 1, lastRunAt: at("16:47").toISOString() });
    // The incident step again on the same stored state (ops incidents, the action): no plan at all.
    expect(decide([up], { "service:shop": first.next }, config, at("16:47"))).toEqual([]);
    // The run is named by its run time, also when the step runs later by the wall clock.
    expect(decide([up], { "service:shop": first.next }, config, at("16:58"), at("16:47"))).toEqual([]);
    // Failing runs likewise: no reminder, no escalation twice.
    const failing = decide([subject()], { "service:shop": open() }, config, at("17:00"))[0]!;
    expect(failing.steps.map((x) => x.do)).toContain("comment");
    expect(decide([subject()], { "service:shop": failing.next }, config, at("17:00"))).toEqual([]);
    // Only what an interrupted attempt left undone is redone: the issue a failed create did not make.
    const unfinished = decide(
      [subject()],
      { "service:shop": { ...failing.next, number: undefined } },
      config,
      at("17:00"),
    )[0]!;
    expect(unfinished.steps.map((x) => x.do)).toEqual(["ensure-issue"]);
  });

  it("closes only after closeAfter good runs and closeAfterTime since the recovery (two dispatches a minute apart do not)", () => {
    const up = subject({ status: "up", since: at("16:47").toISOString() });
    const first = decide([up], { "service:shop": open() }, config, at("16:47"))[0]!;
    const dispatch = decide([up], { "service:shop": first.next }, config, at("16:48"))[0]!;
    expect(dispatch.next).toMatchObject({ state: "open", goodRuns: 2 });
    expect(dispatch.steps).toEqual([]);
    const scheduled = decide([up], { "service:shop": dispatch.next }, config, at("16:52"))[0]!;
    expect(scheduled.next).toMatchObject({ state: "closed", goodRuns: 3 });
    const strict = Incidents.parse({ closeAfterTime: "10m" });
    expect(decide([up], { "service:shop": dispatch.next }, strict, at("16:52"))[0]!.next.state).toBe("open");
    expect(decide([up], { "service:shop": dispatch.next }, strict, at("16:57"))[0]!.next.state).toBe("closed");
  });

  it("a reopened incident reports the time it was down, not the wall time since the first failure", () => {
    // Down 16:00–16:10, closed 16:15; down again 16:25–16:35, recovered; closed at 16:40.
    let state = open();
    const step = (s: Subject, hhmm: string) => {
      const plan = decide([s], { "service:shop": state }, config, at(hhmm))[0];
      if (plan) state = plan.next;
      return plan;
    };
    step(subject({ status: "up", since: at("16:10").toISOString() }), "16:10");
    step(subject({ status: "up", since: at("16:10").toISOString() }), "16:15");
    expect(state).toMatchObject({
      state: "closed",
      episodes: [{ start: at("16:00").toISOString(), end: at("16:10").toISOString() }],
    });
    const reopen = step(subject({ since: at("16:25").toISOString() }), "16:25")!;
    expect(reopen.steps.map((x) => x.do)).toContain("reopen");
    step(subject({ status: "up", since: at("16:35").toISOString() }), "16:35");
    const close = step(subject({ status: "up", since: at("16:35").toISOString() }), "16:40")!;
    expect(close.next.state).toBe("closed");
    expect(close.steps[0]).toMatchObject({
      text: expect.stringMatching(/^✅ Resolved: down 20 min in 2 episodes over 35 min; 2 consecutive good runs/),
    });
  });
});
