import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readMaintenanceWithDeadline } from "../../actions/shared/cycle/maintenance-issues.ts";
import { createGitHubClient, type GitHubClientOptions } from "../../actions/shared/github/client.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";

/**
 * A GitHub that does not answer never stalls monitoring: refused, 503, accept-and-hang (with
 * garbage collection forced while waiting) and black-holed (SYNs dropped) — each call is bounded
 * by one timeout, and once GitHub failed, every later call in the run fails at once.
 */
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const TOKEN = "ghs_unreachable_test_token";
const TIMEOUT = 1_000;
/** One timeout plus scheduling slack on a loaded machine. */
const BOUND = TIMEOUT + 1_500;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const client = (apiUrl: string, over: Partial<GitHubClientOptions> = {}) =>
  createGitHubClient({ token: TOKEN, repository: "hotdash/ops", apiUrl, timeoutMs: TIMEOUT, retryUnitMs: 1, ...over });

async function timed<T>(p: Promise<T>): Promise<{ ms: number; error?: Error }> {
  const t = performance.now();
  try {
    await p;
    return { ms: performance.now() - t };
  } catch (error) {
    return { ms: performance.now() - t, error: error as Error };
  }
}

/** A TCP server that accepts connections and never answers. */
async function acceptAndHang(): Promise<{ url: string; requests: () => number }> {
  const sockets: net.Socket[] = [];
  let requests = 0;
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on("data", (d: Buffer) => void (requests += (String(d).match(/^(GET|POST|PATCH|PUT|DELETE) /gm) ?? []).length));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, requests: () => requests };
}

/**
 * A black hole on loopback: a process listens with a backlog of 1 and then blocks its event loop,
 * so nothing is accepted; once the queue is full the kernel drops further SYNs and a connect hangs.
 */
async function blackHole(): Promise<string> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "-e",
      `
    const s = require("net").createServer();
    s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
      process.stdout.write(String(s.address().port) + "\\n");
      setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 50);
    });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  cleanup.push(() => child.kill("SIGKILL"));
  const port = await new Promise<number>((resolve) =>
    child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim()))),
  );
  await new Promise((r) => setTimeout(r, 200));
  // Fill the accept queue; these connections complete and are never accepted.
  for (let i = 0; i < 4; i++) {
    const filler = net.connect(port, "127.0.0.1");
    filler.on("error", () => {});
    cleanup.push(() => filler.destroy());
  }
  await new Promise((r) => setTimeout(r, 200));
  return `http://127.0.0.1:${port}`;
}

