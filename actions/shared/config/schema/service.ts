import { z } from "zod";
import { Duration, Id, Percent, PositiveDuration } from "./units.ts";
import { Probe } from "./probes.ts";

/**
 * Thresholds follow the runbooks' green / yellow / red tables. Each names the value at which a
 * metric turns yellow and red; the direction is fixed per metric (latency: higher is worse,
 * success rate and certificate days: lower is worse) except for `value`, which says it.
 * `for` makes a breach count only once it has lasted that long across runs (sustained alerts).
 */
const For = Duration.meta({
  description: "Count a breach only once it has lasted this long across runs (a sustained alert).",
  examples: ["5m", "15m"],
});

export const LatencyThreshold = z
  .strictObject({
    yellow: Duration.meta({
      description: "Latency at which the service turns yellow (degraded).",
      examples: ["800ms"],
    }),
    red: Duration.meta({
      description: "Latency at which the service turns red; must be above yellow.",
      examples: ["2s"],
    }),
    stat: z.enum(["p50", "p95", "p99", "max"]).default("p95").describe("Which latency of the run's samples is rated."),
    for: For.optional(),
  })
  .meta({
    description:
      "Latency bands, higher is worse (on-call runbook: Chatwoot green < 800 ms, yellow 800 ms–2 s, red > 2 s).",
    examples: [{ yellow: "800ms", red: "2s", stat: "p95" }],
  });

/** Defaults of the success-rate window (docs/probe-engine.md, "Success rate: in the run and over a window"). */
export const SUCCESS_WINDOW_MS = 1_800_000;
export const SUCCESS_MIN_SAMPLES = 15;

export const RateThreshold = z
  .strictObject({
    yellow: Percent.meta({
      description: "Success rate (percent) below which the service turns yellow.",
      examples: [95],
    }),
    red: Percent.meta({
      description: "Success rate (percent) below which it turns red; must be below yellow.",
      examples: [90],
    }),
    for: For.optional(),
    window: Duration.refine((ms) => ms >= 60_000, { message: "at least 1m (the window spans runs)" })
      .default(SUCCESS_WINDOW_MS)
      .meta({
        description:
          "How far back the success rate looks across runs (a sliding window of the runs' samples); default 30m, at least 1m. " +
          "A band (yellow or red) from the window needs minSamples samples in it and failures in at least two runs.",
        examples: ["30m", "1h"],
      }),
    minSamples: z
      .number()
      .int()
      .min(1)
      .default(SUCCESS_MIN_SAMPLES)
      .describe(
        "Samples the window must hold before it gives a band; fewer rate green (the in-run hard-down rule still applies). " +
          "Default 15: five runs of 3 samples.",
      ),
  })
  .meta({
    description:
      "Success-rate bands in percent, lower is worse (on-call runbook: Shopify green > 95 %, yellow 90–95 %, red < 90 %).",
    examples: [{ yellow: 95, red: 90 }],
  });

export const CertThreshold = z
  .strictObject({
    yellow: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: "Days until the TLS certificate expires at which it turns yellow.", examples: [21] }),
    red: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: "Days left at which it turns red; must be fewer than yellow.", examples: [7] }),
  })
  .describe("Days until the TLS certificate expires; fewer is worse.");

export const ValueThreshold = z
  .strictObject({
    yellow: z.number().optional().describe("The value at which the service turns yellow."),
    red: z.number().optional().describe("The value at which it turns red (beyond yellow in `direction`)."),
    direction: z
      .enum(["above", "below"])
      .default("above")
      .describe("above: higher is worse (yellow < red); below: lower is worse (yellow > red), e.g. days left."),
    for: For.optional(),
    redStatus: z.enum(["degraded", "down"]).default("degraded").describe("What a red value means for the service."),
    unit: z
      .string()
      .optional()
      .meta({ description: "Unit shown after the value in reports.", examples: ["%", "days", "ms"] }),
  })
  .meta({
    description:
      "Bands for the number a probe reads (postgres query, prometheus query, domain days left, http `value`). " +
      'Infrastructure runbook: "5xx > 5 % for 5 m" is { red: 5, for: 5m }.',
    examples: [
      { red: 5, for: "5m" },
      { yellow: 30, red: 7, direction: "below", unit: "days" },
    ],
  });

export const Thresholds = z
  .strictObject({
    latency: LatencyThreshold.optional(),
    successRate: RateThreshold.optional(),
    certDays: CertThreshold.optional(),
    value: ValueThreshold.optional(),
  })
  .describe("Where each metric turns yellow and red (the runbooks' green/yellow/red tables), metric by metric.");

export const Slo = z
  .strictObject({
    availability: Percent.default(99.9).meta({
      description:
        "Availability objective in percent over a rolling 30 days (support plan: 99.9 %, at most 43 minutes down a month).",
      examples: [99.9, 99.5],
    }),
    latency: z
      .strictObject({
        stat: z.enum(["p50", "p95", "p99"]).default("p95").describe("Which latency the objective is about."),
        below: Duration.meta({ description: "The latency it must stay below.", examples: ["500ms"] }),
      })
      .optional()
      .meta({
        description: "Latency objective (production monitoring setup: p95 < 500 ms).",
        examples: [{ stat: "p95", below: "500ms" }],
      }),
  })
  .describe("This service's service-level objective, reported in the weekly and SLO reports.");

