import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../scripts/cli/main.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";

/**
 * "A run is a run" (issue 11): runs are identified by their run time. The same `ops run --now T`
 * again, or `ops incidents --now T` again on the same stored state, changes nothing: no second
 * history record, no counter step, no comment, no notification, no close.
 */
let server: Server;
let healthy = true;
let base = "";
let gh: GitHubServer;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: healthy ? "ok" : "error" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gh = await startGitHubServer({ token: "ghs_replay_token" });
});
afterAll(async () => {
  await gh.close();
  await new Promise((r) => server.close(r));
});

async function workspace(incidents = "") {
  const dir = await mkdtemp(join(tmpdir(), "ops-replay-"));
  await writeFile(
    join(dir, "ops.config.yml"),
    `services:
  - id: api
    name: API
    criticality: critical
    probe: { type: http, url: "${base}/health" }
defaults: { samples: 2, sampleSpacing: 0, confirmWindow: 0, retryDelay: 0, timeout: 2s }
incidents: { labels: [incident-${dir
      .slice(-6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "x")}]${incidents} }
`,
  );
  return dir;
}

async function ops(dir: string, ...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, {
    env: { GITHUB_TOKEN: "ghs_replay_token", GITHUB_REPOSITORY: "hotdash/ops", GITHUB_API_URL: gh.url },
    cwd: dir,
    io: { out: (t) => void (out += t), err: (t) => void (err += t) },
  });
  expect(err).not.toMatch(/^error/m);
  return { code, out, err };
}

const latestText = (dir: string) => readFile(join(dir, "reports/latest.json"), "utf8");
const latestOf = async (dir: string) => JSON.parse(await latestText(dir)) as Latest;
const history = async (dir: string) =>
  (await readFile(join(dir, "reports/history/2026-11-22.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { t: string; id: string; s: string });
const issuesFor = (dir: string) => {
  const label = `incident-${dir
    .slice(-6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}`;
  return [...gh.state.issues.values()].filter((i) => i.labels.includes(label));
};
const commentCount = () => gh.state.comments.length;

describe("ops run --now T, twice", () => {
  it("appends one history record and advances the counters once; openAfter 2 does not open on one bad run run twice", async () => {
    const dir = await workspace(", openAfter: 2");
    healthy = true;
    await ops(dir, "run", "--now", "2026-11-22T10:00:00Z");
    healthy = false;
    await ops(dir, "run", "--now", "2026-11-22T10:05:00Z");
    const once = await latestText(dir);
    expect(JSON.parse(once).services.api).toMatchObject({ status: "down", consecutiveFailures: 1 });

    await ops(dir, "run", "--now", "2026-11-22T10:05:00Z");
    expect(await latestText(dir)).toBe(once);
    expect((await history(dir)).map((r) => `${r.t.slice(11, 16)} ${r.s}`)).toEqual(["10:00 up", "10:05 down"]);
    expect(issuesFor(dir)).toEqual([]);

    // The next distinct run is the second bad run: now it opens.
    await ops(dir, "run", "--now", "2026-11-22T10:10:00Z");
    expect((await latestOf(dir)).services.api!.consecutiveFailures).toBe(2);
    expect(issuesFor(dir)).toHaveLength(1);
  });
});

describe("ops incidents --now T, twice on the same state", () => {
  it("the first good run after an outage, run again, neither counts twice nor closes; two dispatches a minute apart do not close", async () => {
    const dir = await workspace();
    healthy = false;
    await ops(dir, "run", "--now", "2026-11-22T11:00:00Z");
    await ops(dir, "run", "--now", "2026-11-22T11:05:00Z");
    const [issue] = issuesFor(dir);
    expect(issue).toBeDefined();
    healthy = true;
    await ops(dir, "run", "--now", "2026-11-22T11:10:00Z");
    const state = await latestText(dir);
    expect(JSON.parse(state).incidents["service:api"]).toMatchObject({ state: "open", goodRuns: 1 });

    const comments = commentCount();
    const again = await ops(dir, "incidents", "--now", "2026-11-22T11:10:00Z", "--json");
    expect(JSON.parse(again.out)).toMatchObject({ operations: [], notifications: [] });
    expect(await latestText(dir)).toBe(state);
    // The same run through the whole cycle again: still nothing.
    await ops(dir, "run", "--now", "2026-11-22T11:10:00Z");
    expect(await latestText(dir)).toBe(state);
    expect(commentCount()).toBe(comments);
    expect(gh.state.issues.get(issue!.number)!.state).toBe("open");

    // A manual dispatch a minute later is a second good run, but only 1 min after the recovery.
    await ops(dir, "run", "--now", "2026-11-22T11:11:00Z");
    expect((await latestOf(dir)).incidents["service:api"]).toMatchObject({ state: "open", goodRuns: 2 });
    expect(gh.state.issues.get(issue!.number)!.state).toBe("open");
    // The scheduled run at 11:15: 5 min since the recovery, closed.
    await ops(dir, "run", "--now", "2026-11-22T11:15:00Z");
    expect((await latestOf(dir)).incidents["service:api"]).toMatchObject({ state: "closed", closedBy: "automation" });
    expect(gh.state.issues.get(issue!.number)!.state).toBe("closed");
    expect(await readdir(join(dir, "incidents"))).toHaveLength(1);
  });
});