async function refusedUrl(): Promise<string> {
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(closed.address() as net.AddressInfo).port}`;
  await new Promise((r) => closed.close(r));
  return url;
}

describe("a GitHub that does not answer", () => {
  it("accept-and-hang: the timeout holds while garbage collection runs, then the rest of the run fails fast", async () => {
    const hang = await acceptAndHang();
    const c = client(hang.url);
    const collecting = setInterval(gc, 25);
    cleanup.push(() => clearInterval(collecting));
    const first = await timed(c.listIssues({ state: "open" }));
    expect(first.error?.message).toMatch(/did not answer in time/);
    // Collections every 25 ms slow everything on a busy machine; a lost timeout would wait 300 s.
    expect(first.ms).toBeLessThan(5 * TIMEOUT);
    expect(hang.requests()).toBe(1); // not retried
    clearInterval(collecting);
    const later = await timed(c.createComment(1, "x"));
    expect(later.error?.message).toMatch(
      /^GitHub comment on #1 on hotdash\/ops skipped: GitHub did not answer earlier in this run \(no answer within 1000 ms\)/,
    );
    expect(later.ms).toBeLessThan(TIMEOUT / 4);
    expect(hang.requests()).toBe(1);
  }, 15_000);

  it("refused: one attempt, no retries, then fail fast", async () => {
    const url = await refusedUrl();
    const c = client(url, { retries: 3, retryUnitMs: 1_000 });
    const first = await timed(c.listIssues({ state: "open" }));
    expect(first.error?.message).toMatch(/cannot reach the GitHub API at .*: ECONNREFUSED/);
    // With retries the plugin would wait 1 + 4 + 9 s.
    expect(first.ms).toBeLessThan(1_000);
    const later = await timed(c.getIssue(1));
    expect(later.error?.message).toMatch(/skipped: GitHub did not answer earlier in this run/);
  });

  it("black-holed: the connect is bounded by the timeout", async () => {
    const url = await blackHole();
    const c = client(url);
    const first = await timed(c.listIssues({ state: "open" }));
    expect(first.error?.message).toMatch(/did not answer in time|cannot reach/);
    expect(first.ms).toBeLessThan(BOUND);
    expect((await timed(c.listIssues({ state: "open" }))).ms).toBeLessThan(TIMEOUT / 4);
  });

  describe("503 from the emulator", () => {
    let gh: GitHubServer;
    beforeAll(async () => {
      gh = await startGitHubServer({ token: TOKEN });
    });
    afterAll(() => gh.close());

    it("is retried within the call, then the rest of the run skips GitHub", async () => {
      gh.faults.error({ match: "issues/list-for-repo", status: 503, times: 100 });
      // The emulator checks every request against GitHub's OpenAPI description: its first answer is slow.
      const c = client(gh.url, { retries: 2, timeoutMs: 10_000 });
      const first = await timed(c.listIssues({ state: "open" }));
      expect(first.error?.message).toMatch(/failed \(503/);
      expect(gh.requests.filter((r) => r.operationId === "issues/list-for-repo")).toHaveLength(3);
      const before = gh.requests.length;
      expect((await timed(c.getIssue(1))).error?.message).toMatch(/skipped/);
      expect(gh.requests.length).toBe(before);
      gh.faults.clear();
    });
  });
});

describe("maintenance windows with a deadline", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "maint-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("reads the issues when GitHub answers, and falls back to the last known windows when it hangs", async () => {
    const gh = await startGitHubServer({ token: TOKEN });
    cleanup.push(() => gh.close());
    const at = "2026-11-22T16:00:00.000Z";
    gh.state.issues.set(1, {
      number: 1,
      id: 1,
      title: "upgrade",
      state: "open",
      stateReason: null,
      labels: ["maintenance"],
      assignees: [],
      user: "ops",
      body: "services: chatwoot\nstart: 2026-11-22T15:55:00Z\nend: 2026-11-22T17:00:00Z",
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      deleted: false,
    });
    const now = new Date(at);
    const fresh = await readMaintenanceWithDeadline({
      github: client(gh.url, { timeoutMs: 10_000 }),
      deadlineMs: 10_000,
      now,
    });
    expect(fresh.note).toBeUndefined();
    expect(fresh).toMatchObject({ source: "github", windows: [{ services: ["chatwoot"] }] });
    // What the pipeline keeps in latest.json's maintenanceKnown for the next run.
    const lastKnown = fresh.known!;

    const hang = await acceptAndHang();
    const t = performance.now();
    const late = await readMaintenanceWithDeadline({
      github: client(hang.url, { timeoutMs: 10_000 }),
      deadlineMs: 300,
      now,
      lastKnown,
    });
    expect(performance.now() - t).toBeLessThan(1_500);
    expect(late).toMatchObject({ source: "last-known", windows: [{ services: ["chatwoot"] }] });
    expect(late.note).toBe(
      `maintenance issues not read (GitHub did not answer within 300 ms); using the 1 window(s) known from ${at}`,
    );

    const refused = await readMaintenanceWithDeadline({ github: client(await refusedUrl()), deadlineMs: 2_000, now });
    expect(refused.source).toBe("last-known");
    expect(refused.windows).toEqual([]);
    expect(refused.note).toMatch(/ECONNREFUSED\b.*no earlier windows are known, only the config's apply$/);
  });
});
