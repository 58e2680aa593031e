import { plainText } from "../../shared/text/inert.ts";
import { pagerDutySeverity } from "../severity.ts";
import type { IncidentEvent } from "./types.ts";
import { postJson } from "./post.ts";

/**
 * PagerDuty Events API v2: `trigger` on open (and again on escalation, which PagerDuty folds into
 * the same alert), `resolve` on recovery; both with dedup_key = the incident key. Texts quoting a
 * service are plain, one line and bounded (PagerDuty's summary limit is 1,024 characters).
 *
 * The API takes one event per request and groups alerts by dedup_key, so a run sends one request
 * per key (`perDedupKey`), never one digest: twenty services down are twenty alerts, as PagerDuty
 * should see them.
 */
export function pagerDutyEvent(routingKey: string, e: IncidentEvent) {
  if (e.event === "resolve") return { routing_key: routingKey, event_action: "resolve" as const, dedup_key: e.key };
  return {
    routing_key: routingKey,
    event_action: "trigger" as const,
    dedup_key: e.key,
    payload: {
      summary: plainText(e.summary, { max: 1_024 }),
      source: e.source,
      severity: pagerDutySeverity(e.severity),
      component: e.source,
      group: e.environment,
      class: e.event,
      custom_details: Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, plainText(v, { max: 1_000 })])),
    },
    ...(e.url?.startsWith("http") ? { links: [{ href: e.url, text: "GitHub issue" }] } : {}),
  };
}

export function sendPagerDuty(
  url: string,
  routingKey: string,
  e: IncidentEvent,
  timeoutMs: number,
  scrub?: (text: string) => string,
): Promise<void> {
  return postJson(url, pagerDutyEvent(routingKey, e), timeoutMs, "PagerDuty", { scrub });
}

/**
 * One request per dedup key, in the order the keys first appear. A key with several events in one
 * run (an opening a failed run never announced, sent with the escalation or the resolve now due)
 * is sent as its last: a resolve when it resolved (a resolve for a key with no open alert opens
 * none, so an incident over before anyone was paged pages nobody), else its latest trigger.
 */
export function perDedupKey(events: readonly IncidentEvent[]): Array<{ event: IncidentEvent; indexes: number[] }> {
  const byKey = new Map<string, { event: IncidentEvent; indexes: number[] }>();
  events.forEach((event, i) => {
    const seen = byKey.get(event.key);
    if (seen) {
      seen.event = event;
      seen.indexes.push(i);
    } else byKey.set(event.key, { event, indexes: [i] });
  });
  return [...byKey.values()];
}
