import type { ChannelConfig } from "../../shared/config/schema/channels.ts";
import type { NotificationsConfig } from "../../shared/config/schema/incidents.ts";
import type { Redactor } from "../../shared/config/secrets.ts";
import { inTurn, once, type Outcome } from "./attempts.ts";
import { sendChannel } from "./channels.ts";
import type { MessageFacts } from "./facts.ts";
import { perDedupKey, sendPagerDuty } from "./pagerduty.ts";
import { sendSlack } from "./slack.ts";
import type { Delivery, IncidentEvent } from "./types.ts";

/** One event, scrubbed, as the built-in routes (its details carry the evidence) and the channels (its facts) take it. */
export interface RouteItem {
  event: IncidentEvent;
  facts: MessageFacts;
}

export interface RouteOptions {
  config: NotificationsConfig;
  missing?: string[];
  redactor: Redactor;
  channels?: Readonly<Record<string, ChannelConfig | { missing: string[] }>>;
}

/** What one route did for each of its events (same order). Never throws. */
export async function sendRoute(route: string, items: readonly RouteItem[], o: RouteOptions): Promise<Delivery[]> {
  const all = (d: Delivery) => items.map(() => d);
  const { config, redactor } = o;
  const missing = o.missing ?? [];
  const skipped = (field: string): Delivery[] =>
    all(
      missing.length
        ? { route, ok: false, error: `${route} not sent: missing secret ${missing.join(", ")}` }
        : { route, ok: false, skipped: true, error: `${route} not sent: notifications.${field} is not configured` },
    );
  let outcomes: Outcome[];
  try {
    if (route === "pagerduty") {
      const pd = config.pagerduty;
      if (!pd?.routingKey) return skipped("pagerduty.routingKey");
      // One request per dedup key; each of the key's events shares its outcome.
      const keys = perDedupKey(items.map((x) => x.event));
      const sent = await inTurn(keys, (k) =>
        sendPagerDuty(pd.url, pd.routingKey, k.event, config.timeout, redactor.scrub),
      );
      outcomes = items.map(() => undefined);
      keys.forEach((k, n) => {
        for (const i of k.indexes) outcomes[i] = sent[n];
      });
    } else if (route === "slack-emergency" || route === "slack-alerts") {
      const which = route === "slack-emergency" ? "emergency" : "alerts";
      const url = config.slack[which];
      if (!url) return skipped(`slack.${which}`);
      outcomes = await once(items.length, () =>
        sendSlack(
          url,
          items.map((x) => x.event),
          config.timeout,
          which,
          redactor.scrub,
        ),
      );
    } else {
      const channel = o.channels?.[route];
      if (!channel)
        return all({
          route,
          ok: false,
          error: `${route} not sent: no channel "${route}" was set up (notifications.channels)`,
        });
      if ("missing" in channel)
        return all({ route, ok: false, error: `${route} not sent: missing secret ${channel.missing.join(", ")}` });
      outcomes = await sendChannel(
        route,
        channel,
        items.map((x) => x.facts),
        config.timeout,
      );
    }
  } catch (error) {
    // A bug in building a message, not a peer's failure: still only this route's.
    outcomes = items.map(() => (error instanceof Error ? error.message : String(error)));
  }
  return outcomes.map((error) =>
    error === undefined ? { route, ok: true } : { route, ok: false, error: redactor.scrub(error) },
  );
}
