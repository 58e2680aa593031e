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

export function activeMaintenance(config: MaintenanceWindowConfig[], fromIssues: IssueWindow[], now: Date): ActiveMaintenance {
  const windows: ActiveWindow[] = [];
  for (const w of config) {
    if ("weekly" in w) {
      const hit = weeklyWindowAt(w.weekly, w.timezone, now);
      if (hit) windows.push({ services: w.services, ...hit, reason: w.reason ?? "weekly maintenance" });
    } else {
      const start = new Date(w.start);
      const end = new Date(w.end);
      if (now >= start && now < end) windows.push({ services: w.services, start, end, reason: w.reason ?? "maintenance" });
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

/** The occurrence of a weekly window that contains `now`, if any (checks today's and earlier starts). */
export function weeklyWindowAt(
  weekly: { days: string[]; start: string; duration: number },
  timezone: string,
  now: Date,
): { start: Date; end: Date } | undefined {
  const [hh, mm] = weekly.start.split(":").map(Number) as [number, number];
  // A window may have started up to `duration` ago, possibly on an earlier local day.
  const daysBack = Math.ceil(weekly.duration / 86_400_000) + 1;
  for (let back = 0; back <= daysBack; back++) {
    const local = localParts(new Date(now.getTime() - back * 86_400_000), timezone);
    if (!weekly.days.includes(DAYS[local.weekday]!)) continue;
    const start = zonedTime(local.year, local.month, local.day, hh, mm, timezone);
    const end = new Date(start.getTime() + weekly.duration);
    if (now >= start && now < end) return { start, end };
  }
  return undefined;
}

/** Formatters are costly to build (about a millisecond each); one per time zone is kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(at: Date, timezone: string) {
  let fmt = formatters.get(timezone);
  if (!fmt) fmt = newFormatter(timezone);
  const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: DAYS.indexOf(String(p.weekday).toLowerCase().slice(0, 3) as (typeof DAYS)[number]),
  };
}

function newFormatter(timezone: string): Intl.DateTimeFormat {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
  } catch (error) {
    throw new Error(`maintenance timezone "${timezone}" is not an IANA time zone (e.g. "Europe/Berlin")`, { cause: error });
  }
  formatters.set(timezone, fmt);
  return fmt;
}

/** The instant when the wall clock in `timezone` reads the given local time. */
function zonedTime(y: number, mo: number, d: number, h: number, mi: number, timezone: string): Date {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // Two passes settle the offset, also across a daylight-saving change.
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(t), timezone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    t = guess - (asUtc - t);
  }
  return new Date(t);
}

/**
 * A maintenance issue names its window in its body, one `key: value` per line:
 *   services: chatwoot, hotdash-production
 *   start: 2026-11-22T22:00:00Z
 *   end: 2026-11-22T23:30:00Z
 * Returns the window, or an error that says what is wrong with it.
 */
export function parseMaintenanceIssue(issue: { number: number; title: string; body: string }): IssueWindow | { error: string } {
  const get = (key: string) => new RegExp(`^\\s*[-*]?\\s*\\**${key}\\**\\s*:\\s*(.+?)\\s*$`, "im").exec(issue.body)?.[1];
  const services = (get("services") ?? "").split(/[,\s]+/).map((s) => s.replace(/`/g, "").trim()).filter(Boolean);
  const start = get("start")?.replace(/`/g, "");
  const end = get("end")?.replace(/`/g, "");
  const where = `maintenance issue #${issue.number}`;
  if (!services.length) return { error: `${where}: add a line "services: id1, id2"` };
  if (!start || Number.isNaN(Date.parse(start))) return { error: `${where}: add a line "start: <ISO date-time with zone>", found "${start ?? ""}"` };
  if (!end || Number.isNaN(Date.parse(end))) return { error: `${where}: add a line "end: <ISO date-time with zone>", found "${end ?? ""}"` };
  if (Date.parse(end) <= Date.parse(start)) return { error: `${where}: end (${end}) must be after start (${start})` };
  return { services, start: new Date(start).toISOString(), end: new Date(end).toISOString(), reason: `${issue.title} (#${issue.number})` };
}
