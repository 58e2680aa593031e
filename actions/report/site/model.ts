import type { PublicUpdate } from "../../incident/public-updates.ts";
import type { OpsConfig } from "../../shared/config/schema/index.ts";
import { weeklyWindowAt } from "../../shared/maintenance.ts";
import type { Status } from "../../shared/status.ts";
import { availability } from "../../shared/store/durations.ts";
import { quantile } from "../../shared/store/histogram.ts";
import { cadenceOf, parseCron } from "../cron.ts";
import { duration } from "../format.ts";
import { buildModel, DAY, type GroupModel, type Overall } from "../model.ts";
import type { SiteData } from "./read.ts";

/**
 * The site's model: what every page shows, computed once from the config, the data read from the
 * data directory and the build time. Uptime, latency and the overall status come from the report
 * model (actions/report/model.ts) and the history view (actions/report/uptime.ts); this adds the
 * daily bars, the 90-day window, the incidents with their timelines and public updates, and
 * maintenance. Pure: the same inputs give the same model.
 */
export const STRIP_DAYS = 90;
export const YEAR_DAYS = 365;
export const INCIDENT_DAYS = 90;
/** Data older than this many schedule intervals is called stale. */
export const STALE_FACTOR = 3;

export interface DayBar {
  day: string;
  /** Availability in percent; undefined when nothing was known that day. */
  uptime?: number;
  downMs: number;
  maintenanceMs: number;
  /** Incidents of this service that were open at some time of the day. */
  incidents: number;
}

export interface LatencyPoint {
  day: string;
  p50?: number;
  p95?: number;
}

export interface WindowFigures {
  label: string;
  uptime?: number;
  downMs: number;
  maintenanceMs: number;
  unknownMs: number;
}

export interface SiteService {
  id: string;
  name: string;
  environment: string;
  description?: string;
  status: Status;
  reason: string;
  since?: string;
  checkedAt?: string;
  uptime: { h24?: number; d7?: number; d30?: number; d90?: number };
  p95h24?: number;
  /** The last YEAR_DAYS days, oldest first; today last (partial). */
  days: DayBar[];
  /** Daily p50/p95 over the last STRIP_DAYS days, oldest first. */
  latency: LatencyPoint[];
  windows: WindowFigures[];
  /** Slugs of its incidents, newest first. */
  incidents: string[];
}

export interface SiteGroup extends GroupModel {}

export interface SiteIncident {
  slug: string;
  title: string;
  subject: string;
  /** The service or group id, when known. */
  subjectId?: string;
  number?: number;
  /** The GitHub issue (http(s) only). */
  url?: string;
  severity?: string;
  open: boolean;
  startedAt?: number;
  endedAt?: number;
  timeline: Array<{ at: string; text: string }>;
  updates: PublicUpdate[];
}

export interface MaintenanceItem {
  services: string[];
  start?: number;
  end?: number;
  /** For weekly windows: "every sun 02:00 Europe/Berlin for 2 h". */
  every?: string;
  reason: string;
}

export interface SiteModel {
  title: string;
  baseUrl?: string;
  logo?: string;
  builtAt: number;
  /** When the newest run finished (latest.json's updatedAt). */
  dataAt?: number;
  cadenceMs: number;
  /** dataAt + STALE_FACTOR × cadence: later than this, readers are told the data is stale. */
  staleAfter?: number;
  staleAtBuild: boolean;
  overall: Overall;
  environments: Array<{ name: string; services: SiteService[]; groups: SiteGroup[] }>;
  services: SiteService[];
  /** Open ones and those of the last INCIDENT_DAYS days, newest first. */
  incidents: SiteIncident[];
  /** Every known incident of the shown services (service pages show a year). */
  allIncidents: SiteIncident[];
  maintenance: { current: MaintenanceItem[]; upcoming: MaintenanceItem[] };
}

const ENV_ORDER = ["production", "staging", "shared"];

