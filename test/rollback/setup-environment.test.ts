import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createOctokit } from "../../actions/shared/github/client.ts";
import type { OctokitRequest } from "../../actions/rollback/github.ts";
import { setupEnvironment } from "../../scripts/setup-environment.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import { deploymentRoutes, deployState } from "../../emulators/github/routes/deployments.ts";
import { userJson } from "../../emulators/github/state.ts";

const TOKEN = "ghp_admin_token";
const repo = { owner: "hotdash", repo: "ops" };
let gh: GitHubServer;
let request: OctokitRequest;

beforeEach(async () => {
  gh = await startGitHubServer({ token: TOKEN, routes: deploymentRoutes });
  const s = deployState(gh.state);
  s.users.add("manager-mia").add("lead-lee");
  s.teams.set("hotdash/oncall", 31337);
  request = createOctokit({
    token: TOKEN,
    repository: "hotdash/ops",
    apiUrl: gh.url,
    retryUnitMs: 1,
    writeSpacingMs: 0,
  }).request as unknown as OctokitRequest;
});
afterEach(() => gh.close());

const config = (production: Record<string, unknown>) =>
  OpsConfig.parse({
    services: [{ id: "x", name: "X", probe: { type: "http", url: "http://127.0.0.1:9" } }],
    environments: { production },
  });

describe("scripts/setup-environment.ts", () => {
  it("creates the environment with reviewers as ids, prevent self-review, and main as the only deployment branch", async () => {
    const lines: string[] = [];
    await setupEnvironment({
      config: config({ reviewers: ["manager-mia", "lead-lee"], teams: ["oncall"] }),
      repo,
      environment: "production",
      request,
      dryRun: false,
      print: (l) => lines.push(l),
    });
    const env = deployState(gh.state).environments.get("production")!;
    expect(env.reviewers).toEqual([
      { type: "User", id: userJson(gh.url, "manager-mia").id },
      { type: "User", id: userJson(gh.url, "lead-lee").id },
      { type: "Team", id: 31337 },
    ]);
    expect(env.preventSelfReview).toBe(true);
    expect(env.branchPolicy).toEqual({ protected_branches: false, custom_branch_policies: true });
    expect(env.policies.map((p) => [p.name, p.type])).toEqual([["main", "branch"]]);
    expect(lines.join("\n")).toMatch(
      /Set hotdash\/ops environment "production": 3 required reviewer\(s\), prevent self-review on, .*deployments only from main/,
    );
    expect(lines.join("\n")).toContain("private repositories need GitHub Enterprise");
    expect(gh.violations).toEqual([]);
  });

  it("is idempotent and removes branch policies that are not configured", async () => {
    const cfg = config({ reviewers: ["manager-mia"] });
    await setupEnvironment({ config: cfg, repo, environment: "production", request, dryRun: false, print: () => {} });
    deployState(gh.state).environments.get("production")!.policies.push({ id: 999, name: "release/*", type: "branch" });
    const again = await setupEnvironment({
      config: cfg,
      repo,
      environment: "production",
      request,
      dryRun: false,
      print: () => {},
    });
    expect(again.policies).toEqual({ created: [], deleted: ["release/*"], kept: ["main"] });
    expect(
      deployState(gh.state)
        .environments.get("production")!
        .policies.map((p) => p.name),
    ).toEqual(["main"]);
    expect(gh.violations).toEqual([]);
  });

  it("--dry-run prints the PUT and writes nothing", async () => {
    const lines: string[] = [];
    const result = await setupEnvironment({
      config: config({ reviewers: ["manager-mia"], waitTimer: 5 }),
      repo,
      environment: "production",
      request,
      dryRun: true,
      print: (l) => lines.push(l),
    });
    const out = lines.join("\n");
    expect(out).toContain("[dry-run] PUT /repos/hotdash/ops/environments/production");
    expect(out).toContain(`"prevent_self_review": true`);
    expect(out).toContain(`"custom_branch_policies": true`);
    expect(out).toContain("[dry-run] POST /repos/hotdash/ops/environments/production/deployment-branch-policies");
    expect(result.body.reviewers).toEqual([{ type: "User", id: userJson(gh.url, "manager-mia").id }]);
    expect(gh.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(deployState(gh.state).environments.size).toBe(0);
  });

  it("--dry-run without a token shows placeholders for ids", async () => {
    const lines: string[] = [];
    await setupEnvironment({
      config: config({ reviewers: ["manager-mia"], teams: ["platform/sre"] }),
      repo,
      environment: "production",
      dryRun: true,
      print: (l) => lines.push(l),
    });
    expect(lines.join("\n")).toContain(`"id": "<id of user manager-mia>"`);
    expect(lines.join("\n")).toContain(`"id": "<id of team platform/sre>"`);
  });

  it("refuses placeholders, empty reviewer lists and unknown users with messages that say what to fix", async () => {
    const run = (production: Record<string, unknown>) =>
      setupEnvironment({
        config: config(production),
        repo,
        environment: "production",
        request,
        dryRun: false,
        print: () => {},
      });
    await expect(run({ reviewers: ["REPLACE_WITH_MANAGER_LOGIN"] })).rejects.toThrow(
      /is a placeholder; put the approver's GitHub login there/,
    );
    await expect(run({ reviewers: [] })).rejects.toThrow(/no reviewers or teams/);
    await expect(run({ reviewers: ["ghost-user"] })).rejects.toThrow(
      /GET \/users\/\{username\}: 404 .*no such GitHub user/,
    );
    await expect(
      setupEnvironment({
        config: config({ reviewers: ["manager-mia"] }),
        repo,
        environment: "staging",
        request,
        dryRun: false,
        print: () => {},
      }),
    ).rejects.toThrow(/no environments.staging/);
  });

  it("explains that GITHUB_TOKEN cannot manage environments", async () => {
    gh.permission = "read";
    await expect(
      setupEnvironment({
        config: config({ reviewers: ["manager-mia"] }),
        repo,
        environment: "production",
        request,
        dryRun: false,
        print: () => {},
      }),
    ).rejects.toThrow(/403 .*needs an admin token on hotdash\/ops \(GITHUB_TOKEN cannot manage environments\)/);
  });
});
