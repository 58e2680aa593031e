import { z } from "zod";
import { Duration, Id, SecretString } from "./units.ts";
import { Channels, RouteName } from "./channels.ts";

export const EscalationLevel = z.strictObject({
  after: Duration.meta({
    description: "How long an incident of these severities stays unresolved before this level is reached.",
    examples: ["30m", "1h"],
  }),
  level: z
    .number()
    .int()
    .min(1)
    .max(5)
    .describe("The level reached (support plan: 2 = Engineering Lead, 3 = Manager)."),
  name: z
    .string()
    .meta({ description: "Who the level is, shown in the escalation comment.", examples: ["Engineering Lead"] }),
  severities: z
    .array(z.enum(["P0", "P1", "P2", "P3"]))
    .default(["P0"])
    .describe("Incident severities this level applies to."),
  mention: z.array(z.string()).default([]).describe("GitHub logins to @mention in the escalation comment."),
  assign: z.array(z.string()).default([]).describe("GitHub logins to assign to the issue."),
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
      resolve: Duration.describe(
        "Resolution SLA: the incident must be resolved within this long after the failure began; the weekly and monthly reports count breaches.",
      ),
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
  enabled: z.boolean().default(true).describe("Open GitHub incident issues at all."),
  degradedAfter: Duration.default(900_000).meta({
    description:
      "A degraded service opens an incident once degraded this long (on-call runbook: Level 1 → 2 after 15 min).",
    examples: ["15m"],
  }),
  closeAfter: z.number().int().min(1).default(2).describe("Consecutive good runs before an incident closes."),
  closeAfterTime: Duration.default(300_000).meta({
    description:
      "And at least this long since the first good run before an incident closes " +
      "(default 5m: two scheduled runs 5 minutes apart close it, two manual dispatches a minute apart do not).",
    examples: ["5m"],
  }),
  reminderEvery: Duration.default(3_600_000).meta({
    description: "A reminder comment on an open incident at this interval (support plan: P1 updates every 30 minutes).",
    examples: ["30m", "1h"],
  }),
  flapWindow: Duration.default(3_600_000).meta({
    description: "Failing again within this window after closing reopens the same issue.",
    examples: ["1h"],
  }),
  labels: z.array(z.string()).default(["incident"]).describe("Labels added to every incident issue."),
  openAfter: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe("Consecutive failing runs before an incident opens (1: as soon as the evaluation confirms)."),
  blindAfter: Duration.default(3_600_000).meta({
    description:
      'A service unknown this long on online runs (a rejected credential, a missing secret, an empty metric) opens a P3 "monitoring blind" ' +
      "incident; it closes when data returns.",
    examples: ["1h"],
  }),
  escalation: z
    .array(EscalationLevel)
    .default(DEFAULT_ESCALATION.map((l) => EscalationLevel.parse(l)))
    .describe(
      "Escalation levels (support plan default: P0 unresolved 30m → Level 2 Engineering Lead, 1h → Level 3 Manager). " +
        "For shared severities, levels must increase and each come later than the one before.",
    ),
  sla: Sla.default(DEFAULT_SLA).describe(
    "Response and resolution times per severity, and the reminder cadence while unacknowledged (support plan defaults).",
  ),
});

const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const MaintenanceServices = z
  .array(Id)
  .min(1)
  .meta({ description: "Ids of the services or groups under maintenance.", examples: [["chatwoot"]] });
const MaintenanceReason = z
  .string()
  .optional()
  .meta({ description: "Why; shown in reports.", examples: ["Postgres upgrade"] });

