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
  /**
   * One run's events, sent once: each route (chosen by each event's severity) gets one message
   * listing its events, PagerDuty one request per dedup key. Returns each event's deliveries, in
   * the order of `events`, each in its severity's route order. A single event is sent as before.
   */
  sendBatch(events: readonly IncidentEvent[]): Promise<Delivery[][]>;
}
