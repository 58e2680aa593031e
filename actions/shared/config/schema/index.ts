import { z } from "zod";
import { Duration, Percent, PositiveDuration } from "./units.ts";
import { Group, Service, Thresholds } from "./service.ts";
import { Incidents, MaintenanceWindow, Notifications, Silence } from "./incidents.ts";
import { Retention, Schedule, SloDefaults } from "./reports.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Site } from "./site.ts";

/** Engine settings every service inherits unless it overrides them. */
export const Defaults = z.strictObject({
  /** Total time one sample may take. */
  timeout: PositiveDuration.default(10_000),
  connectTimeout: PositiveDuration.default(5_000),
  /** Requests per service per run; they give the success rate and p50/p95 within the run. */
  samples: z.number().int().min(1).max(20).default(3),
  /** Pause between two samples of one service. */
  sampleSpacing: Duration.default(500),
  /** Services probed at once across the fleet. */
  concurrency: z.number().int().min(1).max(256).default(16),
  maxBodyBytes: z.number().int().positive().default(1_048_576),
  /**
   * Confirmation: a service that looks down is re-probed within the same run, with backoff starting
   * at `retryDelay` and doubling, for at most `confirmWindow` (runbook: "fails for > 2 minutes").
   */
  confirmWindow: Duration.default(120_000),
  retryDelay: Duration.default(5_000),
  thresholds: Thresholds.prefault({ successRate: { yellow: 95, red: 90 } }),
});

export const Environments = z.record(
  z.string(),
  z.strictObject({
    /** GitHub logins (users) who may approve deployments to this environment. */
    reviewers: z.array(z.string()).default([]),
    /** GitHub team slugs who may approve. */
    teams: z.array(z.string()).default([]),
    preventSelfReview: z.boolean().default(true),
    waitTimer: z.number().int().min(0).max(43_200).default(0),
    branches: z.array(z.string()).default(["main"]),
  }),
);

export const Connectivity = z.strictObject({
  /** URLs the runner itself must reach before any service is blamed; none reachable = offline. */
  urls: z.array(z.string().url()).default([]),
  timeout: PositiveDuration.default(5_000),
});

export const OpsConfig = z.strictObject({
  version: z.literal(1).default(1),
  /** Shown in report headings. */
  title: z.string().default("Status"),
  // Each block's defaults are written once, on its fields; `prefault({})` parses an absent block
  // through them, so a config without the block and one with an empty block resolve alike.
  defaults: Defaults.prefault({}),
  services: z.array(Service).min(1),
  groups: z.array(Group).default([]),
  incidents: Incidents.prefault({}),
  notifications: Notifications.prefault({}),
  schedule: Schedule.prefault({}),
  maintenance: z.array(MaintenanceWindow).default([]),
  silences: z.array(Silence).default([]).describe("Silences: notifications stop for these services until a time; issues and records go on (docs/incidents.md \"Silences\")."),
  heartbeat: Heartbeat.prefault({}).describe("Dead-man pings for the monitor itself and the gap between runs (docs/incidents.md \"Heartbeat\")."),
  retention: Retention.prefault({}),
  slo: SloDefaults.optional(),
  environments: Environments.default({}),
  connectivity: Connectivity.prefault({}),
  /** Split the probes over this many matrix jobs (see monitor.yml); 1 = one job. */
  shards: z.number().int().min(1).max(64).default(1),
  /** Multi-location consensus: a service is down only if at least this share of locations see it down. */
  consensus: z
    .strictObject({
      downQuorum: Percent.default(50),
      /** Runner labels the monitor workflow probes from (self-hosted runners in other regions); empty = GitHub-hosted only. */
      locations: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
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
