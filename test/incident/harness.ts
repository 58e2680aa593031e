import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { manualClock, type ManualClock } from "../../actions/shared/clock.ts";
import { OpsConfig, type OpsConfigInput } from "../../actions/shared/config/schema/index.ts";
import { createRedactor, resolveSecrets, type Redactor } from "../../actions/shared/config/secrets.ts";
import { createGitHubClient } from "../../actions/shared/github/client.ts";
import type { IssuesApi } from "../../actions/shared/github/types.ts";
import type { Latest, ServiceState } from "../../actions/shared/store/latest-schema.ts";
import type { Status } from "../../actions/shared/status.ts";
import { createNotifier, type Notifier } from "../../actions/incident/notify/index.ts";
import { runIncidents, type IncidentRunResult } from "../../actions/incident/step.ts";
import { maintenanceStep } from "../../actions/shared/cycle/preflight.ts";
import { attributeCauses } from "../../actions/shared/evaluate/dependencies.ts";
import { evaluateGroup } from "../../actions/shared/evaluate/group.ts";
import { loadTemplate, type IncidentTemplate } from "../../actions/incident/template.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import { startReceiver, type Receiver } from "./receivers.ts";

/**
 * A replayable world for incident scenarios: the GitHub emulator, Slack and PagerDuty receivers
 * on loopback, a manual clock, and a tiny "evaluation" that moves services between statuses the
 * way the lead's evaluation records them (since, counters).
 */
import type { BurnAlert } from "../../actions/incident/subjects.ts";

export const SECRETS = {
  SLACK_EMERGENCY_URL_PATH: "T000/B000/emergency-s3cr3t-path",
  SLACK_ALERTS_URL_PATH: "T000/B000/alerts-s3cr3t-path",
  PD_ROUTING_KEY: "R0UT1NGK3Y-very-secret-0123456789",
};

/**
 * SLAs that never fire within a scenario: the scenarios written before the response SLA and the
 * reminder cadence existed test the duration levels alone. Scenarios of the on-call loop pass
 * `incidents.sla` (or `slaDefaults: true`) to get the support plan's.
 */
export const NO_SLA = {
  P0: { respond: "30d", resolve: "30d" },
  P1: { respond: "30d", resolve: "30d" },
  P2: { respond: "30d", resolve: "30d" },
  P3: { respond: "30d", resolve: "30d" },
};

/** The default world's services: Chatwoot (critical: P0 when down) and the Agent SDK (shared, medium). */
export const CHATWOOT: OpsConfigInput["services"][number] = {
  id: "chatwoot",
  name: "Chatwoot",
  environment: "production",
  criticality: "critical",
  probe: { type: "http", url: "https://chatwoot.example.test/api" },
};
export const AGENT_SDK: OpsConfigInput["services"][number] = {
  id: "agent-sdk",
  name: "Agent SDK",
  environment: "shared",
  criticality: "medium",
  probe: { type: "http", url: "https://agent.example.test/health" },
};

export interface World {
  gh: GitHubServer;
  github: IssuesApi;
  clock: ManualClock;
  slack: Receiver;
  pagerduty: Receiver;
  dataDir: string;
  latest: Latest;
  redactor: Redactor;
  config: OpsConfig;
  template: IncidentTemplate;
  logs: string[];
  set(id: string, status: Status, reason?: string, extra?: Partial<ServiceState["metrics"]>): void;
  /** What the evaluation records each run: `since` of a new status, the counters. */
  evaluate(): void;
  /** One monitoring run: evaluate, then the incident step. */
  run(options?: {
    github?: IssuesApi;
    latest?: Latest;
    budgetAlerts?: BurnAlert[];
    notifier?: Notifier;
  }): Promise<IncidentRunResult>;
  openIssues(): Array<{ number: number; title: string; body: string | null; labels: string[]; state: string }>;
  commentsOf(n: number): string[];
  close(): Promise<void>;
}

