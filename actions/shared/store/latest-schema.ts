import { z } from "zod";
import { RATINGS, SEVERITIES, STATUSES } from "../status.ts";

/**
 * `reports/latest.json`: the current state of every service and group, plus the state that must
 * outlive a run (counters, breach start times, open incidents). Read back through this schema;
 * a file that fails it is reported and rebuilt, never trusted.
 */
const Iso = z.string().datetime({ offset: true });
const Status = z.enum(STATUSES);
const Rating = z.enum(RATINGS);
const Metric = z.enum(["successRate", "latency", "certDays", "value"]);

export const ServiceMetrics = z.object({
  successRate: z.number(),
  okCount: z.number().int(),
  count: z.number().int(),
  p50: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
  max: z.number().optional(),
  certDaysLeft: z.number().optional(),
  value: z.number().optional(),
  statusCodes: z.array(z.number().int()).default([]),
  attempts: z.number().int().default(1),
});

export const ServiceState = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.string(),
  criticality: z.string(),
  type: z.string(),
  status: Status,
  /** One line saying why the status is what it is; "" when up. */
  reason: z.string(),
  /** When the current status began. */
  since: Iso,
  checkedAt: Iso,
  ratings: z.partialRecord(Metric, Rating).default({}),
  metrics: ServiceMetrics,
  /** When each metric's current breach (yellow or red) began; drives `for:` and degradedAfter. */
  breaches: z.partialRecord(Metric, Iso).default({}),
  consecutiveFailures: z.number().int().nonnegative().default(0),
  consecutiveSuccesses: z.number().int().nonnegative().default(0),
  lastUpAt: Iso.optional(),
  lastDownAt: Iso.optional(),
});

export const GroupState = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.string(),
  criticality: z.string(),
  status: Status,
  reason: z.string(),
  since: Iso,
  checkedAt: Iso,
  operational: z.number().int(),
  total: z.number().int(),
  members: z.record(z.string(), Status),
});

/** One incident the automation tracks (owned by actions/incident; kept here so the store can validate it). */
export const IncidentState = z.object({
  /** "service:<id>", "group:<id>" or "budget:<id>". */
  key: z.string(),
  kind: z.enum(["service", "group", "budget"]),
  subject: z.string(),
  number: z.number().int().optional(),
  url: z.string().optional(),
  state: z.enum(["open", "closed"]),
  severity: z.enum(SEVERITIES),
  status: Status,
  openedAt: Iso,
  /** When the failure began (the failing status's `since`); durations are measured from here. */
  startedAt: Iso.optional(),
  /** First good run of the current recovery; the incident closes after `closeAfter` of them. */
  recoveredAt: Iso.optional(),
  closedAt: Iso.optional(),
  closedBy: z.enum(["automation", "human"]).optional(),
  /** Closed by a human while still failing: not reopened until the service has recovered once. */
  awaitingRecovery: z.boolean().optional(),
  record: z.string().optional(),
  escalationLevel: z.number().int().default(1),
  lastReminderAt: Iso.optional(),
  goodRuns: z.number().int().default(0),
  notified: z.array(z.string()).default([]),
  timeline: z.array(z.object({ at: Iso, text: z.string() })).default([]),
  evidence: z.record(z.string(), z.unknown()).default({}),
  /**
   * Public updates: `/status <phase>: text` comments on the issue by people with write access
   * (actions/incident/public-updates.ts). Absent until the first one; the status site shows them.
   */
  updates: z
    .array(
      z.object({
        at: Iso,
        phase: z.enum(["investigating", "identified", "monitoring", "resolved"]),
        author: z.string(),
        text: z.string(),
        commentId: z.number().int(),
      }),
    )
    .optional(),
});

export const Latest = z.object({
  version: z.literal(1),
  updatedAt: Iso,
  run: z.object({
    startedAt: Iso,
    finishedAt: Iso,
    durationMs: z.number(),
    offline: z.boolean().default(false),
    locations: z.array(z.string()).default([]),
  }),
  services: z.record(z.string(), ServiceState),
  groups: z.record(z.string(), GroupState).default({}),
  incidents: z.record(z.string(), IncidentState).default({}),
});

export type ServiceMetrics = z.output<typeof ServiceMetrics>;
export type ServiceState = z.output<typeof ServiceState>;
export type GroupState = z.output<typeof GroupState>;
export type IncidentState = z.output<typeof IncidentState>;
export type Latest = z.output<typeof Latest>;
export type MetricName = z.output<typeof Metric>;
