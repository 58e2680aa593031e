import type { NotificationsConfig } from "../../shared/config/schema/incidents.ts";
import type { Redactor } from "../../shared/config/secrets.ts";
import type { ChannelConfig } from "../../shared/config/schema/channels.ts";
import { factsOf, withEvidence, type EvidenceContext } from "./facts.ts";
import { sendRoute } from "./route.ts";
import { byRoute, perEvent } from "./routing.ts";
import type { Delivery, IncidentEvent, Notifier } from "./types.ts";

export type { Delivery, IncidentEvent, Notifier } from "./types.ts";
export { printingNotifier } from "./printing.ts";

/**
 * Routes a run's events by severity (runbooks: P0/P1 → emergency channel + PagerDuty, P2/P3 →
 * alerts), all at once: each route gets one message listing its events (PagerDuty one request per
 * dedup key, a generic webhook one per event), and a route with a single event sends exactly the
 * single-event message. `config` has its secrets resolved already; `missing` names secrets that
 * were not set, so their routes report "missing secret X" instead of failing silently. Never
 * throws: a failing notifier must not block the issue work, and routes are sent side by side, so
 * one failing route does not hold back another.
 */
export interface NotifierOptions {
  config: NotificationsConfig;
  missing?: string[];
  redactor: Redactor;
  /** `notifications.channels` with their secrets resolved, or the secrets each one lacks (notify/from-config.ts). */
  channels?: Readonly<Record<string, ChannelConfig | { missing: string[] }>>;
  /** What the config adds to every message: location, runbook, rollback link. */
  evidence?: EvidenceContext;
  now?: () => Date;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { config, redactor } = options;
  const now = options.now ?? (() => new Date());
  return {
    async sendBatch(raw) {
      const at = now();
      const items = raw.map((e) => {
        // Every text that leaves goes through the redactor, whoever built the event.
        const scrubbed: IncidentEvent = {
          ...e,
          summary: redactor.scrub(e.summary),
          details: Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, redactor.scrub(v)])),
        };
        const facts = factsOf(scrubbed, options.evidence ?? { subjects: new Map() }, at);
        return { event: withEvidence(scrubbed, facts), facts };
      });
      const carried = byRoute(raw, config.routes);
      const done = new Map<string, Delivery[]>(
        await Promise.all(
          [...carried].map(
            async ([route, indexes]) =>
              [
                route,
                await sendRoute(
                  route,
                  indexes.map((i) => items[i]!),
                  options,
                ),
              ] as const,
          ),
        ),
      );
      return perEvent(raw, config.routes, carried, done);
    },
  };
}
