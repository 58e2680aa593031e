import { Temporal } from "temporal-polyfill";
import type { IncidentsConfig, MaintenanceWindowConfig, ScheduleConfig } from "./schema/index.ts";
import { formatDuration } from "./schema/units.ts";
import { problem, type PathSegment, type Problem } from "./errors.ts";

/**
 * Checks on everything that is about time: maintenance windows, escalation, the schedule. Each
 * takes only its own part of the config, so it also runs when another part fails the schema.
 */
interface Out {
  errors: Problem[];
  warnings: Problem[];
}

const WEEK_MS = 7 * 86_400_000;

/** Whether `zone` is one the maintenance windows can be resolved in (the same Temporal they use). */
export function isTimeZone(zone: string): boolean {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return true;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}

/** One maintenance window, `maintenance[i]`. */
export function checkMaintenance(w: MaintenanceWindowConfig, i: number, out: Out): void {
  const at: PathSegment[] = ["maintenance", i];
  if ("end" in w) {
    if (Date.parse(w.end) <= Date.parse(w.start)) {
      out.errors.push(problem([...at, "end"], `a time after start (${w.start})`, JSON.stringify(w.end)));
    }
    return;
  }
  if (!isTimeZone(w.timezone)) {
    const hint = 'use an IANA name such as "UTC", "America/Chicago" or "Europe/Berlin"';
    out.errors.push(problem([...at, "timezone"], "an IANA time zone", JSON.stringify(w.timezone), hint));
  }
  const [hh, mm] = w.weekly.start.split(":").map(Number);
  if (hh! > 23 || mm! > 59) {
    out.errors.push(
      problem([...at, "weekly", "start"], 'a time of day "HH:MM" from 00:00 to 23:59', JSON.stringify(w.weekly.start)),
    );
  }
  if (w.weekly.duration <= 0 || w.weekly.duration > WEEK_MS) {
    out.errors.push(
      problem([...at, "weekly", "duration"], "more than 0 and at most 7d", formatDuration(w.weekly.duration)),
    );
  }
  const days = new Set<string>();
  w.weekly.days.forEach((d, j) => {
    if (days.has(d)) out.errors.push(problem([...at, "weekly", "days", j], "each day listed once", `"${d}" again`));
    days.add(d);
  });
}

export type EscalationLevelConfig = IncidentsConfig["escalation"][number];

/**
 * Levels climb: each listed level is higher than the one before and comes later, for the
 * severities they share (support plan: P0 → Level 2 after 30 min, Level 3 after 1 h).
 * `levels` pairs each level with its index in the file; levels that failed the schema are left out.
 */
export function checkEscalation(levels: ReadonlyArray<readonly [EscalationLevelConfig, number]>, out: Out): void {
  levels.forEach(([l, i], k) => {
    const at: PathSegment[] = ["incidents", "escalation", i];
    for (const [prev, j] of levels.slice(0, k)) {
      if (l.level === prev.level) {
        out.errors.push(
          problem([...at, "level"], `a level other than ${prev.level} (escalation[${j}])`, String(l.level)),
        );
        continue;
      }
      const shared = l.severities.some((s) => prev.severities.includes(s));
      if (!shared) continue;
      if (l.level < prev.level) {
        out.errors.push(
          problem([...at, "level"], `levels in increasing order (after level ${prev.level})`, String(l.level)),
        );
      } else if (l.after <= prev.after) {
        out.errors.push(
          problem(
            [...at, "after"],
            `later than level ${prev.level} (${formatDuration(prev.after)})`,
            formatDuration(l.after),
            "a higher level is reached later",
          ),
        );
      }
    }
  });
}

/** Cron fields: name, lowest, highest, and names allowed in place of numbers. */
const CRON_FIELDS: Array<[string, number, number, string[]]> = [
  ["minute", 0, 59, []],
  ["hour", 0, 23, []],
  ["day of month", 1, 31, []],
  ["month", 1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]],
  ["day of week", 0, 6, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]],
];

/** Why a 5-field cron expression is invalid, or undefined when it is valid. */
export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return `5 fields (minute hour day month weekday), found ${fields.length}`;
  for (let f = 0; f < 5; f++) {
    const [name, lo, hi, names] = CRON_FIELDS[f]!;
    for (const part of fields[f]!.split(",")) {
      const m = /^(\*|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:\/(\d+))?$/i.exec(part);
      const num = (s: string | undefined) =>
        s === undefined
          ? lo
          : names.includes(s.toLowerCase())
            ? names.indexOf(s.toLowerCase()) + lo
            : /^\d+$/.test(s)
              ? Number(s)
              : NaN;
      if (!m) return `a valid ${name} field, found "${part}"`;
      const a = m[1] === "*" ? lo : num(m[2]);
      const b = m[3] === undefined ? a : num(m[3]);
      if (!(a >= lo && b <= hi && a <= b) || m[4] === "0") return `${name} values from ${lo} to ${hi}, found "${part}"`;
    }
  }
  return undefined;
}

export function checkSchedule(schedule: ScheduleConfig, out: Out): void {
  const { monitor, updates } = schedule;
  const bad = cronProblem(monitor);
  if (bad)
    out.errors.push(
      problem(["schedule", "monitor"], 'a cron expression such as "*/5 * * * *"', JSON.stringify(monitor), bad),
    );
  else {
    const minute = monitor.trim().split(/\s+/)[0]!;
    const step = /^\*(?:\/(\d+))?$/.exec(minute);
    if (step && Number(step[1] ?? 1) < 5) {
      const hint = "GitHub runs scheduled workflows at most every 5 minutes";
      out.errors.push(
        problem(["schedule", "monitor"], "an interval of at least 5 minutes", JSON.stringify(monitor), hint),
      );
    }
  }
  const seen = new Set<string>();
  updates.forEach((t, i) => {
    if (seen.has(t)) out.errors.push(problem(["schedule", "updates", i], "each time listed once", `"${t}" again`));
    seen.add(t);
  });
}
