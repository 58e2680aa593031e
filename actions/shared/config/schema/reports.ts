import { z } from "zod";
import { Duration, Percent } from "./units.ts";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'a UTC time "HH:MM"' });

export const Schedule = z.strictObject({
  /** The monitor workflow's cron (GitHub's minimum is every 5 minutes). */
  monitor: z.string().default("*/5 * * * *"),
  /** UTC times of the runbook's "Integration Status Update" (launch-day defaults). */
  updates: z.array(HHMM).default(["00:00", "08:00", "12:00", "16:00", "20:00", "23:00"]),
  /** UTC time the end-of-day summary is written. */
  daily: HHMM.default("23:00"),
  /** Weekly report: ISO weekday (1 = Monday) and UTC time (support plan: Mondays 10:00). */
  weekly: z.strictObject({ day: z.number().int().min(1).max(7), time: HHMM }).default({ day: 1, time: "10:00" }),
});

export const Retention = z.strictObject({
  /** Raw per-run records are kept this many days, then only daily rollups remain. */
  rawDays: z.number().int().min(2).max(400).default(35),
  /** A gap between two records longer than this counts as unknown time, not as the earlier status. */
  gapLimit: Duration.default(1_200_000),
});

export const SloDefaults = z.strictObject({
  availability: Percent.default(99.9),
  /** Multi-window burn-rate alerts (Google SRE workbook). */
  burnRates: z
    .array(
      z.strictObject({
        long: Duration,
        short: Duration,
        factor: z.number().positive(),
        action: z.enum(["page", "ticket"]),
      }),
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