export async function createWorld(
  configOverrides: Partial<OpsConfigInput> = {},
  // A timeout now opens the run's circuit breaker (no retries), so the default leaves room for the
  // emulator's first answer (it compiles GitHub's OpenAPI schemas; over a second on a busy machine).
  {
    start = "2026-11-22T16:00:00Z",
    timeoutMs = 10_000,
    slaDefaults = false,
  }: { start?: string; timeoutMs?: number; slaDefaults?: boolean } = {},
): Promise<World> {
  const gh = await startGitHubServer({ token: "ghs_world_token_abcdef" });
  const clock = manualClock(start);
  gh.state.now = () => clock.now();
  const slack = await startReceiver(200);
  const pagerduty = await startReceiver(202);
  const dataDir = await mkdtemp(join(tmpdir(), "incidents-"));
  const redactor = createRedactor();
  const env = {
    SLACK_EMERGENCY: `${slack.url}/services/${SECRETS.SLACK_EMERGENCY_URL_PATH}`,
    SLACK_ALERTS: `${slack.url}/services/${SECRETS.SLACK_ALERTS_URL_PATH}`,
    PD_KEY: SECRETS.PD_ROUTING_KEY,
  };
  const config = OpsConfig.parse({
    services: [CHATWOOT, AGENT_SDK],
    notifications: {
      slack: { emergency: "${SLACK_EMERGENCY}", alerts: "${SLACK_ALERTS}" },
      pagerduty: { routingKey: "${PD_KEY}", url: `${pagerduty.url}/v2/enqueue` },
    },
    ...configOverrides,
    incidents: { ...(slaDefaults ? {} : { sla: NO_SLA }), ...configOverrides.incidents },
  });
  const resolved = resolveSecrets(config.notifications, env, redactor);
  if (!resolved.ok) throw new Error(`test setup: missing ${resolved.missing.join(", ")}`);
  const notifier = createNotifier({ config: resolved.value, redactor });
  // One client per run, as in production: its circuit breaker lasts one run.
  const newClient = () =>
    createGitHubClient({
      token: "ghs_world_token_abcdef",
      repository: "hotdash/ops",
      apiUrl: gh.url,
      retryUnitMs: 1,
      writeSpacingMs: 0,
      timeoutMs,
    });
  const github = newClient();
  const template = await loadTemplate();
  const logs: string[] = [];
  const pendingSince = new Set<string>();

  const service = (id: string): ServiceState => {
    const c = config.services.find((s) => s.id === id)!;
    const at = clock.now().toISOString();
    return {
      id,
      name: c.name,
      environment: c.environment,
      criticality: c.criticality,
      type: "http",
      status: "up",
      reason: "",
      since: at,
      checkedAt: at,
      ratings: {},
      breaches: {},
      consecutiveFailures: 0,
      consecutiveSuccesses: 1,
      metrics: { successRate: 100, okCount: 3, count: 3, p95: 120, statusCodes: [200], attempts: 1 },
    };
  };
  const world: World = {
    gh,
    github,
    clock,
    slack,
    pagerduty,
    dataDir,
    redactor,
    config,
    template,
    logs,
    latest: {
      version: 1,
      updatedAt: clock.now().toISOString(),
      run: {
        startedAt: clock.now().toISOString(),
        finishedAt: clock.now().toISOString(),
        durationMs: 1,
        offline: false,
        locations: [],
      },
      services: Object.fromEntries(config.services.map((s) => [s.id, service(s.id)])),
      groups: {},
      incidents: {},
    },
    set(id, status, reason = "", extra = {}) {
      const s = world.latest.services[id]!;
      // The evaluation stamps `since` with the run that first sees the new status.
      if (s.status !== status) pendingSince.add(id);
      s.status = status;
      s.reason = reason;
      const bad = status === "down";
      s.metrics = bad
        ? { successRate: 0, okCount: 0, count: 3, statusCodes: [503, 503, 503], attempts: 3, ...extra }
        : {
            successRate: 100,
            okCount: 3,
            count: 3,
            p95: status === "degraded" ? 2600 : 120,
            statusCodes: [200],
            attempts: 1,
            ...extra,
          };
      s.consecutiveFailures = 0;
      s.consecutiveSuccesses = 0;
    },
    evaluate() {
      const at = clock.now().toISOString();
      // The run's time, as the evaluation stamps it (the incident step's run identity, issue 11).
      world.latest = { ...world.latest, updatedAt: at, run: { ...world.latest.run, startedAt: at, finishedAt: at } };
      for (const s of Object.values(world.latest.services)) {
        s.checkedAt = at;
        if (pendingSince.delete(s.id)) s.since = at;
        if (s.status === "down") s.consecutiveFailures++;
        if (s.status === "up") s.consecutiveSuccesses++;
      }
      // Groups and the attribution of failures behind a down dependency, as the pipeline's evaluate step does.
      const statuses = Object.fromEntries(Object.values(world.latest.services).map((s) => [s.id, s.status]));
      // (Scenarios that set `latest.groups` by hand have no groups in the config.)
      const groups = config.groups.length
        ? Object.fromEntries(
            config.groups.map((g) => [g.id, evaluateGroup(g, statuses, clock.now(), world.latest.groups[g.id])]),
          )
        : world.latest.groups;
      world.latest = attributeCauses({ ...world.latest, groups }, config);
    },
    async run(options = {}) {
      world.evaluate();
      const log = { info: (l: string) => void logs.push(l), warn: (l: string) => void logs.push(l) };
      const ctx = { config, dataDir, runAt: clock.now(), clock, env: {}, log, redactor, dryRun: false };
      // The maintenance in force, as the pipeline's preflight gives it to the incident step (a
      // failure to read it is the preflight's error, logged, not the incident step's).
      // One client per run, as in production: its circuit breaker lasts one run.
      const client = options.github ?? newClient();
      const { maintenance } = await maintenanceStep(ctx, client);
      const result = await runIncidents({
        config,
        latest: options.latest ?? world.latest,
        github: client,
        clock,
        dataDir,
        notifier: options.notifier ?? notifier,
        redactor,
        log,
        template,
        maintenance,
        budgetAlerts: options.budgetAlerts ?? [],
      });
      world.latest = { ...world.latest, incidents: result.latest.incidents };
      return result;
    },
    openIssues: () => [...gh.state.issues.values()].filter((i) => i.state === "open" && !i.deleted),
    commentsOf: (n) => gh.state.comments.filter((c) => c.issue === n).map((c) => c.body),
    async close() {
      await Promise.all([gh.close(), slack.close(), pagerduty.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

export const MIN = 60_000;

/**
 * The frame the scenario files share around their world `w` (pass `() => w`): after each test the
 * world is closed and the GitHub emulator must have seen no API contract violation; `tick` moves
 * the clock on (5 min by default) and runs once, expecting no errors unless `expectNoErrors` is
 * false (for a file that checks the runs' errors itself).
 */
export function worldPerTest(world: () => World, { expectNoErrors = true } = {}) {
  afterEach(async () => {
    const w = world();
    const violations = w.gh.violations.splice(0);
    await w.close();
    expect(violations).toEqual([]);
  });
  const tick = async (minutes = 5) => {
    const w = world();
    w.clock.advance(minutes * MIN);
    const r = await w.run();
    if (expectNoErrors) expect(r.errors).toEqual([]);
    return r;
  };
  return { tick };
}
