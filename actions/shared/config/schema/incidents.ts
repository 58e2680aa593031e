import { z } from "zod";
import { Duration, Id, SecretString } from "./units.ts";
import { Channels, RouteName } from "./channels.ts";

export const EscalationLevel = z.strictObject({
  /** How long an incident of these severities stays unresolved before this level is reached. */
  after: Duration,
  level: z.number().int().min(1).max(5),
  name: z.string(),
  severities: z.array(z.enum(["P0", "P1", "P2", "P3"])).default(["P0"]),
  /** GitHub logins to @mention in the escalation comment. */
  mention: z.array(z.string()).default([]),
  /** GitHub logins to assign to the issue. */
  assign: z.array(z.string()).default([]),
});

/** The post-launch support plan: P0 unresolved 30 minutes → Level 2, 1 hour → Level 3. */
export const DEFAULT_ESCALATION: Array<z.input<typeof EscalationLevel>> = [
  { after: "30m", level: 2, name: "Engineering Lead", severities: ["P0"] },
  { after: "1h", level: 3, name: "Manager", severities: ["P0"] },
];

const SlaTarget = (respond: string, resolve: string, remindEvery?: string) => {
  const target = z
    .strictObject({
      respond: Duration.describe(
        "Response SLA: the incident must be acknowledged (a human assigned, or a writer's `/ack`) within this long after it opened; an unacknowledged incident past it escalates to the next level at once.",
      ),
      resolve: Duration.describe("Resolution SLA: the incident must be resolved within this long after the failure began; the weekly and monthly reports count breaches."),
      remindEvery: Duration.optional().describe(
        "While unacknowledged, notify the severity's route again at this interval (the support plan's update cadence). Unset: no reminder notifications.",
      ),
    })
    .describe("Service-level targets for this severity.");
  return target.default(target.parse({ respond, resolve, ...(remindEvery && { remindEvery }) }));
};

/** The post-launch support plan (seeds/003): response and resolution targets and the update cadence per severity. */
const SLA_FIELDS = {
  P0: SlaTarget("5m", "1h", "15m"),
  P1: SlaTarget("15m", "4h", "30m"),
  P2: SlaTarget("1h", "24h"),
  P3: SlaTarget("4h", "7d"),
};
export const Sla = z
  .strictObject(SLA_FIELDS)
  .describe(
    "Response and resolution SLAs per severity (defaults: the support plan's P0 5 min / 1 h, P1 15 min / 4 h, P2 1 h / 24 h, P3 4 h / 1 week) and the reminder cadence (P0 every 15 min, P1 every 30 min).",
  );
const DEFAULT_SLA = Sla.parse({});

export const Incidents = z.strictObject({
  enabled: z.boolean().default(true),
  /** A degraded service opens an incident once degraded this long (runbook: Level 1 → 2 after 15 min). */
  degradedAfter: Duration.default(900_000),
  /** Consecutive good runs before an incident closes. */
  closeAfter: z.number().int().min(1).default(2),
  closeAfterTime: Duration.default(300_000).describe(
    "And at least this long since the first good run before an incident closes (default 5m: two scheduled runs 5 minutes apart close it, two manual dispatches a minute apart do not).",
  ),
  /** A reminder comment while open, at this interval. */
  reminderEvery: Duration.default(3_600_000),
  /** Failing again within this window after closing reopens the same issue. */
  flapWindow: Duration.default(3_600_000),
  labels: z.array(z.string()).default(["incident"]),
  /** Consecutive failing runs before an incident opens (1: as soon as the evaluation confirms). */
  openAfter: z.number().int().min(1).default(1),
  /**
   * A service `unknown` this long on online runs (a rejected credential, a missing secret, an
   * empty metric) opens a P3 "monitoring blind" incident; it closes when data returns.
   */
  blindAfter: Duration.default(3_600_000),
  escalation: z.array(EscalationLevel).default(DEFAULT_ESCALATION.map((l) => EscalationLevel.parse(l))),
  sla: Sla.default(DEFAULT_SLA),
});

const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);

export const MaintenanceWindow = z.union([
  z.strictObject({
    services: z.array(Id).min(1),
    start: z.string().datetime({ offset: true }),
    end: z.string().datetime({ offset: true }),
    reason: z.string().optional(),
  }),
  z.strictObject({
    services: z.array(Id).min(1),
    weekly: z.strictObject({
      days: z.array(Weekday).min(1),
      /** Local wall-clock time "HH:MM" in `timezone`. */
      start: z.string().regex(/^\d{2}:\d{2}$/, { message: 'a local time "HH:MM"' }),
      duration: Duration,
    }),
    timezone: z.string().default("UTC"),
    reason: z.string().optional(),
  }),
]);

export const Silence = z
  .strictObject({
    services: z.array(Id).min(1).describe("Ids of the services or groups whose incidents send no notification while the silence lasts."),
    from: z.string().datetime({ offset: true }).optional().describe("When the silence starts (ISO 8601); default: already in force."),
    until: z.string().datetime({ offset: true }).describe("When the silence ends by itself (ISO 8601). Nothing to remove afterwards."),
    reason: z.string().min(1).describe("Why, shown in STATUS.md and the run's log."),
  })
  .describe(
    "A silence: incidents of these services and groups are still opened, recorded and updated on GitHub, but send no notification (open, escalation, reminder) until it ends. Resolves are always sent.",
  );

export const Notifications = z.strictObject({
  slack: z
    .strictObject({
      /** Incoming-webhook URLs, normally secrets. */
      emergency: SecretString.optional(),
      alerts: SecretString.optional(),
    })
    .default({}),
  pagerduty: z
    .strictObject({
      routingKey: SecretString,
      /** Events API v2 endpoint; override for a PagerDuty-compatible receiver. */
      url: z.string().url().default("https://events.pagerduty.com/v2/enqueue"),
    })
    .optional(),
  channels: Channels,
  runbook: z
    .string()
    .url()
    .optional()
    .describe("The runbook every message links to, unless the service names its own (services[].runbook). Default: this repository's docs/incidents.md."),
  /** Where each severity goes (runbooks: P0/P1 emergency + PagerDuty, P2/P3 alerts). */
  routes: z
    .strictObject({ P0: z.array(RouteName), P1: z.array(RouteName), P2: z.array(RouteName), P3: z.array(RouteName) })
    .default({
      P0: ["slack-emergency", "pagerduty"],
      P1: ["slack-emergency", "pagerduty"],
      P2: ["slack-alerts"],
      P3: ["slack-alerts"],
    }),
  timeout: Duration.default(10_000),
});

export type IncidentsConfig = z.output<typeof Incidents>;
export type SlaConfig = z.output<typeof Sla>;
export type SilenceConfig = z.output<typeof Silence>;
export type MaintenanceWindowConfig = z.output<typeof MaintenanceWindow>;
export type NotificationsConfig = z.output<typeof Notifications>;
