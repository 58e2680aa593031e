import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accumulate } from "../../actions/shared/store/durations.ts";
import { readHistoryDay } from "../../actions/shared/store/history-read.ts";
import { compactHistory, rollupPaths } from "../../actions/shared/store/rollup.ts";
import { readRollups } from "../../actions/shared/store/rollup-read.ts";
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
    const rolled = await readRollups(dir);
    for (const [id, records] of raw) {
      const direct = accumulate(
        records,
        Date.parse(`${day}T00:00:00Z`),
        Date.parse(`${day}T00:00:00Z`) + DAY,
        config.retention.gapLimit,
      );
      const line = rolled.line(day, id)!;
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
    const line = read.line("2026-11-01", "svc-00")!;
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

describe("the packed rollups' cache (derived, never a source of truth)", () => {
  const ids = config.services.map((s) => s.id);
  const cacheFile = () => join(dir, ".ops-cache", "rollups", "2026.bin");

  /** Every (day, service) line and the problems, as a plain object to compare. */
  async function contents(options: { writeCache?: boolean } = {}) {
    const r = await readRollups(dir, undefined, options);
    const lines: Record<string, unknown> = {};
    for (const day of r.days()) for (const id of ids) lines[`${day} ${id}`] = r.line(day, id);
    return { read: r.reads, value: { days: r.days(), ids: [...r.ids()].sort(), lines, problems: r.problems } };
  }

  /** What the rollup files say, read with no cache at all. */
  async function truth() {
    await rm(join(dir, ".ops-cache"), { recursive: true, force: true });
    const { value } = await contents({ writeCache: false });
    return value;
  }

  it("reads back what the file says; then only the lines appended since", async () => {
    await compactHistory({ dataDir: dir, config, now: new Date(START + 3 * DAY + 30 * 60_000), log });
    const first = await contents();
    expect(first.read).toEqual([{ year: "2026", from: "file", lines: 12 }]);
    const cached = await contents();
    expect(cached.read).toEqual([{ year: "2026", from: "cache", lines: 0 }]);
    expect(cached.value).toEqual(first.value);
    expect(first.value.days).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"]);

    // Two more days rolled up: 3 lines and a marker each.
    await compactHistory({ dataDir: dir, config, now: new Date(START + 5 * DAY + 30 * 60_000), log });
    const grown = await contents();
    expect(grown.read).toEqual([{ year: "2026", from: "cache+tail", lines: 8 }]);
    expect(grown.value).toEqual(await truth());
    expect(grown.value.days).toHaveLength(5);
  });

  it("still counts after a fresh checkout (new file times, same bytes)", async () => {
    await compactHistory({ dataDir: dir, config, now: new Date(START + 3 * DAY + 30 * 60_000), log });
    const first = await contents();
    const later = new Date(Date.now() + 60_000);
    await utimes(rollupPaths.file(dir, "2026"), later, later);
    const again = await contents();
    expect(again.read).toEqual([{ year: "2026", from: "cache+tail", lines: 0 }]);
    expect(again.value).toEqual(first.value);
    expect((await contents()).read).toEqual([{ year: "2026", from: "cache", lines: 0 }]);
  });

  it("is read afresh when the file changed before its end, or the cache is damaged", async () => {
    await compactHistory({ dataDir: dir, config, now: new Date(START + 3 * DAY + 30 * 60_000), log });
    await contents();
    // A rebase rewrote an earlier line: same length, other bytes.
    const file = rollupPaths.file(dir, "2026");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace('"runs":', '"runz":'));
    const rewritten = await contents();
    expect(rewritten.read[0]!.from).toBe("file");
    expect(rewritten.value).toEqual(await truth());

    await contents();
    const bytes = await readFile(cacheFile());
    bytes[bytes.length - 5]! ^= 0xff;
    await writeFile(cacheFile(), bytes);
    const damaged = await contents();
    expect(damaged.read[0]!.from).toBe("file");
    expect(damaged.value).toEqual(await truth());
  });

  it("keeps a roll-up cut short out of the cache, and reads it again until its marker comes", async () => {
    await compactHistory({ dataDir: dir, config, now: new Date(START + 2 * DAY + 30 * 60_000), log });
    const file = rollupPaths.file(dir, "2026");
    // A crash mid roll-up of the next day: one line, no marker yet.
    await appendFile(file, '{"d":"2026-11-03","id":"svc-00","ms":{"up":5},"runs":1,"ok":1,"n":1,"h":{"3":1}}\n');
    const torn = await contents();
    expect(torn.value.days).toEqual(["2026-11-01", "2026-11-02"]);
    const again = await contents();
    expect(again.read).toEqual([{ year: "2026", from: "cache+tail", lines: 1 }]);
    expect(again.value).toEqual(torn.value);
    // The next run rolls the day up in full: its lines replace the cut one.
    await compactHistory({ dataDir: dir, config, now: new Date(START + 3 * DAY + 30 * 60_000), log });
    const done = await contents();
    expect(done.value).toEqual(await truth());
    expect((done.value.lines["2026-11-03 svc-00"] as { ms: { up: number } }).ms.up).toBeGreaterThan(5);
  });

  it("is not written in a dry run", async () => {
    await compactHistory({ dataDir: dir, config, now: new Date(START + 3 * DAY + 30 * 60_000), log });
    await contents({ writeCache: false });
    await expect(readFile(cacheFile())).rejects.toThrow();
  });
});
