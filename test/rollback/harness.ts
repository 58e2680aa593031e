/**
 * Everything an end-to-end rollback test needs, all real loopback servers: the Fly Machines
 * emulator, the GitHub emulator with the deployment routes, and the service's own health endpoint
 * (probed by the foundation engine during verification).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock, type ManualClock } from "../../actions/shared/clock.ts";
import { OpsConfig, type OpsConfigInput } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { createOctokit } from "../../actions/shared/github/client.ts";
import { createRollbackGitHub, type OctokitRequest } from "../../actions/rollback/github.ts";
import type { RollbackDeps } from "../../actions/rollback/step.ts";
import type { RollbackRequest } from "../../actions/rollback/inputs.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import { deploymentRoutes, deployState } from "../../emulators/github/routes/deployments.ts";
import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";
import type { MachineSpec } from "../../emulators/machines/fleet.ts";
import { APP } from "./fixtures.ts";

export const FLY_TOKEN = "fo1_rollback_secret_token_value";
export const GH_TOKEN = "ghs_rollback_test_token";
export const RUN_ID = 4242;

export interface Harness {
  fly: MachinesEmulator;
  gh: GitHubServer;
  health: { url: string; status: number; hits: number };
  clock: ManualClock;
  dataDir: string;
  config: OpsConfig;
  commits: Array<{ paths: string[]; message: string }>;
  logs: string[];
  deps(request: Partial<RollbackRequest>, extra?: Partial<RollbackDeps>): RollbackDeps;
  close(): Promise<void>;
}

export async function startHarness(
  machines: MachineSpec[],
  configExtra: Partial<OpsConfigInput> = {},
  rollback?: Record<string, unknown>,
): Promise<Harness> {
  const fly = await startMachinesEmulator({ app: APP, machines, token: FLY_TOKEN });
  const gh = await startGitHubServer({ token: GH_TOKEN, routes: deploymentRoutes });
  const ds = deployState(gh.state);
  ds.approvals.set(RUN_ID, [
    { login: "manager-mia", state: "approved", comment: "P1, approved per support plan", environments: ["production"] },
  ]);

  const health = { url: "", status: 200, hits: 0 };
  const server = createServer((_req, res) => {
    health.hits++;
    res.writeHead(health.status, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: health.status === 200 ? "ok" : "error" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  health.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const config = OpsConfig.parse({
    defaults: { samples: 1, sampleSpacing: 0, confirmWindow: 0, timeout: 2_000 },
    services: [
      {
        id: "agent-service",
        name: "Agent SDK",
        link: "https://hotdash-agent-service.fly.dev",
        probe: { type: "http", url: `${health.url}/health`, expect: { json: [{ path: "status", equals: "ok" }] } },
        rollback: rollback ?? { provider: "fly", app: APP, apiUrl: fly.url },
      },
      { id: "shopify-admin", name: "Shopify Admin API", probe: { type: "http", url: `${health.url}/shop.json` } },
    ],
    ...configExtra,
  });

  const dataDir = mkdtempSync(join(tmpdir(), "rollback-e2e-"));
  const clock = manualClock("2026-11-22T16:40:00Z");
  const commits: Harness["commits"] = [];
  const logs: string[] = [];
  const octokit = createOctokit({
    token: GH_TOKEN,
    repository: "hotdash/ops",
    apiUrl: gh.url,
    retryUnitMs: 1,
    writeSpacingMs: 0,
  });
  const github = createRollbackGitHub(octokit.request as unknown as OctokitRequest, { owner: "hotdash", repo: "ops" });

  return {
    fly,
    gh,
    health,
    clock,
    dataDir,
    config,
    commits,
    logs,
    deps: (request, extra = {}) => {
      const redactor = createRedactor();
      return {
        config,
        request: { service: "agent-service", reason: "P1: error rate 12% since v43", dryRun: false, ...request },
        env: { FLY_API_TOKEN: FLY_TOKEN },
        clock,
        redactor,
        log: (l) => logs.push(redactor.scrub(l)),
        dataDir,
        actor: "oncall-omar",
        run: { id: RUN_ID, attempt: 1, url: `https://github.example.test/hotdash/ops/actions/runs/${RUN_ID}` },
        ref: "a".repeat(40),
        github,
        commit: async (paths, message) => void commits.push({ paths, message }),
        timeouts: { verifyIntervalMs: 1_000, checksPollMs: 1_000 },
        ...extra,
      };
    },
    close: async () => {
      await fly.close();
      await gh.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
