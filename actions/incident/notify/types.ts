import type { Severity } from "../../shared/status.ts";

/**
 * Sent on open, escalation and resolve, and as a reminder at the severity's cadence while nobody
 * has acknowledged — never on every run.
 */
export interface IncidentEvent {
  event: "open" | "escalation" | "reminder" | "resolve";
  /** The incident key ("service:chatwoot"); PagerDuty's dedup_key. */
  key: string;
  severity: Severity;
  /** One line: what happened. */
  summary: string;
  /** Service or group id. */
  source: string;
  environment: string;
  /** The address, when there is one. */
  url?: string;
  details: Record<string, string>;
}

export interface Delivery {
  route: string;
  ok: boolean;
  /** The route is not configured at all (no URL or key in the config): not an error. */
  skipped?: boolean;
  /** Why it failed or was skipped; never contains a URL or key. */
  error?: string;
}

export interface Notifier {
  send(event: IncidentEvent): Promise<Delivery[]>;
}
