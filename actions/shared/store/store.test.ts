import { mkdtemp, readFile, readdir, writeFile, appendFile, mkdir } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendHistory, readHistory, toHistoryRecord, type HistoryRecord } from "./history.ts";
import { readLatest, writeLatest } from "./latest.ts";
import type { Latest } from "./latest-schema.ts";
import type { Log } from "../log.ts";

const tmp = () => mkdtemp(join(tmpdir(), "ops-store-"));
const collect = () => {
  const warnings: string[] = [];
  const log: Log = { info: () => {}, warn: (m) => void warnings.push(m) };
  return { log, warnings };
};
const rec = (t: string, id = "chatwoot", s: HistoryRecord["s"] = "up"): HistoryRecord => ({
  t,
  id,
  s,
  l: [120, 130, 125],
  ok: 3,
  n: 3,
});

describe("history", () => {
  it("appends one line per record into the record's UTC day file and reads a range back", async () => {
    const dir = await tmp();
    await appendHistory(dir, [rec("2026-11-21T23:55:00.000Z"), rec("2026-11-21T23:55:00.000Z", "agent")]);
    await appendHistory(dir, [rec("2026-11-22T00:00:00.000Z")]);
    expect((await readdir(join(dir, "reports/history"))).sort()).toEqual(["2026-11-21.jsonl", "2026-11-22.jsonl"]);
    const { log, warnings } = collect();
    const all = await readHistory(
      dir,
      { from: new Date("2026-11-21T00:00:00Z"), to: new Date("2026-11-23T00:00:00Z") },
      log,
    );
    expect(all.map((r) => `${r.t} ${r.id}`)).toEqual([
      "2026-11-21T23:55:00.000Z chatwoot",
      "2026-11-21T23:55:00.000Z agent",
      "2026-11-22T00:00:00.000Z chatwoot",
    ]);
    const late = await readHistory(
      dir,
      { from: new Date("2026-11-21T23:58:00Z"), to: new Date("2026-11-23T00:00:00Z") },
      log,
    );
    expect(late).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it("skips a torn last record with a warning, keeps the earlier ones, and the next append starts a fresh line", async () => {
    const dir = await tmp();
    await appendHistory(dir, [rec("2026-11-22T10:00:00.000Z"), rec("2026-11-22T10:05:00.000Z")]);
    const file = join(dir, "reports/history/2026-11-22.jsonl");
    await appendFile(file, '{"t":"2026-11-22T10:10:00.000Z","id":"chat'); // the crashed run
    const { log, warnings } = collect();
    const range = { from: new Date("2026-11-22T00:00:00Z"), to: new Date("2026-11-23T00:00:00Z") };
    expect((await readHistory(dir, range, log)).map((r) => r.t)).toEqual([
      "2026-11-22T10:00:00.000Z",
      "2026-11-22T10:05:00.000Z",
    ]);
    expect(warnings.join("\n")).toMatch(/2026-11-22\.jsonl:3: skipped a torn last record/);

    await appendHistory(dir, [rec("2026-11-22T10:15:00.000Z")]);
    const again = await readHistory(dir, range, collect().log);
    expect(again.map((r) => r.t)).toEqual([
      "2026-11-22T10:00:00.000Z",
      "2026-11-22T10:05:00.000Z",
      "2026-11-22T10:15:00.000Z",
    ]);
  });

  it("skips lines that are JSON but not records, naming the line", async () => {
    const dir = await tmp();
    await mkdir(join(dir, "reports/history"), { recursive: true });
    await writeFile(
      join(dir, "reports/history/2026-11-22.jsonl"),
      `{"t":"nope"}\n${JSON.stringify(rec("2026-11-22T01:00:00.000Z"))}\n`,
    );
    const { log, warnings } = collect();
    const got = await readHistory(
      dir,
      { from: new Date("2026-11-22T00:00:00Z"), to: new Date("2026-11-23T00:00:00Z") },
      log,
    );
    expect(got).toHaveLength(1);
    expect(warnings[0]).toMatch(/2026-11-22\.jsonl:1: skipped a record that is not a history record/);
  });
});

describe("latest.json", () => {
  const latest: Latest = {
    version: 1,
    updatedAt: "2026-11-22T10:00:00.000Z",
    run: {
      startedAt: "2026-11-22T10:00:00.000Z",
      finishedAt: "2026-11-22T10:00:01.000Z",
      durationMs: 1000,
      offline: false,
      locations: [],
    },
    services: {},
    groups: {},
    incidents: {},
  };

  it("round-trips through the schema", async () => {
    const dir = await tmp();
    await writeLatest(dir, latest);
    const got = await readLatest(dir, new Date(), collect().log);
    expect(got).toEqual({ kind: "ok", latest });
  });

  it("reports a missing file as missing", async () => {
    expect(await readLatest(await tmp(), new Date(), collect().log)).toEqual({ kind: "missing" });
  });

  it("keeps a corrupt file aside, warns, and never throws", async () => {
    const dir = await tmp();
    await mkdir(join(dir, "reports"), { recursive: true });
    await writeFile(join(dir, "reports/latest.json"), '{"version":1,"services":');
    const { log, warnings } = collect();
    const got = await readLatest(dir, new Date("2026-11-22T10:00:00Z"), log);
    expect(got.kind).toBe("corrupt");
    if (got.kind !== "corrupt") return;
    expect(got.problem).toMatch(/not JSON/);
    expect(await readFile(got.keptAs, "utf8")).toBe('{"version":1,"services":');
    // Out of the committed tree: not under reports/, and in the git-ignored .ops/.
    expect(got.keptAs).toBe(join(dir, ".ops/corrupt/latest.json.corrupt-2026-11-22T100000000Z"));
    expect(await readdir(join(dir, "reports"))).toEqual([]);
    const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
    expect(() =>
      execFileSync("git", ["check-ignore", "-q", ".ops/corrupt/latest.json.corrupt-2026-11-22T100000000Z"], {
        cwd: repoRoot,
      }),
    ).not.toThrow();
    expect(warnings[0]).toMatch(/latest\.json is corrupt/);

    await writeFile(join(dir, "reports/latest.json"), JSON.stringify({ ...latest, version: 7 }));
    const wrong = await readLatest(dir, new Date("2026-11-22T10:05:00Z"), log);
    expect(wrong.kind === "corrupt" && wrong.problem).toMatch(/version/);
  });
});

describe("rebuild from history", () => {
  it("restores status, since and counters of every service from the history tail", async () => {
    const { rebuildFromHistory } = await import("./rebuild.ts");
    const dir = await tmp();
    await appendHistory(dir, [
      rec("2026-11-22T10:00:00.000Z", "chatwoot", "up"),
      rec("2026-11-22T10:05:00.000Z", "chatwoot", "down"),
      rec("2026-11-22T10:10:00.000Z", "chatwoot", "down"),
      rec("2026-11-22T10:10:00.000Z", "agent", "up"),
    ]);
    const { log, warnings } = collect();
    const latest = await rebuildFromHistory(dir, new Date("2026-11-22T10:12:00Z"), log);
    expect(latest?.services.chatwoot).toMatchObject({
      status: "down",
      since: "2026-11-22T10:05:00.000Z",
      consecutiveFailures: 2,
      consecutiveSuccesses: 0,
    });
    expect(latest?.services.agent).toMatchObject({ status: "up", consecutiveSuccesses: 1 });
    expect(warnings[0]).toMatch(/rebuilt the state of 2 service/);
    expect(await rebuildFromHistory(await tmp(), new Date(), log)).toBeUndefined();
  });
});

describe("history records", () => {
  it("keep the response times of successful samples only, and the reason when not up", () => {
    const state = {
      id: "api",
      name: "API",
      environment: "production",
      criticality: "critical",
      type: "http",
      status: "down" as const,
      reason: "connection refused",
      since: "2026-11-22T10:00:00.000Z",
      checkedAt: "2026-11-22T10:00:00.000Z",
      ratings: {},
      breaches: {},
      consecutiveFailures: 1,
      consecutiveSuccesses: 0,
      metrics: { successRate: 33.3, okCount: 1, count: 3, statusCodes: [200], attempts: 1 },
    };
    const sample = (ok: boolean, total: number) => ({ at: "2026-11-22T10:00:00.000Z", ok, timings: { total } });
    const result = {
      serviceId: "api",
      type: "http",
      startedAt: "",
      durationMs: 0,
      attempts: 1,
      samples: [sample(false, 1.2), sample(true, 240.4), sample(false, 10000)],
      metrics: { successRate: 33.3, okCount: 1, count: 3, statusCodes: [] },
    };
    expect(toHistoryRecord(state, result, "2026-11-22T10:00:00.000Z")).toEqual({
      t: "2026-11-22T10:00:00.000Z",
      id: "api",
      s: "down",
      l: [240],
      ok: 1,
      n: 3,
      r: "connection refused",
    });
  });
});

describe("a run is a run (issue 11)", () => {
  it("appendHistory writes a run's record once: the same run time and service again is not appended", async () => {
    const dir = await tmp();
    const first = await appendHistory(dir, [rec("2026-11-22T10:00:00.000Z"), rec("2026-11-22T10:00:00.000Z", "agent")]);
    expect(first).toBeGreaterThan(0);
    expect(await appendHistory(dir, [rec("2026-11-22T10:00:00.000Z"), rec("2026-11-22T10:00:00.000Z", "agent")])).toBe(
      0,
    );
    // A service first probed in the replay (--only) and the next run are new.
    await appendHistory(dir, [rec("2026-11-22T10:00:00.000Z", "shop"), rec("2026-11-22T10:05:00.000Z")]);
    const all = await readHistory(
      dir,
      { from: new Date("2026-11-22T00:00:00Z"), to: new Date("2026-11-23T00:00:00Z") },
      collect().log,
    );
    expect(all.map((r) => `${r.t.slice(11, 16)} ${r.id}`)).toEqual([
      "10:00 chatwoot",
      "10:00 agent",
      "10:00 shop",
      "10:05 chatwoot",
    ]);
  });
});
