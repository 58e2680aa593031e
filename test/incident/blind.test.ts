/**
 * A blind monitor alerts too: a service `unknown` on online runs for longer than `blindAfter`
 * opens one P3 "monitoring blind" issue naming the reason, and it closes when data returns. Runs
 * while the runner itself is offline add nothing. Replayed with `ops run --now`.
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

const TOKEN = "ghs_blind_token_123456";
const START = Date.parse("2026-11-22T10:00:00Z");
const MIN = 60_000;
let server: Server;
let base = "";
let offline = false;
let gh: GitHubServer;
let dir = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    // The connectivity URL: a dropped connection while "offline".
    if (req.url === "/net" && offline) return void req.socket.destroy();
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gh = await startGitHubServer({ owner: "hotdash", repo: "ops", token: TOKEN });
  dir = await mkdtemp(join(tmpdir(), "ops-blind-"));
  await writeFile(
    join(dir, "ops.config.yml"),
    `services:
  - { id: ga, name: Google Analytics, probe: { type: http, url: "${base}/ga", headers: { Authorization: "Bearer \${GA_TOKEN}" } } }
  - { id: web, name: Web, probe: { type: http, url: "${base}/web" } }
connectivity: { urls: ["${base}/net"], timeout: 1s }
incidents: { blindAfter: 1h }
defaults: { samples: 1, sampleSpacing: 0, confirmWindow: 0, retryDelay: 0, timeout: 2s }
`,
  );
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(minute: number, env: Record<string, string>) {
  const now = new Date(START + minute * MIN).toISOString();
  let err = "";
  const code = await main(["run", "--now", now], {
    env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "hotdash/ops", GITHUB_API_URL: gh.url, ...env },
    cwd: dir,
    io: { out: () => {}, err: (t) => void (err += t) },
  });
  expect(code, err).toBe(0);
  return JSON.parse(await readFile(join(dir, "reports", "latest.json"), "utf8")) as Latest;
}

const blindIssues = () => [...gh.state.issues.values()].filter((i) => i.labels.includes("monitoring-blind"));

describe("monitoring blind", () => {
  it("opens after an hour unknown on online runs, not counting offline runs; closes when data returns", async () => {
    // 0–40 min: the secret is missing, the runner online: blind for 40 min.
    for (let m = 0; m <= 40; m += 5) await run(m, {});
    // 45–90 min: the runner is offline; the service is unknown for that reason, and it adds nothing.
    offline = true;
    let latest: Latest | undefined;
    for (let m = 45; m <= 90; m += 5) latest = await run(m, {});
    offline = false;
    expect(latest!.services.ga!.blindMs).toBe(40 * MIN);
    expect(blindIssues()).toEqual([]);
    // Online again, still no secret: 95 min adds 5 (since the last, offline, run) → 45 min … 60 at 110.
    for (let m = 95; m <= 105; m += 5) await run(m, {});
    expect(blindIssues()).toEqual([]);
    latest = await run(110, {});
    expect(latest.services.ga!.blindMs).toBe(60 * MIN);
    const [issue] = blindIssues();
    expect(issue).toMatchObject({
      state: "open",
      title: expect.stringContaining("monitoring blind: Google Analytics"),
    });
    expect(issue!.labels).toContain("severity:P3");
    expect(issue!.body).toMatch(/GA_TOKEN/);
    // The same run replayed: nothing new.
    const requests = gh.requests.filter((r) => r.method !== "GET").length;
    await run(110, {});
    expect(gh.requests.filter((r) => r.method !== "GET").length).toBe(requests);
    // Data returns: the blind incident closes after the usual good runs; web never had one.
    await run(115, { GA_TOKEN: "ga-token-value-123" });
    latest = await run(120, { GA_TOKEN: "ga-token-value-123" });
    expect(latest.services.ga!.blindMs).toBeUndefined();
    expect(blindIssues().map((i) => i.state)).toEqual(["closed"]);
    expect([...gh.state.issues.values()].map((i) => i.title)).toEqual([issue!.title]);
  });
});
