import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accumulate } from "../../actions/shared/store/durations.ts";
import { readHistoryDay } from "../../actions/shared/store/history-read.ts";
import { compactHistory, readRollups, rollupPaths } from "../../actions/shared/store/rollup.ts";
import { groupByService } from "../../actions/shared/store/rollup.ts";
import { loadHistoryView } from "../../actions/shared/store/view.ts";
import { syntheticConfig, syntheticRuns, writeHistory } from "../../scripts/bench/synthetic.ts";

const DAY = 86_400_000;
const START = Date.parse("2026-11-01T00:00:00Z");
const config = syntheticConfig(3, { retention: { rawDays: 3, gapLimit: "20m" } });
const warnings: string[] = [];
const log = { info: () => {}, warn: (m: string) => warnings.push(m) };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rollup-"));
  warnings.length = 0;
  await writeHistory(
    dir,
    syntheticRuns(config, { from: START, to: START + 6 * DAY, cadenceMs: 300_000, jitterMs: 60_000, seed: 3 }),
  );
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const sub of ["history", "rollups"]) {
    for (const name of await readdir(join(dir, "reports", sub)).catch(() => [] as string[])) {
      out[`${sub}/${name}`] = await readFile(join(dir, "reports", sub, name), "utf8");
    }
  }
  return out;
}

describe("compactHistory", () => {
  it("rolls up complete days only, prunes raw days beyond retention, and is idempotent", async () => {
    const now = new Date(START + 6 * DAY + 10 * 60_000);
    const first = await compactHistory({ dataDir: dir, config, now, log });
    // Day 6 (2026-11-06) ended 10 minutes ago, less than gapLimit: not complete yet.
    expect(first.rolled).toEqual(["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]);
    expect(first.pruned).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"]);
    const before = await snapshot();
    const again = await compactHistory({ dataDir: dir, config, now, log });
    expect(again).toEqual({ rolled: [], pruned: [] });
    expect(await snapshot()).toEqual(before);
  });

  it("gives the same durations and latencies from the rollup as from the raw records", async () => {
    const day = "2026-11-02";
    const reads = await Promise.all(["2026-11-01", day, "2026-11-03"].map((d) => readHistoryDay(dir, d)));
    const raw = groupByService(reads);
    await compactHistory({ dataDir: dir, config, now: new Date(START + 6 * DAY), log });
    const rolled = (await readRollups(dir)).days.get(day)!;
    for (const [id, records] of raw) {
      const direct = accumulate(
        records,
        Date.parse(`${day}T00:00:00Z`),
        Date.parse(`${day}T00:00:00Z`) + DAY,
        config.retention.gapLimit,
      );
      const line = rolled.get(id)!;
      expect(line.ms).toEqual(direct.ms);
      expect(line.hist).toEqual(direct.hist);
      expect(line.runs).toBe(direct.runs);
    }
  });

  it("re-rolls a day whose roll-up was cut short, and readers keep the complete one", async () => {
    // A crash after writing part of a day's lines: no marker, a torn last line.
    await mkdir(rollupPaths.dir(dir), { recursive: true });
    await writeFile(
      rollupPaths.file(dir, "2026"),
      '{"d":"2026-11-01","id":"svc-00","ms":{"up":5},"runs":1,"ok":1,"n":1,"h":{}}\n{"d":"2026-11-01","id":"svc-0',
    );
    const out = await compactHistory({ dataDir: dir, config, now: new Date(START + 2 * DAY), log });
    expect(out.rolled).toEqual(["2026-11-01"]);
    const read = await readRollups(dir);
    expect(read.problems).toHaveLength(1);
    const line = read.days.get("2026-11-01")!.get("svc-00")!;
    expect(line.ms.up + line.ms.degraded + line.ms.down + line.ms.unknown).toBe(DAY);
  });

  it("never prunes a raw day that is not rolled up", async () => {
    // A torn record in a day: the rest of the day still rolls up, and only then is it pruned.
    await appendFile(
      join(dir, "reports", "history", "2026-11-01.jsonl"),
      '{"t":"2026-11-01T23:59:00.000Z","id":"svc-0',
    );
    const late = new Date(START + 30 * DAY);
    const out = await compactHistory({ dataDir: dir, config, now: late, log });
    expect(out.pruned).toEqual(out.rolled.filter((d) => d < "2026-11-28"));
    expect(warnings.some((w) => w.includes("2026-11-01.jsonl") && w.includes("torn"))).toBe(true);
    expect(await readdir(join(dir, "reports", "history"))).toEqual([]);
  });

  it("answers a window spanning rolled and raw days like the raw records alone", async () => {
    const now = START + 6 * DAY - 3 * 3_600_000;
    const full = await loadHistoryView({
      dataDir: dir,
      now,
      gapLimit: config.retention.gapLimit,
      spanDays: 10,
      rawRecentDays: 10,
    });
    const expected = full.window("svc-01", START + 12 * 3_600_000, now);
    await compactHistory({
      dataDir: dir,
      config: { retention: { ...config.retention, rawDays: 40 } },
      now: new Date(now),
      log,
    });
    const mixed = await loadHistoryView({
      dataDir: dir,
      now,
      gapLimit: config.retention.gapLimit,
      spanDays: 10,
      rawRecentDays: 1,
      edges: [START + 12 * 3_600_000],
    });
    const got = mixed.window("svc-01", START + 12 * 3_600_000, now);
    expect(got.ms).toEqual(expected.ms);
    expect(got.hist).toEqual(expected.hist);
  });
});
