import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accumulate, emptyStats } from "../../actions/shared/store/durations.ts";
import { readHistoryDay } from "../../actions/shared/store/history-read.ts";
import { groupByService } from "../../actions/shared/store/rollup.ts";
import { readDayHours } from "../../actions/shared/store/hours.ts";
import { loadHistoryView } from "../../actions/shared/store/view.ts";
import { prng, syntheticConfig, syntheticRuns, writeHistory } from "../../scripts/bench/synthetic.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.parse("2026-11-01T00:00:00Z");
const NOW = START + 4 * DAY + 16 * HOUR + 20 * 60_000; // mid-afternoon of the fifth day
const GAP = 20 * 60_000;
const config = syntheticConfig(3);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hours-"));
  await writeHistory(
    dir,
    syntheticRuns(config, { from: START, to: NOW, cadenceMs: 300_000, jitterMs: 240_000, seed: 7 }),
  );
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const view = () => loadHistoryView({ dataDir: dir, now: NOW, gapLimit: GAP, spanDays: 10, rawRecentDays: 10 });

/** The answer from every raw record, read afresh: what any window must equal. */
async function truth() {
  const days = (await readdir(join(dir, "reports", "history"))).map((n) => n.slice(0, 10)).sort();
  const byId = groupByService(await Promise.all(days.map((d) => readHistoryDay(dir, d))));
  return (id: string, from: number, to: number) => accumulate(byId.get(id) ?? [], from, to, GAP, emptyStats());
}

/** Whole hours, parts of hours, whole days, midnight crossings, and windows ending now. */
function windows(): Array<[number, number]> {
  const rnd = prng(11);
  const out: Array<[number, number]> = [
    [NOW - DAY, NOW],
    [NOW - 3 * DAY, NOW],
    [START + DAY, START + 2 * DAY],
    [START + DAY + 5 * HOUR, START + DAY + 6 * HOUR],
    [START + 2 * DAY - 7 * 60_000, START + 2 * DAY + 3 * 60_000],
    [START + 3 * DAY + 30 * 60_000, NOW - 5 * 60_000],
  ];
  for (let i = 0; i < 40; i++) {
    const from = START + Math.floor(rnd() * (NOW - START));
    out.push([from, Math.min(NOW, from + Math.floor(rnd() * 2 * DAY))]);
  }
  return out;
}

async function expectExact(label: string) {
  const [v, t] = await Promise.all([view(), truth()]);
  for (const id of config.services.map((s) => s.id)) {
    for (const [from, to] of windows()) {
      const got = v.window(id, from, to);
      const want = t(id, from, to);
      expect(
        { ms: got.ms, runs: got.runs, ok: got.ok, n: got.n, hist: got.hist },
        `${label} ${id} ${new Date(from).toISOString()} → ${new Date(to).toISOString()}`,
      ).toEqual(want);
    }
  }
}

describe("hourly summaries of past days (a cache, never a source of truth)", () => {
  it("answer every window exactly as the raw records do, built and then read back", async () => {
    await expectExact("built");
    const cached = await readdir(join(dir, ".ops-cache", "hours"));
    expect(cached).toEqual(["2026-11-01.bin", "2026-11-02.bin", "2026-11-03.bin", "2026-11-04.bin"]);
    expect(await readFile(join(dir, ".ops-cache", ".gitignore"), "utf8")).toContain("*");
    await expectExact("read back");
  });

  it("are rebuilt when a cache file is corrupt", async () => {
    await view();
    const file = join(dir, ".ops-cache", "hours", "2026-11-03.bin");
    const good = await readFile(file);
    expect(readDayHours(dir, "2026-11-03")).toBeDefined();
    // Cut short, with a flipped byte in its arrays, or not a cache at all: never read back, rebuilt.
    await writeFile(file, good.subarray(0, good.length - 100));
    expect(readDayHours(dir, "2026-11-03")).toBeUndefined();
    await expectExact("cut short");
    expect(await readFile(file)).toEqual(good);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3]! ^= 0x10;
    await writeFile(file, flipped);
    expect(readDayHours(dir, "2026-11-03")).toBeUndefined();
    await expectExact("flipped");
    expect(await readFile(file)).toEqual(good);
    await writeFile(file, Buffer.from('{"v":1,"key":'));
    expect(readDayHours(dir, "2026-11-03")).toBeUndefined();
    await expectExact("corrupt");
    expect(await readFile(file)).toEqual(good);
  });

  it("are rebuilt when the day's raw file, or the day before it, changed", async () => {
    await view();
    // A late record (another shard) lands in a past day, and one at the end of the day before.
    const line = (t: number, s: string) =>
      JSON.stringify({ t: new Date(t).toISOString(), id: "svc-01", s, l: [], ok: 0, n: 3, r: "late" });
    await appendFile(
      join(dir, "reports", "history", "2026-11-03.jsonl"),
      line(START + 2 * DAY + 10 * HOUR + 1_000, "down") + "\n",
    );
    await appendFile(join(dir, "reports", "history", "2026-11-01.jsonl"), line(START + DAY - 60_000, "down") + "\n");
    await expectExact("changed");
  });

  it("are not written in a dry run", async () => {
    await loadHistoryView({
      dataDir: dir,
      now: NOW,
      gapLimit: GAP,
      spanDays: 10,
      rawRecentDays: 10,
      writeCache: false,
    });
    await expect(readdir(join(dir, ".ops-cache"))).rejects.toThrow();
  });
});
