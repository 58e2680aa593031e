import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitHubServer, type GitHubServer } from "../../../emulators/github/server.ts";
import { createGitHubClient, type GitHubClientOptions } from "./client.ts";
import { createDryRunClient } from "./dry-run.ts";

let gh: GitHubServer;
const TOKEN = "ghs_test_token_123456";
beforeAll(async () => {
  gh = await startGitHubServer({ token: TOKEN });
});
afterAll(() => gh.close());
afterEach(() => {
  const violations = gh.violations.splice(0);
  gh.faults.clear();
  gh.permission = "write";
  expect(violations).toEqual([]);
});

const client = (over: Partial<GitHubClientOptions> = {}) =>
  createGitHubClient({
    token: TOKEN,
    repository: "hotdash/ops",
    apiUrl: gh.url,
    retryUnitMs: 1,
    writeSpacingMs: 0,
    timeoutMs: 10_000,
    ...over,
  });

describe("GitHub client against the emulator", () => {
  it("creates, reads, updates and pages through issues and comments", async () => {
    const c = client();
    const made = await c.createIssue({ title: "t", body: "b", labels: ["incident", "severity:P0"] });
    expect(made).toMatchObject({ title: "t", state: "open", labels: ["incident", "severity:P0"] });
    for (let i = 0; i < 104; i++)
      gh.state.issues.set(1000 + i, { ...gh.state.issues.get(made.number)!, number: 1000 + i, id: 5000 + i });
    const all = await c.listIssues({ state: "open", labels: ["incident"] });
    expect(all).toHaveLength(105);
    expect(gh.requests.filter((r) => r.operationId === "issues/list-for-repo").length).toBe(2);
    for (let i = 0; i < 3; i++) await c.createComment(made.number, `c${i}`);
    expect((await c.listComments(made.number)).map((x) => x.body)).toEqual(["c0", "c1", "c2"]);
    const closed = await c.updateIssue(made.number, { state: "closed", stateReason: "completed" });
    expect(closed).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(await c.getIssue(99_999)).toBeNull();
  });

  it("turns 401, 403 and 404 into messages that say what to change", async () => {
    await expect(client({ token: "wrong-token" }).listIssues({ state: "open" })).rejects.toThrow(
      /401 Bad credentials\). Set GITHUB_TOKEN/,
    );
    gh.permission = "read";
    await expect(client().createIssue({ title: "x", body: "", labels: [] })).rejects.toThrow(
      /permissions: issues: write/,
    );
    await expect(client({ repository: "hotdash/nope" }).listIssues({ state: "open" })).rejects.toThrow(
      /404 Not Found\. Check GITHUB_REPOSITORY \(hotdash\/nope\)/,
    );
    expect(() => client({ repository: "nonsense" })).toThrow(/expected "owner\/name"/);
    expect(() => client({ token: "" })).toThrow(/GITHUB_TOKEN is empty/);
  });

  it("retries a 500 on a read and waits out a short secondary rate limit", async () => {
    gh.faults.error({ match: "issues/list-for-repo", times: 2 });
    gh.faults.secondaryLimit({ match: "issues/list-comments", retryAfter: 3 });
    const c = client();
    await expect(c.listIssues({ state: "all" })).resolves.toBeInstanceOf(Array);
    await expect(c.listComments(1)).resolves.toBeInstanceOf(Array);
    expect(gh.faults.pending()).toBe(0);
  });

  it("gives up on a long secondary rate limit and never replays a create", async () => {
    const lines: string[] = [];
    gh.faults.secondaryLimit({ match: "issues/create", retryAfter: 3600 });
    await expect(
      client({ log: (l) => lines.push(l) }).createIssue({ title: "x", body: "", labels: [] }),
    ).rejects.toThrow(/rate limit \(403, Retry-After 3600s\)/);
    expect(lines.join("\n")).toMatch(/giving up for this run/);
    const before = gh.state.issues.size;
    gh.faults.error({ match: "issues/create", phase: "after" });
    await expect(client().createIssue({ title: "y", body: "", labels: [] })).rejects.toThrow(
      /create issue .* failed \(500/,
    );
    expect(gh.state.issues.size).toBe(before + 1);
  });

  it("times out a slow answer", async () => {
    gh.faults.slow({ match: "issues/get", delayMs: 400, times: 1 });
    await expect(client({ timeoutMs: 100, retries: 0 }).getIssue(1)).rejects.toThrow(
      `GitHub get issue #1 on hotdash/ops failed: the GitHub API at ${gh.url} did not answer in time — check GITHUB_API_URL`,
    );
  });

  it("says the API cannot be reached when nothing listens, not that it answered an error", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const apiUrl = `http://127.0.0.1:${(closed.address() as net.AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const error = await client({ apiUrl: `${apiUrl}/`, retries: 0 })
      .listIssues({ state: "open" })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toBe(
      `GitHub list issues on hotdash/ops failed: cannot reach the GitHub API at ${apiUrl}: ECONNREFUSED — check GITHUB_API_URL and the runner's network; the next run retries it`,
    );
    expect(error?.cause).toBeInstanceOf(Error);
  });

  it("dry run prints writes and makes none", async () => {
    const lines: string[] = [];
    const before = gh.requests.length;
    const dry = createDryRunClient({ reader: client(), print: (l) => lines.push(l) });
    await dry.createIssue({ title: "Chatwoot down", body: "body", labels: ["incident"] });
    await dry.createComment(3, "hello\nworld");
    await dry.updateIssue(3, { state: "closed" });
    expect(lines).toEqual([
      '[dry-run] create issue "Chatwoot down" labels=[incident] body=4 chars',
      '[dry-run] comment on #3: "hello"',
      '[dry-run] update issue #3 state="closed"',
    ]);
    expect(gh.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
  });
});
