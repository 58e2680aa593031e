import type { Severity } from "../shared/status.ts";
import type { IncidentState, Latest } from "../shared/store/latest-schema.ts";
import type { SlaConfig } from "../shared/config/schema/incidents.ts";
import { slaView } from "../incident/sla.ts";

/**
 * The incidents the daily and weekly reports count: the run's own incident state (latest.json's
 * `incidents`, and the closed ones kept in its `archive`), handed forward by the incident step.
 * The reports never parse `incidents/*.md` back to learn what the incident step decided.
 */
export interface IncidentFact {
  id: string;
  subject: string;
  kind?: string;
  severity?: Severity;
  openedAt?: number;
  closedAt?: number;
  number?: number;
  url?: string;
  /** From the opening to the acknowledgement (`/ack` or a human assigned), when acknowledged. */
  timeToAckMs?: number;
  /** Against `incidents.sla` at the report's time (actions/incident/sla.ts), when the config was given. */
  responseBreached?: boolean;
  resolutionBreached?: boolean;
}

/** `names` maps service and group ids to display names. */
export function incidentFacts(
  latest: Latest | undefined,
  names: ReadonlyMap<string, string> = new Map(),
  sla?: { config: SlaConfig; now: number },
): IncidentFact[] {
  const all = [...(latest?.archive ?? []), ...Object.values(latest?.incidents ?? {})];
  const facts = all.map((i) => {
    const fact = factOf(i, names);
    if (!sla) return fact;
    const v = slaView(i, sla.config, new Date(sla.now));
    return {
      ...fact,
      ...(v.timeToAckMs !== undefined && { timeToAckMs: v.timeToAckMs }),
      responseBreached: v.responseBreached,
      resolutionBreached: v.resolutionBreached,
    };
  });
  return facts.sort((a, b) => (a.openedAt ?? 0) - (b.openedAt ?? 0) || a.id.localeCompare(b.id));
}

function factOf(i: IncidentState, names: ReadonlyMap<string, string>): IncidentFact {
  const end = i.recoveredAt ?? i.closedAt;
  return {
    id: i.number !== undefined ? `#${i.number}` : i.record ? i.record.split("/").pop()! : `${i.key}@${i.openedAt}`,
    subject: names.get(i.subject) ?? i.subject,
    kind: i.kind,
    severity: i.severity,
    // Time to resolve runs from when the failure began to the first good run, where known.
    openedAt: Date.parse(i.startedAt ?? i.openedAt),
    ...(i.state === "closed" && end && { closedAt: Date.parse(end) }),
    ...(i.number !== undefined && { number: i.number }),
    ...(i.url && { url: i.url }),
  };
}
