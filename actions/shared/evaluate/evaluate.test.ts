import { describe, expect, it } from "vitest";
import { OpsConfig, type OpsConfigInput } from "../config/schema/index.ts";
import type { ProbeResult } from "../probe/result.ts";
import type { Latest } from "../store/latest-schema.ts";
import { evaluate } from "./index.ts";

const T0 = new Date("2026-11-22T10:00:00Z");
const min = (n: number) => new Date(T0.getTime() + n * 60_000);

function config(extra: Partial<OpsConfigInput> = {}) {
  return OpsConfig.parse({
    services: [
      {
        id: "chatwoot",
        name: "Chatwoot",
        criticality: "critical",
        probe: { type: "http", url: "http://127.0.0.1:1/api" },
        thresholds: { latency: { yellow: "800ms", red: "2s" } },
      },
      {
        id: "queue",
        name: "Approval queue",
        probe: { type: "postgres", url: "${DB}", query: "SELECT 1" },
        thresholds: { value: { yellow: 40, red: 50, direction: "above", for: "5m" } },
      },
      ...["m1", "m2", "m3", "m4", "m5", "m6", "m7"].map((id) => ({
        id,
        name: id,
        probe: { type: "mcp" as const, url: `http://127.0.0.1:1/${id}` },
      })),
    ],
    groups: [
      {
        id: "mcp",
        name: "MCP servers",
        members: ["m1", "m2", "m3", "m4", "m5", "m6", "m7"],
        quorum: { green: 6, yellow: 5 },
      },
    ],
    ...extra,
  });
}

function result(
  serviceId: string,
  p: { ok?: number; n?: number; p95?: number; value?: number; inconclusive?: boolean } = {},
): ProbeResult {
  const n = p.n ?? 3;
  const ok = p.ok ?? n;
  return {
    serviceId,
    type: "http",
    startedAt: T0.toISOString(),
    durationMs: 10,
    attempts: 1,
    samples: [],
    metrics: {
      successRate: (ok / n) * 100,
      okCount: ok,
      count: n,
      p50: p.p95 ?? 100,
      p95: p.p95 ?? 100,
      statusCodes: [200],
      ...(p.value !== undefined && { value: p.value }),
      ...(ok < n && { lastFailure: { kind: "status", expected: "2xx", found: 503 } }),
    },
    ...(p.inconclusive && { inconclusive: { kind: "missing-secret", name: "SHOPIFY_TOKEN" } }),
  };
}

const allUp = (cfg: OpsConfig, overrides: ProbeResult[] = []) => {
  const byId = new Map(overrides.map((r) => [r.serviceId, r]));
  return cfg.services.map((s) => byId.get(s.id) ?? result(s.id, s.id === "queue" ? { value: 3 } : {}));
};

function run(cfg: OpsConfig, at: Date, results: ProbeResult[], previous?: Latest, maintenance?: Set<string>) {
  return evaluate({
    config: cfg,
    results,
    now: at,
    run: { startedAt: at, finishedAt: at },
    ...(previous && { previous }),
    ...(maintenance && { maintenance }),
  });
}

