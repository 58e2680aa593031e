import type { Latest } from "../shared/store/latest-schema.ts";
import type { Severity, Status } from "../shared/status.ts";
import type { ActiveMaintenance } from "../shared/maintenance.ts";
import { severityFor, worse } from "./severity.ts";

/** What an incident is about: one service or one group, as the evaluation left it this run. */
export interface Subject {
  key: string;
  kind: "service" | "group" | "budget" | "blind" | "monitor";
  id: string;
  name: string;
  environment: string;
  criticality: string;
  status: Status;
  reason: string;
  since: string;
  /** Failing runs in a row, when the evaluation counts them (groups do not). */
  consecutiveFailures?: number;
  /** The probe evidence quoted in comments and records. */
  evidence: string;
  /** Groups: members operational (up or degraded) now. */
  operational?: number;
  /** Why the subject is in maintenance, when it is. */
  maintenance?: string;
  /** Set when the severity does not follow criticality × status (error-budget alerts, a dependency others fail behind). */
  severity?: Severity;
  /** The root cause this subject's failure is attributed to (a down dependency or group): it opens no incident of its own. */
  causedBy?: string;
  /** Names of the services and groups whose failures are attributed to this one, sorted. */
  affected?: string[];
}

/** An error-budget burn-rate alert (actions/report/slo.ts `BudgetAlert`), as the lifecycle needs it. */
export interface BurnAlert {
  key: string;
  service: string;
  action: "page" | "ticket";
  severity: Severity;
  summary: string;
  at: string;
}

/**
 * Error-budget incidents are their own kind (`budget:<service>`, labelled `error-budget`): one is
 * failing while a burn-rate alert fires for the service, and recovers when none does. Services with
 * neither an alert nor an open budget incident have no subject.
 *
 * An outage burns the budget fast, so the page rules fire on the very outage the service's own
 * incident is already about: paging for it twice helps no one. While the service is down, its
 * incident is open, or it closed within `flapWindow` (the outage still fills the burn windows),
 * an alert opens no budget incident. One already open stays with its alert and closes as usual.
 */
export function budgetSubjects(alerts: readonly BurnAlert[], latest: Latest, now: Date, flapWindow: number): Subject[] {
  const out: Subject[] = [];
  for (const svc of Object.values(latest.services)) {
    const key = `budget:${svc.id}`;
    const open = latest.incidents[key]?.state === "open";
    // Several rules may fire at once; the first is the most urgent (pages before tickets).
    const alert = alerts.find((a) => a.service === svc.id);
    if (!alert && !open) continue;
    if (alert && !open && coveredByServiceIncident(svc.id, latest, now, flapWindow)) continue;
    out.push({
      key,
      kind: "budget",
      id: svc.id,
      name: `${svc.name} error budget`,
      environment: svc.environment,
      criticality: svc.criticality,
      status: alert ? "down" : "up",
      reason: alert?.summary ?? "no burn-rate alert fires any more",
      since: alert?.at ?? now.toISOString(),
      evidence: alert ? `${alert.action}: ${alert.summary}` : "burn rates back under every alert threshold",
      ...(alert && { severity: alert.severity }),
    });
  }
  return out;
}

/** The service is down now (its incident opens or continues this run), open, or recently closed. */
function coveredByServiceIncident(id: string, latest: Latest, now: Date, flapWindow: number): boolean {
  if (latest.services[id]?.status === "down") return true;
  const incident = latest.incidents[`service:${id}`];
  if (!incident) return false;
  if (incident.state === "open") return true;
  const closedAt = Date.parse(incident.closedAt ?? "");
  return Number.isFinite(closedAt) && now.getTime() - closedAt < flapWindow;
}

