import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, systemClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { consensus, describeVotes } from "../../actions/shared/consensus.ts";
import { evaluate } from "../../actions/shared/evaluate/index.ts";
import { probeFleet } from "../../actions/shared/probe/engine.ts";
import type { ProbeResult } from "../../actions/shared/probe/result.ts";
import { parseShard, selectShard, shardFile, shardList, parseShardFile } from "../../actions/shared/shard.ts";
import { probeShard } from "../../actions/shared/shard-probe.ts";
import { mergeShards } from "../../actions/shared/shard-merge.ts";
import { demoConfig, demoEnv } from "../../scripts/demo/config.ts";
import { startFleet, type Fleet } from "../../scripts/demo/fleet.ts";
import { startProtocols, type DemoProtocols } from "../../scripts/demo/protocols.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `svc-${String(i).padStart(2, "0")}` }));

describe("selectShard", () => {
  it("splits a fleet into disjoint, covering shards whose sizes differ by at most one", () => {
    for (const [n, total] of [
      [20, 3],
      [7, 7],
      [5, 8],
      [1, 1],
    ] as const) {
      const fleet = ids(n);
      const shards = shardList(total).map((s) => selectShard(fleet, parseShard(s)));
      const all = shards
        .flat()
        .map((s) => s.id)
        .sort();
      expect(all).toEqual(fleet.map((s) => s.id));
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("does not depend on the order of the config file", () => {
    const fleet = ids(11);
    const reversed = [...fleet].reverse();
    for (const s of shardList(4))
      expect(selectShard(reversed, parseShard(s))).toEqual(selectShard(fleet, parseShard(s)));
  });

  it("rejects malformed --shard values with the expected form", () => {
    for (const bad of ["0/3", "4/3", "1/0", "a/b", "2", ""])
      expect(() => parseShard(bad)).toThrow(/expected i\/N with 1 ≤ i ≤ N/);
  });
});

function result(serviceId: string, ok: number, count = 3, extra: Partial<ProbeResult> = {}): ProbeResult {
  return {
    serviceId,
    type: "http",
    startedAt: "2026-11-22T16:00:00.000Z",
    durationMs: 10,
    attempts: 1,
    samples: [],
    metrics: { successRate: count ? (ok / count) * 100 : 0, okCount: ok, count, statusCodes: [], p95: 100 + ok },
    ...extra,
  };
}

describe("consensus across locations", () => {
  const offline = { kind: "offline", detail: "no route" } as const;

  it("ignores one location's outage when the others see the service up", () => {
    const out = consensus(
      [
        { location: "github", results: [result("api", 3)] },
        { location: "eu-west", results: [result("api", 0)] },
        { location: "us-east", results: [result("api", 3)] },
      ],
      { downQuorum: 50 },
    );
    expect(out.results[0]?.metrics.okCount).toBe(3);
    expect(out.votes[0]).toMatchObject({ down: ["eu-west"], up: ["github", "us-east"], downByConsensus: false });
    expect(describeVotes(out.votes)).toEqual([
      "api: down only at eu-west (up at github, us-east): below quorum, not counted",
    ]);
  });

  it("declares down when at least the quorum share of locations sees it down", () => {
    const locs = [
      { location: "a", results: [result("api", 0)] },
      { location: "b", results: [result("api", 3)] },
    ];
    expect(consensus(locs, { downQuorum: 50 }).results[0]?.metrics.okCount).toBe(0); // 1 of 2 = 50 %
    expect(consensus(locs, { downQuorum: 51 }).results[0]?.metrics.okCount).toBe(3);
  });

  it("lets offline runners abstain, and stays inconclusive when nobody could judge", () => {
    const out = consensus(
      [
        {
          location: "a",
          results: [result("api", 0, 0, { inconclusive: offline }), result("db", 0, 0, { inconclusive: offline })],
        },
        { location: "b", results: [result("api", 0), result("db", 0, 0, { inconclusive: offline })] },
      ],
      { downQuorum: 50 },
    );
    expect(out.votes[0]).toMatchObject({ down: ["b"], abstained: ["a"], downByConsensus: true });
    expect(out.results[1]?.inconclusive?.kind).toBe("offline");
  });
});

describe("mergeShards", () => {
  const services = ["a", "b", "c"].map((id) => ({ id, probe: { type: "http" } }));
  const now = new Date("2026-11-22T16:05:00Z");
  const file = (shard: string, rs: ProbeResult[], location = "github") =>
    shardFile({ shard, location, startedAt: now.toISOString() }, rs);

  it("puts shards back in config order and records a missing shard's services as unknown", () => {
    const out = mergeShards({ files: [file("2/2", [result("b", 3)])], services, downQuorum: 50, now });
    expect(out.results.map((r) => r.serviceId)).toEqual(["a", "b", "c"]);
    expect(out.missing).toEqual(["github: 1/2"]);
    expect(out.results[0]?.inconclusive).toEqual({
      kind: "no-data",
      detail: "no result from shard github: 1/2 (did its job fail?)",
    });
  });

  it("refuses overlapping shards and mixed splits", () => {
    const overlap = [file("1/2", [result("a", 3)]), file("2/2", [result("a", 3)])];
    expect(() => mergeShards({ files: overlap, services, downQuorum: 50, now })).toThrow(
      /reported by shard 1\/2 and 2\/2/,
    );
    const mixed = [file("1/2", [result("a", 3)]), file("2/3", [result("b", 3)])];
    expect(() => mergeShards({ files: mixed, services, downQuorum: 50, now })).toThrow(/different splits/);
  });

  it("records an offline shard as inconclusive for its services, without probing them", async () => {
    const config = OpsConfig.parse({
      connectivity: { urls: ["http://127.0.0.1:9/"], timeout: "1s" },
      services: ["a", "b", "c"].map((id) => ({
        id,
        name: id,
        environment: "production",
        criticality: "medium",
        probe: { type: "http", url: "http://127.0.0.1:9/" },
      })),
    });
    const file = await probeShard({
      config,
      shard: parseShard("1/2"),
      location: "eu-west",
      clock: systemClock,
      env: {},
      redactor: createRedactor(),
    });
    expect(file).toMatchObject({ shard: "1/2", location: "eu-west", offline: true });
    expect(file.results.map((r) => [r.serviceId, r.inconclusive?.kind, r.samples.length])).toEqual([
      ["a", "offline", 0],
      ["c", "offline", 0],
    ]);
  });

  it("reads back what it wrote, and names the problem in a damaged artifact", () => {
    const f = file("1/1", [result("a", 3)]);
    expect(parseShardFile(JSON.stringify(f), "x.json")).toEqual(f);
    expect(() => parseShardFile('{"version":1,"shard":"x"', "probe-1/shard.json")).toThrow(
      /probe-1\/shard.json: not JSON/,
    );
    expect(() =>
      parseShardFile('{"version":2,"shard":"1/1","location":"g","startedAt":"t","results":[{}]}', "s.json"),
    ).toThrow(/version: expected 1, found 2; results\[0\]: expected a ProbeResult/);
  });
});

describe("merged shards give the same results as one run over the same fleet", () => {
  let fleet: Fleet;
  let protocols: DemoProtocols;
  beforeAll(async () => {
    fleet = await startFleet({ slowMs: 900 });
    protocols = await startProtocols();
  });
  afterAll(async () => {
    await protocols.close();
    await fleet.close();
  });

  /**
   * What a result says about the service, without the timings that differ between any two runs.
   * The final attempt's counts: how many confirmation attempts a failing service gets follows the
   * real clock, and every attempt's samples are in `metrics` (issue 11).
   */
  const essence = (r: ProbeResult) => ({
    id: r.serviceId,
    type: r.type,
    ok: (r.lastAttempt ?? r.metrics).okCount,
    n: (r.lastAttempt ?? r.metrics).count,
    codes: r.metrics.statusCodes,
    // The final attempt's failure: an earlier attempt's (a timeout on a loaded machine) is not the verdict.
    failure: r.lastAttempt
      ? r.samples.slice(-r.lastAttempt.count).findLast((s) => s.failure)?.failure?.kind
      : r.metrics.lastFailure?.kind,
    inconclusive: r.inconclusive?.kind,
  });

  it("for the demo fleet (HTTP, MCP, metrics, Fly) split in 3 shards", async () => {
    const config = OpsConfig.parse(demoConfig(fleet, protocols));
    const deps = { config, clock: systemClock, env: demoEnv(fleet, protocols), redactor: createRedactor() };
    const whole = await probeFleet(deps);
    // Through JSON, as the artifacts travel between jobs.
    const files = await Promise.all(
      shardList(3).map(async (s) => {
        const file = await probeShard({ ...deps, shard: parseShard(s), location: "github" });
        return parseShardFile(JSON.stringify(file), `probe-${s}`);
      }),
    );
    const now = new Date();
    const merged = mergeShards({ files, services: config.services, downQuorum: config.consensus.downQuorum, now });
    expect(merged.missing).toEqual([]);
    expect(merged.results.map(essence)).toEqual(whole.map(essence));

    const clock = manualClock("2026-11-22T16:00:00Z");
    const run = { startedAt: clock.now(), finishedAt: clock.now() };
    // Statuses without latency ratings: two live runs on a loaded machine can land either side of
    // a 500 ms threshold, which says nothing about merging; up, down and unknown come from what the
    // probes found, and the fleet still has more than one of them (checked below).
    const timingFree = {
      ...config,
      services: config.services.map((s) => ({ ...s, thresholds: { ...s.thresholds, latency: undefined } })),
    };
    const a = evaluate({ config: timingFree, results: whole, now: clock.now(), run }).latest;
    const b = evaluate({ config: timingFree, results: merged.results, now: clock.now(), run }).latest;
    const statuses = (l: typeof a) => [
      Object.values(l.services).map((s) => [s.id, s.status]),
      Object.values(l.groups).map((g) => [g.id, g.status, g.operational]),
    ];
    expect(statuses(b)).toEqual(statuses(a));
    // The demo fleet is not all green, so the comparison covered more than "everything up".
    expect(new Set(Object.values(a.services).map((s) => s.status)).size).toBeGreaterThan(1);
  });
});
