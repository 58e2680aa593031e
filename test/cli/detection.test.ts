import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullRun } from "../../actions/shared/cycle/run.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createGitHubClient } from "../../actions/shared/github/client.ts";
import type { IncidentEvent, Notifier } from "../../actions/incident/notify/index.ts";
import { silentLog } from "../../actions/shared/log.ts";
import { readHistory, type HistoryRecord } from "../../actions/shared/store/history.ts";
import type { Rating, Status } from "../../actions/shared/status.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";

/**
 * Detection quality (issue 11): services failing a fixed share of their requests, replayed over an
 * hour of 5-minute runs through the whole cycle (probe → evaluate → store → incidents → reports),
 * against real loopback servers and the GitHub emulator. The servers fail deterministically: after N
 * requests exactly round(N·p) have failed (request i, from 0, fails when round((i+1)·p) > round(i·p)),
 * so failures are spread as evenly as the rate allows.
 *
 * The engine and thresholds are the defaults of ops.config.yml: 3 samples 500 ms apart, confirmation
 * for 2 min from 5 s doubling, success rate green > 95 %, yellow 90–95 %, red < 90 % (on-call
 * runbook), degraded opens after 15 min, window 30 min with 15 samples at least.
 */
const T0 = Date.parse("2026-11-23T09:00:00Z");
const MIN = 60_000;
const RUNS = 13; // 09:00 … 10:00

type Behaviour = (i: number) => boolean; // true: request i fails
const failingShare =
  (pct: number): Behaviour =>
  (i) =>
    Math.round(((i + 1) * pct) / 100) > Math.round((i * pct) / 100);

