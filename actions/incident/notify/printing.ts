import type { NotificationsConfig } from "../../shared/config/schema/incidents.ts";
import { perDedupKey } from "./pagerduty.ts";
import { byRoute } from "./routing.ts";
import type { IncidentEvent, Notifier } from "./types.ts";

/** Keys named on one dry-run line before "…and N more". */
const NAMED = 20;

/**
 * A notifier that sends nothing and says what it would have sent (dry run, demo): one line per
 * route, batched as the real notifier batches. A route with one event prints that event.
 */
export function printingNotifier(print: (line: string) => void, config: NotificationsConfig): Notifier {
  return {
    async sendBatch(events) {
      for (const [route, indexes] of byRoute(events, config.routes)) {
        const list = indexes.map((i) => events[i]!);
        if (list.length === 1) {
          const [e] = list as [IncidentEvent];
          print(`[dry-run] notify ${route}: ${e.event} ${e.severity} ${e.summary}`);
        } else if (route === "pagerduty") {
          const keys = perDedupKey(list);
          const what = keys.map((k) => `${k.event.event === "resolve" ? "resolve" : "trigger"} ${k.event.key}`);
          print(`[dry-run] notify pagerduty: ${keys.length} requests, one per dedup key: ${named(what)}`);
        } else {
          const each = config.channels[route]?.type === "webhook";
          const what = list.map((e) => `${e.event} ${e.severity} ${e.key}`);
          print(
            `[dry-run] notify ${route}: ${each ? `${list.length} requests, one per event` : `one message for ${list.length} events`}: ${named(what)}`,
          );
        }
      }
      return events.map((e) => (config.routes[e.severity] ?? []).map((route) => ({ route, ok: true })));
    },
  };
}

function named(items: string[]): string {
  return items.length <= NAMED
    ? items.join(", ")
    : `${items.slice(0, NAMED).join(", ")} …and ${items.length - NAMED} more`;
}
