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

/** One run's samples in the success-rate window: run time, successes, samples. */
export const WindowRun = z.object({ t: Iso, ok: z.number().int().nonnegative(), n: z.number().int().positive() });

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
  /** First online run that saw the service `unknown`, while it still is. */
  blindSince: Iso.optional(),
  /** Time unknown on online runs since `blindSince` (offline runs add nothing), ms. */
  blindMs: z.number().nonnegative().optional(),
  /**
   * The success-rate window: ok / total of each recent run, oldest first, pruned to the service's
   * `successRate.window`. Runs confirmed hard down, unknown or in maintenance are not in it.
   */
  window: z.array(WindowRun).optional(),
  /**
   * A dependency (`dependsOn`) or the group it belongs to is down, and this one's failure is put
   * down to it: the root cause's id. The status stays as probed; the reason says so.
   */
  causedBy: z.string().optional(),
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
  /** A dependency of the group is down and the group's failure is put down to it: the root cause's id. */
  causedBy: z.string().optional(),
});

/** One incident the automation tracks (owned by actions/incident; kept here so the store can validate it). */
export const IncidentState = z.object({
  /** "service:<id>", "group:<id>", "budget:<id>" or "blind:<id>". */
  key: z.string(),
  kind: z.enum(["service", "group", "budget", "blind", "monitor"]),
  subject: z.string(),
  number: z.number().int().optional(),
  url: z.string().optional(),
  state: z.enum(["open", "closed"]),
  severity: z.enum(SEVERITIES),
  status: Status,
  openedAt: Iso,
  /** When the failure began (the failing status's `since`); durations are measured from here. */
  startedAt: Iso.optional(),
  /** First good run of the current recovery; the incident closes after `closeAfter` of them and `closeAfterTime`. */
  recoveredAt: Iso.optional(),
  /** Failure episodes (a reopened incident has several): down time is their sum, not wall time. */
  episodes: z.array(z.object({ start: Iso, end: Iso.optional() })).optional(),
  /** The run time this incident was last decided at: the same run seen again changes nothing. */
  lastRunAt: Iso.optional(),
  closedAt: Iso.optional(),
  closedBy: z.enum(["automation", "human"]).optional(),
  /** Closed by a human while still failing: not reopened until the service has recovered once. */
  awaitingRecovery: z.boolean().optional(),
  record: z.string().optional(),
  /** What it opened on (the record is named from it, whenever it is first written). */
  opening: z.object({ status: Status, reason: z.string() }).optional(),
  /** A human closed the issue and the record was finalised from it. */
  recordFinal: z.boolean().optional(),
  escalationLevel: z.number().int().default(1),
  lastReminderAt: Iso.optional(),
  /**
   * Acknowledged: when and by whom (a writer's `/ack` comment, at its time; or a human assigned to
   * the issue, at the run that saw it). Escalation and reminders stop; the reports measure the
   * time to acknowledge from `openedAt`. A reopened incident must be acknowledged again.
   */
  ackedAt: Iso.optional(),
  ackedBy: z.string().optional(),
  /** The response SLA passed unacknowledged and the incident was escalated for it (once). */
  responseEscalated: z.boolean().optional(),
  /** A `/silence` on the issue in force at the last run (notifications stop until `until`). */
  silence: z.object({ until: Iso, by: z.string(), reason: z.string() }).optional(),
  /** The last reminder notification (incidents.sla.<severity>.remindEvery). */
  lastRemindedAt: Iso.optional(),
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
  /**
   * Closed incidents a newer incident of the same subject replaced, newest first, kept for a year:
   * with `incidents`, the reports' incident history (they never parse the records back).
   */
  archive: z.array(IncidentState).optional(),
  /**
   * The maintenance windows of open `maintenance` issues as last read from GitHub: they stand in
   * when GitHub does not answer in time, so a dead GitHub never takes a window away.
   */
  maintenanceKnown: z
    .object({
      at: Iso,
      windows: z.array(
        z.object({ services: z.array(z.string()), start: z.string(), end: z.string(), reason: z.string() }),
      ),
    })
    .optional(),
  /** Gaps between monitoring runs longer than the threshold (heartbeat.gapThreshold), newest first. */
  gaps: z
    .array(z.object({ from: Iso, to: Iso, gapMs: z.number(), thresholdMs: z.number(), summary: z.string() }))
    .optional(),
});

export type ServiceMetrics = z.output<typeof ServiceMetrics>;
export type WindowRun = z.output<typeof WindowRun>;
export type ServiceState = z.output<typeof ServiceState>;
export type GroupState = z.output<typeof GroupState>;
export type IncidentState = z.output<typeof IncidentState>;
export type Latest = z.output<typeof Latest>;
export type MetricName = z.output<typeof Metric>;
