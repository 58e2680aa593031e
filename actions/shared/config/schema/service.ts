import { z } from "zod";
import { Duration, Id, Percent, PositiveDuration } from "./units.ts";
import { Probe } from "./probes.ts";

/**
 * Thresholds follow the runbooks' green / yellow / red tables. Each names the value at which a
 * metric turns yellow and red; the direction is fixed per metric (latency: higher is worse,
 * success rate and certificate days: lower is worse) except for `value`, which says it.
 * `for` makes a breach count only once it has lasted that long across runs (sustained alerts).
 */
export const LatencyThreshold = z.strictObject({
  yellow: Duration,
  red: Duration,
  stat: z.enum(["p50", "p95", "p99", "max"]).default("p95"),
  for: Duration.optional(),
});

/** Defaults of the success-rate window (docs/probe-engine.md, "Success rate: in the run and over a window"). */
export const SUCCESS_WINDOW_MS = 1_800_000;
export const SUCCESS_MIN_SAMPLES = 15;

export const RateThreshold = z.strictObject({
  yellow: Percent,
  red: Percent,
  for: Duration.optional(),
  window: Duration.refine((ms) => ms >= 60_000, { message: "at least 1m (the window spans runs)" })
    .default(SUCCESS_WINDOW_MS)
    .describe(
      "How far back the success rate looks across runs (a sliding window of the runs' samples); default 30m. " +
        "A band (yellow or red) from the window needs minSamples samples in it and failures in at least two runs.",
    ),
  minSamples: z
    .number()
    .int()
    .min(1)
    .default(SUCCESS_MIN_SAMPLES)
    .describe("Samples the window must hold before it gives a band; fewer rate green (the in-run hard-down rule still applies). Default 15: five runs of 3 samples."),
});

export const CertThreshold = z.strictObject({
  yellow: z.number().int().nonnegative(),
  red: z.number().int().nonnegative(),
});

export const ValueThreshold = z.strictObject({
  yellow: z.number().optional(),
  red: z.number().optional(),
  direction: z.enum(["above", "below"]).default("above"),
  for: Duration.optional(),
  /** What a red value means for the service. */
  redStatus: z.enum(["degraded", "down"]).default("degraded"),
  unit: z.string().optional(),
});

export const Thresholds = z.strictObject({
  latency: LatencyThreshold.optional(),
  successRate: RateThreshold.optional(),
  certDays: CertThreshold.optional(),
  value: ValueThreshold.optional(),
});

export const Slo = z.strictObject({
  /** Availability objective in percent over a rolling 30 days. */
  availability: Percent.default(99.9),
  latency: z.strictObject({ stat: z.enum(["p50", "p95", "p99"]).default("p95"), below: Duration }).optional(),
});

export const FlyRollback = z.strictObject({
  provider: z.literal("fly"),
  app: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "a Fly app name" }),
  token: z.string().default("${FLY_API_TOKEN}"),
  apiUrl: z.string().url().default("https://api.machines.dev"),
});

export const CommandRollback = z.strictObject({
  provider: z.literal("command"),
  /** argv template, run without a shell; "{target}" and "{service}" are filled in. */
  command: z.array(z.string()).min(1),
  /** What a target ref must look like for this command. */
  targetPattern: z.string().default("^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$"),
});

export const Rollback = z.discriminatedUnion("provider", [FlyRollback, CommandRollback]);

export const Environment = z.enum(["production", "staging", "shared"]);
export const Criticality = z.enum(["critical", "high", "medium", "low"]);

export const Service = z.strictObject({
  id: Id,
  name: z.string().min(1),
  environment: Environment.default("production"),
  criticality: Criticality.default("medium"),
  description: z.string().optional(),
  /** Link shown in reports (a dashboard or the public URL). No secrets here. */
  link: z.string().url().optional(),
  runbook: z.string().url().optional().describe("The runbook linked from this service's notifications; default: notifications.runbook."),
  probe: Probe,
  /** Per-service overrides of `defaults`. */
  timeout: PositiveDuration.optional(),
  connectTimeout: PositiveDuration.optional(),
  samples: z.number().int().min(1).max(20).optional(),
  thresholds: Thresholds.default({}),
  slo: Slo.optional(),
  rollback: Rollback.optional(),
  dependsOn: z
    .array(Id)
    .default([])
    .describe(
      "Ids of services or groups this one depends on. While one of them is down, this one's failures are attributed to it (\"down (caused by supabase)\"): the status is still recorded, but no incident or page of its own; the dependency's issue lists it.",
    ),
  tags: z.array(z.string()).default([]),
  owners: z.array(z.string()).default([]),
  enabled: z
    .boolean()
    .default(true)
    .describe(
      "false: the service is validated but never probed, reported or alerted on (a check kept ready in the config, e.g. a launch-day test). A group may not list it.",
    ),
});

export const Group = z.strictObject({
  id: Id,
  name: z.string().min(1),
  environment: Environment.default("shared"),
  criticality: Criticality.default("medium"),
  members: z.array(Id).min(1),
  dependsOn: z
    .array(Id)
    .default([])
    .describe(
      "Ids of services or groups this one depends on. While one of them is down, this one's failures are attributed to it (\"down (caused by supabase)\"): the status is still recorded, but no incident or page of its own; the dependency's issue lists it.",
    ),
  /** Members operational (up or degraded) needed for green and for yellow; below yellow is red (down). */
  quorum: z.strictObject({ green: z.number().int().positive(), yellow: z.number().int().positive() }),
});

export type ThresholdsConfig = z.output<typeof Thresholds>;
export type ServiceConfig = z.output<typeof Service>;
export type GroupConfig = z.output<typeof Group>;
export type RollbackConfig = z.output<typeof Rollback>;
export type Criticality = z.output<typeof Criticality>;
export type Environment = z.output<typeof Environment>;