export const FlyRollback = z.strictObject({
  provider: z.literal("fly").describe("Redeploy the previous release through the Fly Machines API."),
  app: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { message: "a Fly app name" })
    .meta({
      description: "The Fly app to roll back (a warning if it differs from the app the probe checks).",
      examples: ["hotdash-agent-service"],
    }),
  token: z
    .string()
    .default("${FLY_API_TOKEN}")
    .describe("Fly deploy token, a ${NAME} reference; only the rollback workflow holds it."),
  apiUrl: z
    .string()
    .url()
    .default("https://api.machines.dev")
    .describe("Fly Machines API base URL; override for an emulator."),
});

export const CommandRollback = z.strictObject({
  provider: z.literal("command").describe("Run a command (without a shell) to roll back."),
  command: z
    .array(z.string())
    .min(1)
    .meta({
      description: 'argv, run without a shell; "{target}" and "{service}" are filled in.',
      examples: [["./scripts/rollback.sh", "{service}", "{target}"]],
    }),
  targetPattern: z
    .string()
    .default("^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$")
    .describe("Regular expression a rollback target must match before it is passed to the command."),
});

export const Rollback = z
  .discriminatedUnion("provider", [FlyRollback, CommandRollback])
  .describe(
    "How to roll this service back; runs only after approval through its GitHub environment (see `environments`).",
  );

export const Environment = z
  .enum(["production", "staging", "shared"])
  .describe(
    "production, staging or shared; becomes the issue label env:<environment> and names the approving GitHub environment.",
  );
export const Criticality = z
  .enum(["critical", "high", "medium", "low"])
  .describe("With the status, decides an incident's severity (P0–P3).");

export const Service = z.strictObject({
  id: Id.meta({
    description:
      "Unique slug; used in the issue label service:<id>, file names and reports. Shares one namespace with group ids.",
    examples: ["chatwoot", "shopify-admin-api"],
  }),
  name: z
    .string()
    .min(1)
    .meta({ description: "Display name in reports and notifications.", examples: ["Chatwoot"] }),
  environment: Environment.default("production"),
  criticality: Criticality.default("medium"),
  description: z.string().optional().describe("One line shown in reports."),
  link: z
    .string()
    .url()
    .optional()
    .describe("Link shown in reports (a dashboard or the public URL). Never a secret: it is written out."),
  runbook: z
    .string()
    .url()
    .optional()
    .describe("The runbook linked from this service's notifications; default: notifications.runbook."),
  probe: Probe,
  timeout: PositiveDuration.optional().meta({
    description: "Overrides defaults.timeout: total time one sample may take.",
    examples: ["10s"],
  }),
  connectTimeout: PositiveDuration.optional().meta({
    description: "Overrides defaults.connectTimeout: TCP + TLS connect limit.",
    examples: ["5s"],
  }),
  samples: z.number().int().min(1).max(20).optional().describe("Overrides defaults.samples: requests per run."),
  thresholds: Thresholds.default({}).describe("Merged over defaults.thresholds, metric by metric."),
  slo: Slo.optional(),
  rollback: Rollback.optional(),
  dependsOn: z
    .array(Id)
    .default([])
    .describe(
      "Ids of services or groups this one depends on. While one of them is down, this one's failures are attributed to it (\"down (caused by supabase)\"): the status is still recorded, but no incident or page of its own; the dependency's issue lists it.",
    ),
  tags: z.array(z.string()).default([]).describe("Free labels."),
  owners: z.array(z.string()).default([]).describe("GitHub logins or org/team handles who own the service."),
  enabled: z
    .boolean()
    .default(true)
    .describe(
      "false: the service is validated but never probed, reported or alerted on (a check kept ready in the config, e.g. a launch-day test). A group may not list it.",
    ),
});

export const Group = z.strictObject({
  id: Id.meta({ description: "Unique slug; shares one namespace with service ids.", examples: ["mcp-fleet"] }),
  name: z
    .string()
    .min(1)
    .meta({ description: "Display name in reports and notifications.", examples: ["MCP servers"] }),
  environment: Environment.default("shared"),
  criticality: Criticality.default("medium"),
  members: z.array(Id).min(1).describe("Ids of the member services, each listed once."),
  dependsOn: z
    .array(Id)
    .default([])
    .describe(
      "Ids of services or groups this one depends on. While one of them is down, this one's failures are attributed to it (\"down (caused by supabase)\"): the status is still recorded, but no incident or page of its own; the dependency's issue lists it.",
    ),
  quorum: z
    .strictObject({
      green: z
        .number()
        .int()
        .positive()
        .describe("Operational members (up or degraded) needed for green; at most the number of members."),
      yellow: z
        .number()
        .int()
        .positive()
        .describe("Operational members needed for yellow (at most green); fewer is red (down)."),
    })
    .meta({
      description:
        "How many members must be operational (on-call runbook, MCP fleet: 6/7 up green, 5/7 yellow, fewer red).",
      examples: [{ green: 6, yellow: 5 }],
    }),
});

export type ThresholdsConfig = z.output<typeof Thresholds>;
export type ServiceConfig = z.output<typeof Service>;
export type GroupConfig = z.output<typeof Group>;
export type RollbackConfig = z.output<typeof Rollback>;
export type Criticality = z.output<typeof Criticality>;
export type Environment = z.output<typeof Environment>;