export function buildSiteModel(config: OpsConfig, data: SiteData, now: number): SiteModel {
  const site = config.site;
  const listed = site.services ? new Set(site.services) : undefined;
  const envOk = (env: string) => !site.environments || site.environments.includes(env);
  const order = (id: string) => (site.services ? site.services.indexOf(id) : 0);
  const services = config.services
    .filter((s) => (!listed || listed.has(s.id)) && envOk(s.environment))
    .sort((a, b) => order(a.id) - order(b.id));
  const groups = config.groups
    .filter((g) => (!listed || listed.has(g.id)) && envOk(g.environment))
    .sort((a, b) => order(a.id) - order(b.id));
  const report = buildModel({ ...config, services, groups }, data.latest, data.view, now);

  const byId = new Map(services.map((s) => [s.id, s] as const));
  const shownIds = new Set([...services.map((s) => s.id), ...groups.map((g) => g.id)]);
  const allIncidents = siteIncidents(config, data, shownIds);
  const today = Math.floor(now / DAY) * DAY;
  const siteServices = report.services.map((m): SiteService => {
    const svc = byId.get(m.id)!;
    const mine = allIncidents.filter((i) => i.subjectId === m.id);
    const spans = mine.map((x) => [x.startedAt ?? Infinity, x.endedAt ?? now] as const);
    const days: DayBar[] = [];
    const latency: LatencyPoint[] = [];
    for (let i = YEAR_DAYS - 1; i >= 0; i--) {
      const from = today - i * DAY;
      const to = Math.min(from + DAY, now);
      const stats = data.view.window(m.id, from, to, { latency: i < STRIP_DAYS });
      const day = new Date(from).toISOString().slice(0, 10);
      let incidents = 0;
      for (const [start, end] of spans) if (start < from + DAY && end >= from) incidents++;
      days.push({
        day,
        uptime: availability(stats.ms),
        downMs: stats.ms.down,
        maintenanceMs: stats.ms.maintenance,
        incidents,
      });
      if (i < STRIP_DAYS) latency.push({ day, p50: quantile(stats.hist, 0.5), p95: quantile(stats.hist, 0.95) });
    }
    const windows = (
      [
        ["24 hours", DAY],
        ["7 days", 7 * DAY],
        ["30 days", 30 * DAY],
        ["90 days", 90 * DAY],
        ["365 days", YEAR_DAYS * DAY],
      ] as const
    ).map(([label, span]): WindowFigures => {
      const { ms } = data.view.window(m.id, now - span, now, { latency: false });
      return { label, uptime: availability(ms), downMs: ms.down, maintenanceMs: ms.maintenance, unknownMs: ms.unknown };
    });
    return {
      id: m.id,
      name: m.name,
      environment: m.environment,
      ...(svc.description && { description: svc.description }),
      status: m.status,
      reason: m.reason,
      ...(m.since && { since: m.since }),
      ...(m.checkedAt && { checkedAt: m.checkedAt }),
      uptime: { h24: m.uptime.h24, d7: m.uptime.d7, d30: m.uptime.d30, d90: windows[3]!.uptime },
      ...(m.p95h24 !== undefined && { p95h24: m.p95h24 }),
      days,
      latency,
      windows,
      incidents: mine.map((i) => i.slug),
    };
  });

  const envs = [
    ...new Set([...siteServices.map((s) => s.environment), ...report.groups.map((g) => g.environment)]),
  ].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const cadenceMs = safeCadence(config.schedule.monitor, now);
  const dataAt = data.latest ? Date.parse(data.latest.updatedAt) : undefined;
  const staleAfter = dataAt === undefined ? undefined : dataAt + STALE_FACTOR * cadenceMs;
  return {
    title: site.title ?? config.title,
    ...(site.baseUrl && { baseUrl: site.baseUrl.endsWith("/") ? site.baseUrl : `${site.baseUrl}/` }),
    ...(site.logo && { logo: site.logo }),
    builtAt: now,
    ...(dataAt !== undefined && { dataAt }),
    cadenceMs,
    ...(staleAfter !== undefined && { staleAfter }),
    staleAtBuild: staleAfter !== undefined && now > staleAfter,
    overall: report.overall,
    environments: envs.map((name) => ({
      name,
      services: siteServices.filter((s) => s.environment === name),
      groups: report.groups.filter((g) => g.environment === name),
    })),
    services: siteServices,
    incidents: allIncidents.filter((i) => i.open || (i.endedAt ?? i.startedAt ?? 0) >= now - INCIDENT_DAYS * DAY),
    allIncidents,
    maintenance: maintenanceOf(config, report.services, shownIds, now),
  };
}

function rank(env: string): number {
  const i = ENV_ORDER.indexOf(env);
  return i === -1 ? ENV_ORDER.length : i;
}

function safeCadence(cron: string, now: number): number {
  try {
    return cadenceOf(parseCron(cron), new Date(now));
  } catch {
    // An invalid cron is reported by `ops validate`; the site then assumes GitHub's 5 minutes.
    return 5 * 60_000;
  }
}

/**
 * Incidents of the shown services and groups, newest first, from the run's own state: latest.json's
 * open and recently closed incidents and its archive of older ones, each with its timeline and
 * public updates. Error-budget, blind-monitor and monitoring-gap incidents stay internal.
 */
