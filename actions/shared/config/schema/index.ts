import { z } from "zod";
import { Duration, Percent, PositiveDuration } from "./units.ts";
import { Group, Service, Thresholds } from "./service.ts";
import { Incidents, MaintenanceWindow, Notifications, Silence } from "./incidents.ts";
import { Retention, Schedule, SloDefaults } from "./reports.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Site } from "./site.ts";

export const Defaults = z
  .strictObject({
    timeout: PositiveDuration.default(10_000).meta({
      description: "Total time one sample may take; more than 0 (0 would fail every sample).",
      examples: ["10s"],
    }),
    connectTimeout: PositiveDuration.default(5_000).meta({
      description: "TCP + TLS connect limit; more than 0.",
      examples: ["5s"],
    }),
    samples: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe("Requests per service per run; they give the success rate and p50/p95 within the run."),
    sampleSpacing: Duration.default(500).meta({
      description: "Pause between two samples of one service.",
      examples: ["500ms"],
    }),
    concurrency: z.number().int().min(1).max(256).default(16).describe("Services probed at once across the fleet."),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1_048_576)
      .describe('Response body bytes read at most; a larger body is the failure "body too large".'),
    // Confirmation: a service that looks down is re-probed within the same run, with backoff
    // starting at `retryDelay` and doubling, for at most `confirmWindow`.
    confirmWindow: Duration.default(120_000).meta({
      description:
        "A service that looks down is re-probed within the run for up to this long before it is declared down " +
        '(launch runbooks: alert when a service "fails for > 2 minutes").',
      examples: ["2m"],
    }),
    retryDelay: Duration.default(5_000).meta({
      description: "First pause between confirmation attempts; doubles each time.",
      examples: ["5s"],
    }),
    thresholds: Thresholds.prefault({ successRate: { yellow: 95, red: 90 } }).describe(
      "Thresholds every service inherits, metric by metric; default successRate yellow 95, red 90 (on-call runbook).",
    ),
  })
  .describe("Engine settings every service inherits unless it overrides them.");

export const Environments = z
  .record(
    z.string(),
    z.strictObject({
      reviewers: z
        .array(z.string())
        .default([])
        .describe("GitHub logins (users) who may approve a rollback in this environment."),
      teams: z.array(z.string()).default([]).describe("GitHub team slugs who may approve."),
      preventSelfReview: z.boolean().default(true).describe("Whoever dispatched the rollback may not approve it."),
      waitTimer: z
        .number()
        .int()
        .min(0)
        .max(43_200)
        .default(0)
        .describe("GitHub wait timer: minutes a rollback job waits before it may proceed."),
      branches: z
        .array(z.string())
        .default(["main"])
        .describe("Branches allowed to deploy (roll back) to this environment."),
    }),
  )
  .describe("GitHub deployment environments, by name (a service's `environment`), that gate approved rollbacks.");

export const Connectivity = z
  .strictObject({
    urls: z
      .array(z.string().url())
      .default([])
      .meta({
        description:
          "URLs the runner must reach before any service is blamed; if none answers, the run is offline and services are unknown.",
        examples: [["https://www.google.com", "https://api.github.com"]],
      }),
    timeout: PositiveDuration.default(5_000).meta({
      description: "How long each connectivity URL has to answer.",
      examples: ["5s"],
    }),
  })
  .describe("The runner's self-check before blaming services.");

export const OpsConfig = z.strictObject({
  version: z.literal(1).default(1).describe("Format version; only 1 exists."),
  title: z
    .string()
    .default("Status")
    .meta({ description: "Heading of the reports.", examples: ["HotDash status"] }),
  // Each block's defaults are written once, on its fields; `prefault({})` parses an absent block
  // through them, so a config without the block and one with an empty block resolve alike.
  defaults: Defaults.prefault({}),
  services: z.array(Service).min(1).describe("The things probed; at least one."),
  groups: z.array(Group).default([]).describe("Services judged together by quorum (e.g. the MCP fleet)."),
  incidents: Incidents.prefault({}).describe("When GitHub incident issues open, remind, escalate and close."),
  notifications: Notifications.prefault({}).describe(
    "Slack, PagerDuty, webhooks, Teams, Discord and email, routed by severity.",
  ),
  schedule: Schedule.prefault({}).describe("The monitor cron and the report times (UTC)."),
  maintenance: z
    .array(MaintenanceWindow)
    .default([])
    .describe("Windows when probes still run and are recorded but open no incident."),
  silences: z
    .array(Silence)
    .default([])
    .describe(
      'Silences: notifications stop for these services until a time; issues and records go on (docs/incidents.md "Silences").',
    ),
  heartbeat: Heartbeat.prefault({}).describe(
    'Dead-man pings for the monitor itself and the gap between runs (docs/incidents.md "Heartbeat").',
  ),
  retention: Retention.prefault({}).describe("How long raw per-run history is kept before only daily rollups remain."),
  slo: SloDefaults.optional().describe("Fleet-wide availability objective and burn-rate alerts."),
  environments: Environments.default({}),
  connectivity: Connectivity.prefault({}),
  shards: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe("Split the probes over this many matrix jobs (see monitor.yml); 1 = one job."),
  consensus: z
    .strictObject({
      downQuorum: Percent.default(50).describe("Percent of locations that must see a service down for it to be down."),
      locations: z
        .array(z.string().min(1))
        .default([])
        .describe(
          "Runner labels the monitor workflow probes from (self-hosted runners in other regions); empty = GitHub-hosted only.",
        ),
    })
    .prefault({})
    .describe("Multi-location consensus: a service is down only if enough locations see it down."),
  site: Site.prefault({}),
});

export type OpsConfigInput = z.input<typeof OpsConfig>;
export type OpsConfig = z.output<typeof OpsConfig>;
export type DefaultsConfig = z.output<typeof Defaults>;
export * from "./units.ts";
export * from "./probes.ts";
export * from "./service.ts";
export * from "./incidents.ts";
export * from "./reports.ts";
export * from "./channels.ts";
export * from "./heartbeat.ts";
export * from "./site.ts";
