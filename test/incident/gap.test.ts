/**
 * The monitor watches itself: a gap between runs longer than the threshold is recorded in
 * latest.json and, past heartbeat.gapIncident, opens one P3 "monitoring gap" issue that closes on
 * the runs after it. Each run pings the heartbeat URL: start, then success (or fail with the code).
 * Replayed with `ops run --now`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import { main } from "../../scripts/cli/main.ts";

const TOKEN = "ghs_gap_token_123456";
const START = Date.parse("2026-11-22T10:00:00Z");
const MIN = 60_000;
let server: Server;
let base = "";
const pings: string[] = [];
let gh: GitHubServer;
let dir = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith("/hc/")) pings.push(req.url.slice("/hc/".length));
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gh = await startGitHubServer({ owner: "hotdash", repo: "ops", token: TOKEN });
  dir = await mkdtemp(join(tmpdir(), "ops-gap-"));
  await writeFile(
    join(dir, "ops.config.yml"),
    `services:
  - { id: web, name: Web, probe: { type: http, url: "${base}/web" } }
heartbeat: { urls: ["\${HEARTBEAT_URL}"] }
defaults: { samples: 1, sampleSpacing: 0, confirmWindow: 0, retryDelay: 0, timeout: 2s }
`,
  );
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(minute: number) {
  let out = "";
  const code = await main(["run", "--now", new Date(START + minute * MIN).toISOString()], {
    env: {
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: "hotdash/ops",
      GITHUB_API_URL: gh.url,
      HEARTBEAT_URL: `${base}/hc/abc-uuid`,
    },
    cwd: dir,
    io: { out: (t) => void (out += t), err: (t) => void (out += t) },
  });
  expect(code, out).toBe(0);
  return { out, latest: JSON.parse(await readFile(join(dir, "reports", "latest.json"), "utf8")) as Latest };
}

const gapIssues = () => [...gh.state.issues.values()].filter((i) => i.labels.includes("monitoring-gap"));

describe("a gap between monitoring runs", () => {
  it("is recorded, opens a P3 issue past an hour, closes after; every run pings start and success", async () => {
    await run(0);
    await run(5);
    expect(pings).toEqual(["abc-uuid/start", "abc-uuid", "abc-uuid/start", "abc-uuid"]);
    expect(gapIssues()).toEqual([]);
    // 20 minutes without a run: longer than 3× the 5-minute cadence, recorded, no issue.
    let r = await run(25);
    expect(r.latest.gaps?.map((g) => g.gapMs)).toEqual([20 * MIN]);
    expect(r.out).toMatch(/monitoring gap: no monitoring run for 20 min/);
    expect(gapIssues()).toEqual([]);
    // Two hours without a run: a P3 issue.
    r = await run(145);
    expect(r.latest.gaps?.map((g) => g.gapMs)).toEqual([120 * MIN, 20 * MIN]);
    const [issue] = gapIssues();
    expect(issue).toMatchObject({ state: "open" });
    expect(issue!.labels).toContain("severity:P3");
    // Replaying that run records nothing new and writes nothing to GitHub.
    const writes = gh.requests.filter((q) => q.method !== "GET").length;
    r = await run(145);
    expect(r.latest.gaps).toHaveLength(2);
    expect(gh.requests.filter((q) => q.method !== "GET").length).toBe(writes);
    // Runs on schedule again: the issue closes.
    await run(150);
    await run(155);
    expect(gapIssues().map((i) => i.state)).toEqual(["closed"]);
    expect(pings.filter((p) => p.endsWith("/start")).length).toBe(pings.filter((p) => p === "abc-uuid").length);
  });
});
