import { Temporal } from "temporal-polyfill";
import type { MaintenanceWindowConfig } from "./config/schema/incidents.ts";

/**
 * Maintenance windows: one-off and weekly ones from the config (weekly in an IANA time zone, so
 * "sun 02:00 Europe/Berlin" follows daylight saving), plus windows announced in open issues
 * labelled `maintenance`. During a window probes still run; the status is `maintenance` and no
 * incident opens.
 */
export interface ActiveWindow {
  services: string[];
  start: Date;
  end: Date;
  reason: string;
}

export interface ActiveMaintenance {
  windows: ActiveWindow[];
  /** Why `id` is in maintenance now, or undefined. */
  reasonFor(id: string): string | undefined;
}

export interface IssueWindow {
  services: string[];
  start: string;
  end: string;
  reason: string;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

export function activeMaintenance(
  config: MaintenanceWindowConfig[],
  fromIssues: IssueWindow[],
  now: Date,
): ActiveMaintenance {
  const windows: ActiveWindow[] = [];
  for (const w of config) {
    if ("weekly" in w) {
      const hit = weeklyWindowAt(w.weekly, w.timezone, now);
      if (hit) windows.push({ services: w.services, ...hit, reason: w.reason ?? "weekly maintenance" });
    } else {
      const start = new Date(w.start);
      const end = new Date(w.end);
      if (now >= start && now < end)
        windows.push({ services: w.services, start, end, reason: w.reason ?? "maintenance" });
    }
  }
  for (const w of fromIssues) {
    const start = new Date(w.start);
    const end = new Date(w.end);
    if (now >= start && now < end) windows.push({ services: w.services, start, end, reason: w.reason });
  }
  return {
    windows,
    reasonFor: (id) => {
      const w = windows.find((x) => x.services.includes(id) || x.services.includes("*"));
      return w ? `${w.reason} (until ${w.end.toISOString()})` : undefined;
    },
  };
}

/**
 * The occurrence of a weekly window that contains `now`, if any (checks today's and earlier starts).
 * Local times are resolved as Temporal's "compatible" rule (RFC 5545's too) says, the same in every
 * zone: a start that does not exist on the spring-forward day (02:30 when clocks jump from 02:00 to
 * 03:00) moves forward by the gap, to 03:30; a start that happens twice on the fall-back day takes
 * the first. The duration is elapsed time, so a 2 h window across a change still lasts 2 h.
 */
export function weeklyWindowAt(
  weekly: { days: string[]; start: string; duration: number },
  timezone: string,
  now: Date,
): { start: Date; end: Date } | undefined {
  const [hour, minute] = weekly.start.split(":").map(Number) as [number, number];
  const today = zonedNow(now, timezone).toPlainDate();
  // A window may have started up to `duration` ago, possibly on an earlier local day.
  const daysBack = Math.ceil(weekly.duration / 86_400_000) + 1;
  for (let back = 0; back <= daysBack; back++) {
    const day = today.subtract({ days: back });
    if (!weekly.days.includes(DAYS[day.dayOfWeek % 7]!)) continue; // Temporal: Monday 1 … Sunday 7
    const start = new Date(
      day.toPlainDateTime({ hour, minute }).toZonedDateTime(timezone, { disambiguation: "compatible" })
        .epochMilliseconds,
    );
    const end = new Date(start.getTime() + weekly.duration);
    if (now >= start && now < end) return { start, end };
  }
  return undefined;
}

function zonedNow(now: Date, timezone: string): Temporal.ZonedDateTime {
  try {
    return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timezone);
  } catch (error) {
    throw new Error(`maintenance timezone "${timezone}" is not an IANA time zone (e.g. "Europe/Berlin")`, {
      cause: error,
    });
  }
}

/**
 * A maintenance issue names its window in its body, one `key: value` per line:
 *   services: chatwoot, hotdash-production
 *   start: 2026-11-22T22:00:00Z
 *   end: 2026-11-22T23:30:00Z
 * or as the issue form (.github/ISSUE_TEMPLATE/maintenance.yml) renders it: a `### services`
 * heading, a blank line, the value. Returns the window, or an error that says what is wrong with it.
 */
export function parseMaintenanceIssue(issue: {
  number: number;
  title: string;
  body: string;
}): IssueWindow | { error: string } {
  const get = (key: string) => keyLine(issue.body, key) ?? formSection(issue.body, key);
  const services = (get("services") ?? "")
    .split(/[,\s]+/)
    .map((s) => s.replace(/`/g, "").trim())
    .filter(Boolean);
  const start = get("start")?.replace(/`/g, "");
  const end = get("end")?.replace(/`/g, "");
  const where = `maintenance issue #${issue.number}`;
  if (!services.length) return { error: `${where}: add a line "services: id1, id2"` };
  if (!start || Number.isNaN(Date.parse(start)))
    return { error: `${where}: add a line "start: <ISO date-time with zone>", found "${start ?? ""}"` };
  if (!end || Number.isNaN(Date.parse(end)))
    return { error: `${where}: add a line "end: <ISO date-time with zone>", found "${end ?? ""}"` };
  if (Date.parse(end) <= Date.parse(start)) return { error: `${where}: end (${end}) must be after start (${start})` };
  return {
    services,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    reason: `${issue.title} (#${issue.number})`,
  };
}

/** `key: value` on a line of its own (Markdown bullets and bold allowed). */
function keyLine(body: string, key: string): string | undefined {
  return new RegExp(`^\\s*[-*]?\\s*\\**${key}\\**\\s*:\\s*(.+?)\\s*$`, "im").exec(body)?.[1];
}

/** An issue form's section: `### key` (the field's label), then the first non-blank line. */
function formSection(body: string, key: string): string | undefined {
  const value = new RegExp(`^###\\s+${key}\\s*$\\n(?:\\s*\\n)*\\s*(.+?)\\s*$`, "im").exec(body)?.[1];
  return value === "_No response_" ? undefined : value;
}