export const MaintenanceWindow = z.union([
  z.strictObject({
    services: MaintenanceServices,
    start: z
      .string()
      .datetime({ offset: true })
      .meta({ description: "When the window opens: ISO 8601 with an offset.", examples: ["2025-10-20T02:00:00Z"] }),
    end: z
      .string()
      .datetime({ offset: true })
      .meta({ description: "When it closes; after start.", examples: ["2025-10-20T03:00:00Z"] }),
    reason: MaintenanceReason,
  }),
  z.strictObject({
    services: MaintenanceServices,
    weekly: z
      .strictObject({
        days: z
          .array(Weekday)
          .min(1)
          .meta({ description: "Weekdays the window recurs on.", examples: [["sun"]] }),
        start: z
          .string()
          .regex(/^\d{2}:\d{2}$/, { message: 'a local time "HH:MM"' })
          .meta({ description: 'Local wall-clock start time "HH:MM" in `timezone`.', examples: ["03:00"] }),
        duration: Duration.meta({ description: "How long the window lasts.", examples: ["30m"] }),
      })
      .describe("A window that recurs every week."),
    timezone: z
      .string()
      .default("UTC")
      .meta({ description: "IANA time zone of weekly.start (checked with Intl).", examples: ["America/Chicago"] }),
    reason: MaintenanceReason,
  }),
]);

export const Silence = z
  .strictObject({
    services: z
      .array(Id)
      .min(1)
      .describe("Ids of the services or groups whose incidents send no notification while the silence lasts."),
    from: z
      .string()
      .datetime({ offset: true })
      .optional()
      .describe("When the silence starts (ISO 8601); default: already in force."),
    until: z
      .string()
      .datetime({ offset: true })
      .describe("When the silence ends by itself (ISO 8601). Nothing to remove afterwards."),
    reason: z.string().min(1).describe("Why, shown in STATUS.md and the run's log."),
  })
  .describe(
    "A silence: incidents of these services and groups are still opened, recorded and updated on GitHub, but send no notification (open, escalation, reminder) until it ends. Resolves are always sent.",
  );

export const Notifications = z.strictObject({
  slack: z
    .strictObject({
      emergency: SecretString.optional().meta({
        description:
          "Incoming-webhook URL of the emergency channel (support plan: #hotdash-emergency, P0/P1), as a ${NAME} secret.",
        examples: ["${SLACK_EMERGENCY_WEBHOOK_URL}"],
      }),
      alerts: SecretString.optional().meta({
        description: "Incoming-webhook URL of the alerts channel (P2/P3), as a ${NAME} secret.",
        examples: ["${SLACK_ALERTS_WEBHOOK_URL}"],
      }),
    })
    .default({})
    .describe("Slack incoming webhooks, the routes slack-emergency and slack-alerts."),
  pagerduty: z
    .strictObject({
      routingKey: SecretString.meta({
        description: "Events API v2 routing key, as a ${NAME} secret.",
        examples: ["${PAGERDUTY_ROUTING_KEY}"],
      }),
      url: z
        .string()
        .url()
        .default("https://events.pagerduty.com/v2/enqueue")
        .describe("Events API v2 endpoint; override for a PagerDuty-compatible receiver."),
    })
    .optional()
    .describe("PagerDuty, the route pagerduty (on-call runbook: page on-call for a service down)."),
  channels: Channels,
  runbook: z
    .string()
    .url()
    .optional()
    .describe(
      "The runbook every message links to, unless the service names its own (services[].runbook). Default: this repository's docs/incidents.md.",
    ),
  routes: z
    .strictObject({
      P0: z.array(RouteName).describe("Where P0 (critical) incidents go."),
      P1: z.array(RouteName).describe("Where P1 (high) incidents go."),
      P2: z.array(RouteName).describe("Where P2 (medium) incidents go."),
      P3: z.array(RouteName).describe("Where P3 (low) incidents go."),
    })
    .describe("Where each severity goes (support plan: P0/P1 #hotdash-emergency + PagerDuty, P2/P3 alerts).")
    .default({
      P0: ["slack-emergency", "pagerduty"],
      P1: ["slack-emergency", "pagerduty"],
      P2: ["slack-alerts"],
      P3: ["slack-alerts"],
    }),
  timeout: Duration.default(10_000).meta({
    description: "Per notification request (for email: per SMTP phase).",
    examples: ["10s"],
  }),
});

export type IncidentsConfig = z.output<typeof Incidents>;
export type SlaConfig = z.output<typeof Sla>;
export type SilenceConfig = z.output<typeof Silence>;
export type MaintenanceWindowConfig = z.output<typeof MaintenanceWindow>;
export type NotificationsConfig = z.output<typeof Notifications>;
