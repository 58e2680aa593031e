import type { NotificationsConfig } from "../../shared/config/schema/incidents.ts";
import type { Redactor } from "../../shared/config/secrets.ts";
import type { ChannelConfig } from "../../shared/config/schema/channels.ts";
import { sendChannel } from "./channels.ts";
import { factsOf, withEvidence, type EvidenceContext } from "./facts.ts";
import { sendPagerDuty } from "./pagerduty.ts";
import { sendSlack } from "./slack.ts";
import type { Delivery, IncidentEvent, Notifier } from "./types.ts";

export type { Delivery, IncidentEvent, Notifier } from "./types.ts";

/**
 * Routes an event by severity (runbooks: P0/P1 → emergency channel + PagerDuty, P2/P3 → alerts).
 * `config` has its secrets resolved already; `missing` names secrets that were not set, so their
 * routes report "missing secret X" instead of failing silently. Never throws: a failing notifier
 * must not block the issue work.
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
  const missing = options.missing ?? [];
  const now = options.now ?? (() => new Date());
  return {
    async send(raw) {
      // Every text that leaves goes through the redactor, whoever built the event.
      const scrubbed: IncidentEvent = {
        ...raw,
        summary: redactor.scrub(raw.summary),
        details: Object.fromEntries(Object.entries(raw.details).map(([k, v]) => [k, redactor.scrub(v)])),
      };
      const facts = factsOf(scrubbed, options.evidence ?? { subjects: new Map() }, now());
      const event = withEvidence(scrubbed, facts);
      const routes = config.routes[event.severity] ?? [];
      return Promise.all(
        routes.map(async (route): Promise<Delivery> => {
          try {
            if (!isBuiltin(route)) {
              const channel = options.channels?.[route];
              if (!channel)
                return {
                  route,
                  ok: false,
                  error: `${route} not sent: no channel "${route}" was set up (notifications.channels)`,
                };
              if ("missing" in channel)
                return { route, ok: false, error: `${route} not sent: missing secret ${channel.missing.join(", ")}` };
              // A guard over the channel's own timeouts: a hung peer cannot hold the run.
              await deadline(sendChannel(route, channel, facts, config.timeout), config.timeout + 2_000, route);
            } else if (route === "pagerduty") {
              if (!config.pagerduty?.routingKey) return skipped(route, "pagerduty.routingKey");
              await sendPagerDuty(
                config.pagerduty.url,
                config.pagerduty.routingKey,
                event,
                config.timeout,
                redactor.scrub,
              );
            } else {
              const which = route === "slack-emergency" ? "emergency" : "alerts";
              const url = config.slack[which];
              if (!url) return skipped(route, `slack.${which}`);
              await sendSlack(url, event, config.timeout, which, redactor.scrub);
            }
            return { route, ok: true };
          } catch (error) {
            return { route, ok: false, error: redactor.scrub(error instanceof Error ? error.message : String(error)) };
          }
        }),
      );
    },
  };

  function isBuiltin(route: string): boolean {
    return route === "pagerduty" || route === "slack-emergency" || route === "slack-alerts";
  }

  function skipped(route: string, field: string): Delivery {
    if (missing.length) return { route, ok: false, error: `${route} not sent: missing secret ${missing.join(", ")}` };
    return { route, ok: false, skipped: true, error: `${route} not sent: notifications.${field} is not configured` };
  }
}

function deadline(work: Promise<void>, ms: number, route: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${route}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A notifier that sends nothing and says what it would have sent (dry run, demo). */
export function printingNotifier(print: (line: string) => void, config: NotificationsConfig): Notifier {
  return {
    async send(event) {
      const routes = config.routes[event.severity] ?? [];
      for (const route of routes) print(`[dry-run] notify ${route}: ${event.event} ${event.severity} ${event.summary}`);
      return routes.map((route) => ({ route, ok: true }));
    },
  };
}
