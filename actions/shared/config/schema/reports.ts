import { z } from "zod";
import { Duration, Percent } from "./units.ts";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'a UTC time "HH:MM"' });

export const Schedule = z.strictObject({
  monitor: z
    .string()
    .default("*/5 * * * *")
    .meta({
      description: "The monitor workflow's cron: valid 5-field cron, at most every 5 minutes (GitHub's limit).",
      examples: ["*/5 * * * *", "*/15 * * * *"],
    }),
  updates: z
    .array(HHMM)
    .default(["00:00", "08:00", "12:00", "16:00", "20:00", "23:00"])
    .meta({
      description:
        'UTC times of the on-call runbook\'s "Integration Status Update" (launch-day defaults); each listed once.',
      examples: [["00:00", "08:00", "20:00"]],
    }),
  daily: HHMM.default("23:00").meta({
    description: 'UTC time "HH:MM" the end-of-day summary is written (on-call runbook: 23:00).',
    examples: ["23:00"],
  }),
  weekly: z
    .strictObject({
      day: z.number().int().min(1).max(7).describe("ISO weekday, 1 = Monday … 7 = Sunday."),
      time: HHMM.meta({ description: 'UTC time "HH:MM".', examples: ["10:00"] }),
    })
    .default({ day: 1, time: "10:00" })
    .describe("When the weekly report is written (support plan: Mondays at 10 AM)."),
});

export const Retention = z.strictObject({
  rawDays: z
    .number()
    .int()
    .min(2)
    .max(400)
    .default(35)
    .describe("Raw per-run records are kept this many days, then only daily rollups remain."),
  gapLimit: Duration.default(1_200_000).meta({
    description: "A gap between two records longer than this counts as unknown time, not as the earlier status.",
    examples: ["20m"],
  }),
});

export const SloDefaults = z.strictObject({
  availability: Percent.default(99.9).meta({
    description: "Fleet-wide availability objective in percent over a rolling 30 days (support plan: 99.9 %).",
    examples: [99.9],
  }),
  burnRates: z
    .array(
      z.strictObject({
        long: Duration.meta({ description: "The long window the burn rate is measured over.", examples: ["1h"] }),
        short: Duration.meta({
          description: "The short window that must burn as fast too (so an alert stops soon after recovery).",
          examples: ["5m"],
        }),
        factor: z
          .number()
          .positive()
          .describe("Alert when the error budget burns this many times faster than the objective allows."),
        action: z
          .enum(["page", "ticket"])
          .describe("page: opens a P1 incident (routed like any P1); ticket: a P3 incident."),
      }),
    )
    .describe(
      "Multi-window burn-rate alerts (Google SRE workbook): by default page at 14.4× over 1h/5m and 6× over 6h/30m, ticket at 1× over 3d/6h.",
    )
    .default([
      { long: 3_600_000, short: 300_000, factor: 14.4, action: "page" },
      { long: 21_600_000, short: 1_800_000, factor: 6, action: "page" },
      { long: 259_200_000, short: 21_600_000, factor: 1, action: "ticket" },
    ]),
});

export type ScheduleConfig = z.output<typeof Schedule>;
export type RetentionConfig = z.output<typeof Retention>;
export type SloDefaultsConfig = z.output<typeof SloDefaults>;