function siteIncidents(config: OpsConfig, data: SiteData, shown: ReadonlySet<string>): SiteIncident[] {
  const names = new Map([...config.services, ...config.groups].map((s) => [s.id, s.name] as const));
  const envs = new Map([...config.services, ...config.groups].map((s) => [s.id, s.environment] as const));
  const states = [...(data.latest?.archive ?? []), ...Object.values(data.latest?.incidents ?? {})];
  const out: SiteIncident[] = [];
  for (const s of states) {
    if ((s.kind !== "service" && s.kind !== "group") || !shown.has(s.subject)) continue;
    const name = names.get(s.subject) ?? s.subject;
    const open = s.state === "open";
    const end = s.recoveredAt ?? s.closedAt;
    out.push({
      slug: s.record
        ? baseName(s.record).replace(/\.md$/, "")
        : s.number !== undefined
          ? `issue-${s.number}`
          : `${s.key}-${s.openedAt}`.replace(/[^A-Za-z0-9-]+/g, "-"),
      // As the incident issue and its record are titled.
      title: `${name} (${envs.get(s.subject) ?? "shared"}) ${String(s.evidence.worst ?? s.status)}`,
      subject: name,
      subjectId: s.subject,
      ...(s.number !== undefined && s.number > 0 && { number: s.number }),
      ...(s.url && /^https?:\/\//.test(s.url) && { url: s.url }),
      severity: s.severity,
      open,
      startedAt: Date.parse(s.startedAt ?? s.openedAt),
      ...(!open && end && { endedAt: Date.parse(end) }),
      timeline: s.timeline,
      updates: s.updates ?? [],
    });
  }
  return out.sort(
    (a, b) =>
      Number(b.open) - Number(a.open) || (b.startedAt ?? 0) - (a.startedAt ?? 0) || a.slug.localeCompare(b.slug),
  );
}

function baseName(path: string): string {
  return path.split("/").pop()!;
}

function maintenanceOf(
  config: OpsConfig,
  services: Array<{ id: string; name: string; status: Status; reason: string }>,
  shown: ReadonlySet<string>,
  now: number,
) {
  const current: MaintenanceItem[] = [];
  const upcoming: MaintenanceItem[] = [];
  const names = new Map([...config.services, ...config.groups].map((s) => [s.id, s.name] as const));
  for (const w of config.maintenance) {
    const ids = w.services.filter((id) => id === "*" || shown.has(id));
    if (!ids.length) continue;
    const who = ids.map((id) => (id === "*" ? "all services" : (names.get(id) ?? id)));
    if ("start" in w) {
      const start = Date.parse(w.start);
      const end = Date.parse(w.end);
      const item = { services: who, start, end, reason: w.reason ?? "maintenance" };
      if (start <= now && now < end) current.push(item);
      else if (start > now) upcoming.push(item);
      continue;
    }
    const every = `every ${w.weekly.days.join(", ")} at ${w.weekly.start} ${w.timezone} for ${duration(w.weekly.duration)}`;
    const active = weeklyWindowAt(w.weekly, w.timezone, new Date(now));
    if (active)
      current.push({
        services: who,
        start: active.start.getTime(),
        end: active.end.getTime(),
        every,
        reason: w.reason ?? "weekly maintenance",
      });
    const next = nextWeekly(w.weekly, w.timezone, active ? active.end.getTime() : now);
    upcoming.push({
      services: who,
      ...(next && { start: next.start.getTime(), end: next.end.getTime() }),
      every,
      reason: w.reason ?? "weekly maintenance",
    });
  }
  // Services the last run found in maintenance (also from `maintenance` issues) that no window above names.
  for (const s of services) {
    if (
      s.status !== "maintenance" ||
      current.some((c) => c.services.includes(s.name) || c.services.includes("all services"))
    )
      continue;
    current.push({ services: [s.name], reason: s.reason || "maintenance" });
  }
  upcoming.sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity));
  return { current, upcoming };
}

/** The next start of a weekly window after `from`, searched 8 days ahead. */
function nextWeekly(weekly: { days: string[]; start: string; duration: number }, timezone: string, from: number) {
  const step = Math.min(weekly.duration, 3_600_000);
  for (let t = from + 1; t < from + 8 * DAY; t += step) {
    const hit = weeklyWindowAt(weekly, timezone, new Date(t));
    if (hit && hit.start.getTime() >= from) return hit;
  }
  return undefined;
}
