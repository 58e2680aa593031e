import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseStatusCommand, readPublicUpdates, type PublicUpdate } from "../../actions/incident/public-updates.ts";
import { publicUpdatesSection } from "../../actions/incident/records.ts";
import { createGitHubClient } from "../../actions/shared/github/client.ts";
import { createDryRunClient } from "../../actions/shared/github/dry-run.ts";
import { IncidentState } from "../../actions/shared/store/latest-schema.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";

/**
 * Public updates: `/status <phase>: text` comments by people with write access, read through the
 * real client. The first request compiles the OpenAPI checks, slow on a loaded machine: hence the
 * generous client timeout.
 */
let gh: GitHubServer;
const TOKEN = "ghs_public_updates_test";
beforeAll(async () => {
  gh = await startGitHubServer({ token: TOKEN });
});
afterAll(() => gh.close());
afterEach(() => {
  gh.state.comments.length = 0;
  gh.state.collaborators.clear();
  gh.requests.length = 0;
  expect(gh.violations.splice(0)).toEqual([]);
});

const client = () =>
  createGitHubClient({
    token: TOKEN,
    repository: "hotdash/ops",
    apiUrl: gh.url,
    retryUnitMs: 1,
    writeSpacingMs: 0,
    timeoutMs: 15_000,
  });
let at = Date.parse("2026-11-22T16:00:00Z");
function comment(issue: number, user: string, body: string): number {
  const id = gh.state.nextId();
  const createdAt = new Date((at += 60_000)).toISOString();
  gh.state.comments.push({ id, issue, body, user, createdAt, updatedAt: createdAt });
  return id;
}
async function issue(): Promise<number> {
  return (await client().createIssue({ title: "Chatwoot down", body: "", labels: ["incident"] })).number;
}

describe("parseStatusCommand", () => {
  it("takes the four phases, any case, and the text after the colon", () => {
    expect(parseStatusCommand("/status investigating: Looking into errors")).toEqual({
      phase: "investigating",
      text: "Looking into errors",
    });
    expect(parseStatusCommand("  /status Identified :  bad deploy\r\nrolling back ")).toEqual({
      phase: "identified",
      text: "bad deploy\nrolling back",
    });
    expect(parseStatusCommand("/status monitoring: fix out <!-- hidden -->")).toEqual({
      phase: "monitoring",
      text: "fix out",
    });
    expect(parseStatusCommand("/status resolved: all good")?.phase).toBe("resolved");
  });

  it("ignores everything else", () => {
    for (const body of [
      "status resolved: x",
      "/status fixed: x",
      "/status resolved x",
      "/status resolved:   ",
      "I ran /status resolved: x",
      "/statusresolved: x",
    ]) {
      expect(parseStatusCommand(body), body).toBeUndefined();
    }
    expect(parseStatusCommand(`/status identified: ${"x".repeat(5000)}`)!.text).toHaveLength(2000);
  });
});

describe("readPublicUpdates against the GitHub emulator", () => {
  it("publishes /status comments from write, maintain and admin users only, asking GitHub once per login", async () => {
    const n = await issue();
    gh.state.collaborators
      .set("alice", "write")
      .set("mo", "maintain")
      .set("root", "admin")
      .set("tri", "triage")
      .set("rita", "read");
    comment(n, "alice", "/status investigating: Errors on the API <script>alert(1)</script>");
    comment(n, "github-actions[bot]", "📈 down → down");
    comment(n, "stranger", "/status resolved: it's fine, trust me");
    comment(n, "rita", "/status resolved: read access only");
    comment(n, "tri", "/status monitoring: triage only");
    comment(n, "ghost-deleted", "/status identified: deleted account");
    comment(n, "mo", "/status identified: a bad deploy");
    comment(n, "alice", "just a discussion comment");
    comment(n, "root", "/status resolved: recovered");
    const updates = await readPublicUpdates({ github: client(), issue: n });
    expect(updates.map((u) => [u.phase, u.author, u.text])).toEqual([
      ["investigating", "alice", "Errors on the API <script>alert(1)</script>"],
      ["identified", "mo", "a bad deploy"],
      ["resolved", "root", "recovered"],
    ]);
    expect(updates[0]).toMatchObject({ at: "2026-11-22T16:01:00.000Z", commentId: expect.any(Number) });
    const asked = gh.requests
      .filter((r) => r.operationId === "repos/get-collaborator-permission-level")
      .map((r) => r.path.split("/")[5]);
    expect(asked.sort()).toEqual(["alice", "ghost-deleted", "mo", "rita", "root", "stranger", "tri"]);
    // The result is valid state.
    expect(
      IncidentState.parse({
        key: "service:x",
        kind: "service",
        subject: "x",
        state: "open",
        severity: "P1",
        status: "down",
        openedAt: "2026-11-22T16:00:00Z",
        updates,
      }).updates,
    ).toHaveLength(3);
  });

  it("does not ask again about updates already stored, and follows edits and deletions", async () => {
    const n = await issue();
    gh.state.collaborators.set("alice", "write");
    const first = comment(n, "alice", "/status investigating: looking");
    const known: PublicUpdate[] = await readPublicUpdates({ github: client(), issue: n });
    gh.requests.length = 0;
    // alice lost access since: her stored update stays, her new one is not published.
    gh.state.collaborators.delete("alice");
    comment(n, "alice", "/status resolved: done");
    const again = await readPublicUpdates({ github: client(), issue: n, known });
    expect(again.map((u) => u.commentId)).toEqual([first]);
    expect(gh.requests.filter((r) => r.operationId === "repos/get-collaborator-permission-level")).toHaveLength(1);
    // Edited to something that is no longer a command, the update goes.
    gh.state.comments.find((c) => c.id === first)!.body = "never mind";
    expect(await readPublicUpdates({ github: client(), issue: n, known })).toEqual([]);
  });

  it("publishes nothing in a dry run without a token (nobody can be checked)", async () => {
    const n = await issue();
    gh.state.collaborators.set("alice", "admin");
    comment(n, "alice", "/status investigating: looking");
    const dry = createDryRunClient({ print: () => {}, reader: client() });
    expect(await readPublicUpdates({ github: dry, issue: n })).toHaveLength(1);
    const tokenless = createDryRunClient({ print: () => {} });
    expect(await tokenless.permissionOf("alice")).toBe("none");
  });
});

describe("the record's Public updates section", () => {
  it("keeps each update on one escaped line", () => {
    const text = publicUpdatesSection([
      {
        at: "2026-11-22T16:01:00.000Z",
        phase: "investigating",
        author: "alice",
        text: "a | b\n<img src=x onerror=alert(1)>",
        commentId: 1,
      },
    ]);
    expect(text).toBe(
      "\n## Public updates\n\n- **2026-11-22 16:01 UTC · Investigating** (@alice): a \\| b &lt;img src=x onerror=alert(1)>\n",
    );
    expect(publicUpdatesSection(undefined)).toBe("");
  });
});
