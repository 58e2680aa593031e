import { plainText } from "../../shared/text/inert.ts";
import { pagerDutySeverity } from "../severity.ts";
import type { IncidentEvent } from "./types.ts";
import { postJson } from "./post.ts";

/**
 * PagerDuty Events API v2: `trigger` on open (and again on escalation, which PagerDuty folds into
 * the same alert), `resolve` on recovery; both with dedup_key = the incident key. Texts quoting a
 * service are plain, one line and bounded (PagerDuty's summary limit is 1,024 characters).
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
