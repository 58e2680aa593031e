import type { OpsConfig } from "../../shared/config/schema/index.ts";
import type { ProbeConfig } from "../../shared/config/schema/probes.ts";
import type { Placeholder } from "../../shared/config/schema/channels.ts";
import type { IncidentEvent } from "./types.ts";

/**
 * What every message says, whatever the channel (issue 12 §5): what failed and how (the failing
 * assertion or status codes), where (what was probed), the issue, the runbook and, for a service
 * with a rollback, the link that dispatches it. Built once per event from the event and the config.
 */
export interface MessageFacts extends Record<Placeholder, string> {
  /** "P0 incident opened: Chatwoot (production) down" */
  title: string;
}

/** Per service or group id, what the config knows that the event does not. */
export interface EvidenceContext {
  subjects: ReadonlyMap<string, { name: string; location: string; runbook?: string; rollback: boolean }>;
  /** notifications.runbook, else this repository's docs/incidents.md (when the repository is known). */
  runbook?: string;
  /** https://github.com/owner/repo, from GITHUB_SERVER_URL and GITHUB_REPOSITORY. */
  repoUrl?: string;
}

export function evidenceContext(
  config: OpsConfig,
  env: { GITHUB_SERVER_URL?: string; GITHUB_REPOSITORY?: string },
): EvidenceContext {
  const repoUrl = env.GITHUB_REPOSITORY
    ? `${(env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "")}/${env.GITHUB_REPOSITORY}`
    : undefined;
  const subjects = new Map<string, { name: string; location: string; runbook?: string; rollback: boolean }>();
  for (const s of config.services) {
    subjects.set(s.id, {
      name: s.name,
      location: locationOf(s.probe),
      ...(s.runbook ? { runbook: s.runbook } : {}),
      rollback: s.rollback !== undefined,
    });
  }
  for (const g of config.groups)
    subjects.set(g.id, { name: g.name, location: `group of ${g.members.join(", ")}`, rollback: false });
  const runbook = config.notifications.runbook ?? (repoUrl ? `${repoUrl}/blob/HEAD/docs/incidents.md` : undefined);
  return { subjects, ...(runbook ? { runbook } : {}), ...(repoUrl ? { repoUrl } : {}) };
}

/** What was probed, as the config writes it: `${NAME}` references stay names; query strings and inline credentials are cut. */
export function locationOf(probe: ProbeConfig): string {
  switch (probe.type) {
    case "http":
      return `${probe.method} ${safeTarget(probe.url)}`;
    case "mcp":
      return `MCP ${safeTarget(probe.url)}`;
    case "postgres":
      return `PostgreSQL ${safeTarget(probe.url)}`;
    case "prometheus":
      return `PromQL ${clip(probe.query, 160)} on ${safeTarget(probe.url)}`;
    case "fly":
      return `Fly app ${probe.app}`;
    case "tcp":
      return `TCP ${probe.host}:${probe.port}${probe.tls ? " (TLS)" : ""}`;
    case "dns":
      return `DNS ${probe.name}`;
    case "domain":
      return `domain ${probe.domain}`;
    case "websocket":
      return `WebSocket ${safeTarget(probe.url)}`;
    case "steps":
      return `${probe.steps.length} HTTP steps`;
    case "google-analytics":
      return `GA4 property ${probe.property}`;
  }
}

function safeTarget(url: string): string {
  return url.replace(/\?.*$/s, "").replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, "$1");
}

const VERB = {
  open: "opened",
  escalation: "escalated",
  reminder: "still unacknowledged",
  resolve: "resolved",
} as const;

export function factsOf(e: IncidentEvent, ctx: EvidenceContext, now: Date): MessageFacts {
  const subject = ctx.subjects.get(e.source);
  const name = subject?.name ?? e.source;
  const status = e.details.status ?? "";
  const issueUrl = e.url && /^https?:\/\//.test(e.url) ? e.url : "";
  const rollbackUrl =
    subject?.rollback && ctx.repoUrl && !e.key.startsWith("group:")
      ? `${ctx.repoUrl}/actions/workflows/rollback.yml`
      : "";
  return {
    title: `${e.severity} incident ${VERB[e.event]}: ${name} (${e.environment})${status ? ` ${status}` : ""}`,
    event: e.event,
    key: e.key,
    service: e.source,
    name,
    environment: e.environment,
    status,
    severity: e.severity,
    reason: e.details.evidence || e.summary,
    summary: e.summary,
    location: subject?.location ?? "",
    issueUrl,
    runbookUrl: subject?.runbook ?? ctx.runbook ?? "",
    rollbackUrl,
    time: now.toISOString(),
  };
}

/** The event with the evidence in `details`, for the routes that render details themselves (Slack, PagerDuty). */
export function withEvidence(e: IncidentEvent, f: MessageFacts): IncidentEvent {
  const extra: Record<string, string> = {};
  if (f.location) extra.location = f.location;
  if (f.runbookUrl) extra.runbook = f.runbookUrl;
  if (f.rollbackUrl) extra.rollback = f.rollbackUrl;
  return { ...e, details: { ...e.details, ...extra } };
}

/** Plain-text lines every channel can show, in this order. */
export function evidenceLines(f: MessageFacts): Array<[label: string, value: string]> {
  const lines: Array<[string, string]> = [
    ["Severity", f.severity],
    ["Status", f.status],
    ["Evidence", f.reason],
    ["Location", f.location],
    ["Issue", f.issueUrl],
    ["Runbook", f.runbookUrl],
    ["Roll back", f.rollbackUrl ? `${f.rollbackUrl} (or comment /rollback <target> <reason> on the issue)` : ""],
  ];
  return lines.filter(([, v]) => v !== "");
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