describe("evaluate", () => {
  it("rates latency with the runbook's chatwoot bands (800 ms is yellow, 2 s is yellow, above is red)", () => {
    const cfg = config();
    const at = (p95: number) => run(cfg, T0, allUp(cfg, [result("chatwoot", { p95 })])).latest.services.chatwoot!;
    expect(at(799).status).toBe("up");
    expect(at(800)).toMatchObject({ status: "degraded", ratings: { latency: "yellow" } });
    expect(at(2000).ratings.latency).toBe("yellow");
    expect(at(2001)).toMatchObject({ status: "degraded", ratings: { latency: "red" } });
    expect(at(2001).reason).toContain("p95 2 s > 2 s");
  });

  it("rates success rate per the default bands: failing samples make the service down, with the failure as reason", () => {
    const cfg = config();
    const s = run(cfg, T0, allUp(cfg, [result("chatwoot", { ok: 1, n: 3 })])).latest.services.chatwoot!;
    expect(s.status).toBe("down");
    expect(s.ratings.successRate).toBe("red");
    expect(s.reason).toContain("unexpected status 503");
    // Yellow comes from the window across runs (issue 11): one run with one bad sample is noise,
    // the second run failing too makes 38/40 = 95 %, yellow.
    const once = run(cfg, min(0), allUp(cfg, [result("chatwoot", { ok: 19, n: 20 })])).latest;
    expect(once.services.chatwoot).toMatchObject({ status: "up", ratings: { successRate: "green" } });
    const y = run(cfg, min(5), allUp(cfg, [result("chatwoot", { ok: 19, n: 20 })]), once).latest.services.chatwoot!;
    expect(y).toMatchObject({ status: "degraded", ratings: { successRate: "yellow" } });
  });

  it("a missing secret makes only that service unknown", () => {
    const cfg = config();
    const { latest } = run(cfg, T0, allUp(cfg, [result("chatwoot", { n: 0, ok: 0, inconclusive: true })]));
    expect(latest.services.chatwoot).toMatchObject({ status: "unknown", reason: "missing secret SHOPIFY_TOKEN" });
    expect(latest.services.m1!.status).toBe("up");
  });

  it("keeps counters and `since` across runs, and reports transitions", () => {
    const cfg = config();
    const r1 = run(cfg, min(0), allUp(cfg));
    const r2 = run(cfg, min(5), allUp(cfg, [result("chatwoot", { ok: 0 })]), r1.latest);
    const r3 = run(cfg, min(10), allUp(cfg, [result("chatwoot", { ok: 0 })]), r2.latest);
    expect(r3.latest.services.chatwoot).toMatchObject({
      status: "down",
      since: min(5).toISOString(),
      consecutiveFailures: 2,
      consecutiveSuccesses: 0,
    });
    expect(r2.transitions).toContainEqual(expect.objectContaining({ id: "chatwoot", from: "up", to: "down" }));
    expect(r3.transitions.filter((t) => t.id === "chatwoot")).toEqual([]);
    const r4 = run(cfg, min(15), allUp(cfg), r3.latest);
    expect(r4.latest.services.chatwoot).toMatchObject({
      status: "up",
      since: min(15).toISOString(),
      consecutiveFailures: 0,
      consecutiveSuccesses: 1,
      lastDownAt: min(10).toISOString(),
    });
  });

  it("applies `for:` from timestamps, not run counts: a value breach counts only after 5 minutes", () => {
    const cfg = config();
    const q = (v: number) => [result("queue", { value: v })];
    const a = run(cfg, min(0), allUp(cfg, q(60)));
    expect(a.latest.services.queue).toMatchObject({ status: "up", breaches: { value: min(0).toISOString() } });
    expect(a.latest.services.queue!.reason).toContain("pending");
    // A late run (cron skipped) still measures from the breach start.
    const b = run(cfg, min(4), allUp(cfg, q(61)), a.latest);
    expect(b.latest.services.queue!.status).toBe("up");
    const c = run(cfg, min(6), allUp(cfg, q(62)), b.latest);
    expect(c.latest.services.queue).toMatchObject({ status: "degraded", ratings: { value: "red" } });
    const d = run(cfg, min(7), allUp(cfg, q(10)), c.latest);
    expect(d.latest.services.queue).toMatchObject({ status: "up", breaches: {} });
  });

  it("derives the MCP group from its quorum: 6/7 green, 5/7 yellow, fewer red", () => {
    const cfg = config();
    const down = (...ids: string[]) =>
      allUp(
        cfg,
        ids.map((id) => result(id, { ok: 0 })),
      );
    expect(run(cfg, T0, down("m1")).latest.groups.mcp).toMatchObject({ status: "up", operational: 6, total: 7 });
    expect(run(cfg, T0, down("m1", "m2")).latest.groups.mcp).toMatchObject({ status: "degraded", operational: 5 });
    const red = run(cfg, T0, down("m1", "m2", "m3")).latest.groups.mcp!;
    expect(red).toMatchObject({ status: "down", operational: 4 });
    expect(red.reason).toContain("m1 (down)");
  });

  it("maintenance: probes are still recorded, status is maintenance", () => {
    const cfg = config();
    const s = run(cfg, T0, allUp(cfg, [result("chatwoot", { ok: 0 })]), undefined, new Set(["chatwoot"])).latest
      .services.chatwoot!;
    expect(s.status).toBe("maintenance");
    expect(s.reason).toContain("measured: down");
    expect(s.metrics.okCount).toBe(0);
  });

  it("keeps services not probed this run and drops services no longer configured", () => {
    const cfg = config();
    const first = run(cfg, min(0), allUp(cfg)).latest;
    first.services.retired = { ...first.services.m1!, id: "retired" };
    // As a state rebuilt from history would be: ids only.
    first.services.m1 = { ...first.services.m1!, name: "m1-from-history", criticality: "unknown" };
    const second = run(cfg, min(5), [result("chatwoot", { ok: 0 })], first).latest;
    expect(second.services.m1!.checkedAt).toBe(min(0).toISOString());
    expect(second.services.m1).toMatchObject({ name: "m1", criticality: "medium" });
    expect(second.services.chatwoot!.status).toBe("down");
    expect(second.services.retired).toBeUndefined();
  });
});