export function subjectsOf(latest: Latest, maintenance: ActiveMaintenance): Subject[] {
  const out: Subject[] = [];
  const behind = new Map<string, Array<{ name: string; severity: Severity | null }>>();
  for (const x of [...Object.values(latest.services), ...Object.values(latest.groups)]) {
    if (!x.causedBy) continue;
    behind.set(x.causedBy, [
      ...(behind.get(x.causedBy) ?? []),
      { name: x.name, severity: severityFor(x.criticality, x.status) },
    ]);
  }
  // The root cause's incident carries what fails behind it: listed, and paged as loud as the worst.
  const dependency = (id: string, criticality: string, status: Status): Partial<Subject> => {
    const list = behind.get(id);
    if (!list) return {};
    const own = severityFor(criticality, status);
    const worst = list.reduce<Severity | null>(
      (w, x) => (x.severity && (!w || worse(w, x.severity) !== w) ? x.severity : w),
      own,
    );
    return { affected: list.map((x) => x.name).sort(), ...(worst && own && worst !== own && { severity: worst }) };
  };
  for (const s of Object.values(latest.services)) {
    const m = s.metrics;
    const parts = [
      s.reason && `reason: ${s.reason}`,
      m.statusCodes.length ? `status codes: ${[...new Set(m.statusCodes)].join(", ")}` : "",
      m.p95 !== undefined ? `p95: ${Math.round(m.p95)} ms` : "",
      m.count ? `success: ${m.okCount}/${m.count}` : "",
    ].filter(Boolean);
    out.push({
      key: `service:${s.id}`,
      kind: "service",
      id: s.id,
      name: s.name,
      environment: s.environment,
      criticality: s.criticality,
      status: s.status,
      reason: s.reason,
      since: s.since,
      consecutiveFailures: s.consecutiveFailures,
      evidence: parts.join("; "),
      maintenance: s.status === "maintenance" ? "maintenance" : maintenance.reasonFor(s.id),
      ...(s.causedBy && { causedBy: s.causedBy }),
      ...dependency(s.id, s.criticality, s.status),
    });
  }
  for (const g of Object.values(latest.groups)) {
    const down = Object.entries(g.members)
      .filter(([, st]) => st === "down")
      .map(([id]) => id);
    out.push({
      key: `group:${g.id}`,
      kind: "group",
      id: g.id,
      name: g.name,
      environment: g.environment,
      criticality: g.criticality,
      status: g.status,
      reason: g.reason,
      since: g.since,
      evidence: `quorum: ${g.operational}/${g.total} operational${down.length ? `; down: ${down.join(", ")}` : ""}`,
      operational: g.operational,
      maintenance: g.status === "maintenance" ? "maintenance" : maintenance.reasonFor(g.id),
      ...(g.causedBy && { causedBy: g.causedBy }),
      ...dependency(g.id, g.criticality, g.status),
    });
  }
  for (const x of out)
    if (x.affected) x.evidence = `${x.evidence}${x.evidence ? "; " : ""}affecting: ${x.affected.join(", ")}`;
  return out;
}

/**
 * A blind monitor alerts too: a service `unknown` on online runs for `blindAfter` or longer is a
 * P3 "monitoring blind" incident (`blind:<id>`) naming the reason; it recovers when data returns.
 * Services in maintenance are not blind: nobody expects data from them.
 */
export function blindSubjects(latest: Latest, blindAfter: number): Subject[] {
  const out: Subject[] = [];
  for (const svc of Object.values(latest.services)) {
    const key = `blind:${svc.id}`;
    const blind = svc.status === "unknown" && (svc.blindMs ?? 0) >= blindAfter;
    if (!blind && latest.incidents[key]?.state !== "open") continue;
    out.push({
      key,
      kind: "blind",
      id: svc.id,
      name: `monitoring blind: ${svc.name}`,
      environment: svc.environment,
      criticality: svc.criticality,
      status: blind ? "down" : "up",
      reason: blind ? svc.reason : "data returned",
      since: blind ? (svc.blindSince ?? svc.since) : svc.since,
      evidence: blind
        ? `unknown for ${Math.round((svc.blindMs ?? 0) / 60_000)} min on online runs: ${svc.reason}`
        : `status ${svc.status} again`,
      ...(blind && { severity: "P3" as const }),
    });
  }
  return out;
}