let server: Server;
let base = "";
const behaviours = new Map<string, Behaviour>();
const served = new Map<string, number>();
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const path = req.url ?? "/";
    const i = served.get(path) ?? 0;
    served.set(path, i + 1);
    const fails = behaviours.get(path)?.(i) ?? false;
    res.writeHead(fails ? 503 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: fails ? "error" : "ok" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

interface RunRow {
  minute: number;
  status: Status;
  band: Rating | undefined;
  ok: number;
  n: number;
}

interface Outcome {
  rows: RunRow[];
  opened: Array<{ minute: number; severity: string }>;
  events: IncidentEvent[];
  history: HistoryRecord[];
}

/** An hour of runs of one service (its own data directory, clock and GitHub). */
async function replay(id: string, behaviour: Behaviour): Promise<Outcome> {
  const path = `/${id}`;
  behaviours.set(path, behaviour);
  const dataDir = await mkdtemp(join(tmpdir(), "ops-detect-"));
  const gh: GitHubServer = await startGitHubServer({ token: "ghs_detect" });
  const clock = manualClock(new Date(T0));
  gh.state.now = () => clock.now();
  const github = createGitHubClient({
    token: "ghs_detect",
    repository: "hotdash/ops",
    apiUrl: gh.url,
    retryUnitMs: 1,
    writeSpacingMs: 0,
    timeoutMs: 5_000,
  });
  const events: IncidentEvent[] = [];
  const notifier: Notifier = { sendBatch: async (list) => (events.push(...list), list.map(() => [])) };
  const config = OpsConfig.parse({
    services: [
      {
        id,
        name: id,
        criticality: "critical",
        probe: { type: "http", url: `${base}${path}`, expect: { json: [{ path: "status", equals: "ok" }] } },
      },
    ],
    defaults: { samples: 3, sampleSpacing: "500ms", confirmWindow: "2m", retryDelay: "5s", timeout: "2s" },
    incidents: { degradedAfter: "15m" },
  });
  const rows: RunRow[] = [];
  const opened: Outcome["opened"] = [];
  let history: HistoryRecord[] = [];
  try {
    for (let k = 0; k < RUNS; k++) {
      const runAt = new Date(T0 + k * 5 * MIN);
      clock.set(runAt);
      const out = await fullRun(
        { config, dataDir, clock, runAt, env: {}, log: silentLog, redactor: createRedactor(), dryRun: false },
        { github, notifier },
      );
      expect(out.errors).toEqual([]);
      const s = out.probe.latest.services[id]!;
      rows.push({
        minute: k * 5,
        status: s.status,
        band: s.ratings.successRate,
        ok: s.metrics.okCount,
        n: s.metrics.count,
      });
      for (const op of out.incidents?.operations ?? []) {
        if (op.op === "create" || op.op === "reopen")
          opened.push({ minute: k * 5, severity: out.probe.latest.incidents[`service:${id}`]!.severity });
      }
    }
    expect(gh.violations).toEqual([]);
    history = await readHistory(dataDir, { from: new Date(T0), to: new Date(T0 + 2 * 3_600_000) }, silentLog);
  } finally {
    await gh.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return { rows, opened, events, history };
}

/** The runbook's band for a success rate: green > 95 %, yellow 90–95 %, red < 90 %. */
const bandOf = (success: number): Rating => (success > 95 ? "green" : success >= 90 ? "yellow" : "red");
const RANK: Record<Rating, number> = { green: 0, yellow: 1, red: 2 };

describe("detection quality: an hour of 5-minute runs per failure rate", () => {
  it("reaches the runbook's band within 30 min; under 5 % opens nothing; 100 % opens in the first run", async () => {
    const rates = [0, 3, 7, 12, 20, 34, 100];
    const outcomes = await Promise.all(rates.map((p) => replay(`fail-${p}`, failingShare(p))));
    const table = [
      "| failing | runbook band | band reached at | band per run, 0–60 min | first incident | measured success (hour) |",
      "|---|---|---|---|---|---|",
    ];
    rates.forEach((p, i) => {
      const { rows, opened } = outcomes[i]!;
      const want = bandOf(100 - p);
      const reached = rows.find((r) => r.band === want);
      const bands = rows.map((r) => (r.band ?? "green")[0]).join("");
      const ok = rows.reduce((a, r) => a + r.ok, 0);
      const n = rows.reduce((a, r) => a + r.n, 0);
      table.push(
        `| ${p} % | ${want} | ${reached ? `${reached.minute} min` : "never"} | \`${bands}\` | ${opened[0] ? `${opened[0].minute} min (${opened[0].severity})` : "none"} | ${((ok / n) * 100).toFixed(1)} % (${ok}/${n}) |`,
      );
    });
    console.log(`\nDetection over ${RUNS} runs, 5 min apart (measured):\n${table.join("\n")}\n`);

    rates.forEach((p, i) => {
      const { rows, opened } = outcomes[i]!;
      const want = bandOf(100 - p);
      const reached = rows.find((r) => r.band === want);
      expect(reached, `${p} %: band ${want} reached`).toBeDefined();
      expect(reached!.minute, `${p} %: band ${want} within 30 min`).toBeLessThanOrEqual(30);
      // Never rated worse than the runbook says.
      expect(
        rows.filter((r) => RANK[r.band ?? "green"] > RANK[want]),
        `${p} %: never worse than ${want}`,
      ).toEqual([]);
      if (p < 5) expect(opened, `${p} %: opens nothing`).toEqual([]);
      // Red is down: one P0 incident (critical service), kept open all hour, never a second.
      if (want === "red")
        expect(
          opened.map((o) => o.severity),
          `${p} %: opens one incident`,
        ).toEqual(["P0"]);
      // Yellow is degraded: an incident only once degraded for 15 min without a break (see docs).
      if (want === "yellow") expect(opened.length, `${p} %: at most one incident`).toBeLessThanOrEqual(1);
    });
    // 100 %: down and open in the very first run, after confirmation.
    const total = outcomes[rates.indexOf(100)]!;
    expect(total.rows[0]).toMatchObject({ status: "down", band: "red", ok: 0 });
    expect(total.opened[0]).toEqual({ minute: 0, severity: "P0" });
  }, 120_000);

  it("one bad sample, or one bad run, opens nothing and never leaves green", async () => {
    // Request 10 fails (run 3's second sample); then a run whose first attempt fails entirely.
    const [sample, run] = await Promise.all([
      replay("one-sample", (i) => i === 10),
      replay("one-run", (i) => i >= 30 && i < 33),
    ]);
    for (const o of [sample, run]) {
      expect(o.rows.map((r) => r.band ?? "green")).toEqual(Array(RUNS).fill("green"));
      expect(o.rows.map((r) => r.status)).toEqual(Array(RUNS).fill("up"));
      expect(o.opened).toEqual([]);
      expect(o.events).toEqual([]);
    }
    // Every sample counts: the bad run is recorded with all its attempts' samples.
    expect(run.rows.find((r) => r.ok < r.n)).toMatchObject({ minute: 50, ok: 3, n: 6 });
    expect(sample.rows.find((r) => r.ok < r.n)).toMatchObject({ minute: 15, ok: 5, n: 6 });
    // … in latest.json and in the history, one record per run.
    expect(run.history.filter((h) => h.ok < h.n)).toEqual([
      expect.objectContaining({ t: "2026-11-23T09:50:00.000Z", ok: 3, n: 6, s: "up" }),
    ]);
    expect(run.history).toHaveLength(RUNS);
  }, 60_000);
});