describe("success rate: in the run and over a window (issue 11)", () => {
  const withAttempt = (r: ProbeResult, ok: number, n: number): ProbeResult => ({
    ...r,
    lastAttempt: { okCount: ok, count: n },
  });

  it("a run still below red after confirmation is down at once, and stays out of the window", () => {
    const cfg = config();
    const r = run(cfg, T0, allUp(cfg, [withAttempt(result("chatwoot", { ok: 0, n: 18 }), 0, 3)])).latest.services
      .chatwoot!;
    expect(r).toMatchObject({ status: "down", ratings: { successRate: "red" }, window: [] });
    expect(r.reason).toContain("success 0 % (0/3) after confirmation, 0/18 in the run < 90 %");
  });

  it("a run that recovered during confirmation joins the window with every sample; the window bands only with enough samples and failures in two runs", () => {
    const cfg = config();
    // 3 of 6: the first attempt failed, the re-probe passed. Alone it is one bad run: green.
    const a = run(cfg, min(0), allUp(cfg, [withAttempt(result("chatwoot", { ok: 3, n: 6 }), 3, 3)])).latest;
    expect(a.services.chatwoot).toMatchObject({
      status: "up",
      ratings: { successRate: "green" },
      window: [{ t: min(0).toISOString(), ok: 3, n: 6 }],
    });
    // A clean run: 9/12, still one failing run.
    const b = run(cfg, min(5), allUp(cfg), a).latest;
    expect(b.services.chatwoot!.status).toBe("up");
    // A second failing run: 11/15 = 73.3 % over 15 samples (minSamples) → red, down.
    const c = run(cfg, min(10), allUp(cfg, [withAttempt(result("chatwoot", { ok: 5, n: 6 }), 3, 3)]), b).latest;
    expect(c.services.chatwoot).toMatchObject({ status: "down", ratings: { successRate: "red" } });
    expect(c.services.chatwoot!.reason).toContain("success 73.33 % over 30 min (11/15 in 3 runs) < 90 %");
    // 30 min after the first bad run it has left the window: one failing run is left, green.
    const d = run(cfg, min(30), allUp(cfg), c).latest;
    expect(d.services.chatwoot!.window!.map((w) => w.t)).toEqual(
      [min(5), min(10), min(30)].map((x) => x.toISOString()),
    );
    const e = run(cfg, min(40), allUp(cfg), d).latest;
    expect(e.services.chatwoot).toMatchObject({ status: "up", ratings: { successRate: "green" } });
  });

  it("too few samples give no band; unknown and maintenance runs stay out of the window", () => {
    const cfg = config();
    const bad = () => withAttempt(result("chatwoot", { ok: 4, n: 6 }), 3, 3);
    const a = run(cfg, min(0), allUp(cfg, [bad()])).latest;
    const b = run(cfg, min(5), allUp(cfg, [bad()]), a).latest;
    // 8/12 is 67 %, but 12 samples < minSamples 15: green.
    expect(b.services.chatwoot).toMatchObject({ status: "up", ratings: { successRate: "green" } });
    const c = run(cfg, min(10), allUp(cfg, [result("chatwoot", { n: 0, ok: 0, inconclusive: true })]), b).latest;
    const d = run(cfg, min(15), allUp(cfg, [bad()]), c, new Set(["chatwoot"])).latest;
    expect(d.services.chatwoot!.window).toHaveLength(2);
  });
});

describe("a run is a run (issue 11)", () => {
  it("the same run time again changes nothing: counters, since, window and transitions advance once per run", () => {
    const cfg = config();
    const r1 = run(cfg, min(0), allUp(cfg));
    const bad = allUp(cfg, [result("chatwoot", { ok: 0 })]);
    const r2 = run(cfg, min(5), bad, r1.latest);
    expect(r2.latest.services.chatwoot).toMatchObject({ status: "down", consecutiveFailures: 1 });
    const again = run(cfg, min(5), bad, r2.latest);
    expect(again.latest).toEqual(r2.latest);
    expect(again.transitions).toEqual([]);
    // Even when the replay measured something else, the stored run stands.
    const other = run(cfg, min(5), allUp(cfg), r2.latest);
    expect(other.latest).toEqual(r2.latest);
    expect(run(cfg, min(10), bad, again.latest).latest.services.chatwoot!.consecutiveFailures).toBe(2);
  });
});
