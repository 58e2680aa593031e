import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { parseShardFile, planRun, shardFile } from "../../actions/shared/shard.ts";
import { mergeCommand } from "../../scripts/commands/merge.ts";
import { planCommand } from "../../scripts/commands/plan.ts";

const CONFIG = `services:
${["a", "b", "c"].map((id) => `  - { id: ${id}, name: ${id}, environment: production, criticality: medium, probe: { type: http, url: "http://127.0.0.1:9/" } }`).join("\n")}
consensus: { downQuorum: 50, locations: [ubuntu-latest, eu-west] }
`;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

const result = (serviceId: string, ok: number) => ({
  serviceId,
  type: "http",
  startedAt: "2026-11-22T16:00:00.000Z",
  durationMs: 5,
  attempts: 1,
  samples: [],
  metrics: { successRate: (ok / 3) * 100, okCount: ok, count: 3, statusCodes: [] },
});

describe("planRun", () => {
  it("keeps the default fleet in one job, splits big fleets and fans out over locations", () => {
    expect(planRun({ shards: 1, services: 15, locations: [] })).toEqual({
      sharded: false,
      shards: ["1/1"],
      locations: ["ubuntu-latest"],
    });
    expect(planRun({ shards: 1, services: 250, locations: [] }).shards).toEqual(["1/3", "2/3", "3/3"]);
    expect(planRun({ shards: 4, services: 10, locations: [] }).shards).toHaveLength(4);
    expect(planRun({ shards: 1, services: 10, locations: ["a", "b", "a"] })).toEqual({
      sharded: true,
      shards: ["1/1"],
      locations: ["a", "b"],
    });
  });
});

describe("ops plan and ops merge", () => {
  it("ops plan prints $GITHUB_OUTPUT lines from the config", async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-plan-"));
    await writeFile(join(dir, "ops.config.yml"), CONFIG);
    const o = io();
    expect(await planCommand([], { env: {}, cwd: dir, io: o.io })).toBe(0);
    expect(o.out.join("")).toBe('sharded=true\nshards=["1/1"]\nlocations=["ubuntu-latest","eu-west"]\n');
  });

  it("ops merge --out merges downloaded artifacts (one folder each) with the consensus rule", async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-merge-"));
    await writeFile(join(dir, "ops.config.yml"), CONFIG);
    const meta = (location: string) => ({ shard: "1/1", location, startedAt: "2026-11-22T16:00:00.000Z" });
    // eu-west's runner sees b down; github sees it up: 1 of 2 = 50 % → down by consensus.
    const files = {
      "probe-0": shardFile(meta("ubuntu-latest"), [result("a", 3), result("b", 3), result("c", 3)]),
      "probe-1": shardFile(meta("eu-west"), [result("a", 3), result("b", 0), result("c", 3)]),
    };
    for (const [name, file] of Object.entries(files)) {
      await mkdir(join(dir, "shards", name), { recursive: true });
      await writeFile(join(dir, "shards", name, "shard.json"), JSON.stringify(file));
    }
    const o = io();
    const code = await mergeCommand(["--from", "shards", "--out", "merged.json"], {
      env: {},
      cwd: dir,
      io: o.io,
      clock: manualClock("2026-11-22T16:05:00Z"),
    });
    expect(code).toBe(0);
    const merged = parseShardFile(await readFile(join(dir, "merged.json"), "utf8"), "merged.json");
    expect(merged.location).toBe("eu-west+ubuntu-latest");
    expect(merged.results.map((r) => [r.serviceId, r.metrics.okCount])).toEqual([
      ["a", 3],
      ["b", 0],
      ["c", 3],
    ]);
    expect(o.err.join("")).toContain("b: down at eu-west; up at ubuntu-latest: down by consensus");
  });

  it("ops merge without --out runs the rest of ops run on the merged results (latest.json, history)", async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-merge-"));
    await writeFile(join(dir, "ops.config.yml"), CONFIG);
    const meta = (location: string) => ({ shard: "1/1", location, startedAt: "2026-11-22T16:00:00.000Z" });
    await mkdir(join(dir, "shards", "probe-0"), { recursive: true });
    await mkdir(join(dir, "shards", "probe-1"), { recursive: true });
    await writeFile(
      join(dir, "shards", "probe-0", "shard.json"),
      JSON.stringify(shardFile(meta("ubuntu-latest"), [result("a", 3), result("b", 0), result("c", 3)])),
    );
    await writeFile(
      join(dir, "shards", "probe-1", "shard.json"),
      JSON.stringify(shardFile(meta("eu-west"), [result("a", 0), result("b", 0), result("c", 3)])),
    );
    const code = await mergeCommand(["--from", "shards", "--data", "out"], {
      env: {},
      cwd: dir,
      io: io().io,
      clock: manualClock("2026-11-22T16:05:00Z"),
    });
    expect(code).toBe(0);
    const latest = JSON.parse(await readFile(join(dir, "out", "reports", "latest.json"), "utf8"));
    expect(
      Object.fromEntries(Object.values<{ id: string; status: string }>(latest.services).map((s) => [s.id, s.status])),
    ).toEqual({ a: "down", b: "down", c: "up" });
    const history = (await readFile(join(dir, "out", "reports", "history", "2026-11-22.jsonl"), "utf8"))
      .trim()
      .split("\n");
    expect(history.map((l) => JSON.parse(l).id)).toEqual(["a", "b", "c"]);
  });

  it("ops merge names a damaged artifact and requires --from", async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-merge-"));
    await writeFile(join(dir, "ops.config.yml"), CONFIG);
    await mkdir(join(dir, "shards", "probe-0"), { recursive: true });
    await writeFile(join(dir, "shards", "probe-0", "shard.json"), '{"version":1');
    await expect(
      mergeCommand(["--from", "shards", "--out", "m.json"], { env: {}, cwd: dir, io: io().io }),
    ).rejects.toThrow(/probe-0\/shard.json: not JSON/);
    await expect(mergeCommand([], { env: {}, cwd: dir, io: io().io })).rejects.toMatchObject({ code: 2 });
  });
});
